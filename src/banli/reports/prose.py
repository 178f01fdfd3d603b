"""The first section of the yearly report (基本情况) as the office writes it: Chinese sentences
with the figures filled in. Wording follows the assembly (提案/委员 or 建议/代表)."""

from datetime import date

from banli.org.models import WORDING

from .periods import comparison_words

CN_DIGITS = "〇一二三四五六七八九"


def cn_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def _change(now: int, before: int, unit: str, prev: str, *, points: bool = False) -> str:
    """"较上次会议增加3件" / "与上次会议持平"; percentages change by 个百分点."""
    diff = now - before
    if diff == 0:
        return f"与{prev}持平"
    word = "增加" if diff > 0 else "减少"
    if points:
        word = "上升" if diff > 0 else "下降"
        return f"较{prev}{word}{abs(diff)}个百分点"
    return f"较{prev}{word}{abs(diff)}{unit}"


def _list(rows, fmt) -> str:
    return "；".join(fmt(r) for r in rows)


def basic_situation(figures: dict) -> list[str]:
    """The paragraphs of 基本情况, in the order the office reads them."""
    cur, prev = figures["current"], figures["previous"]
    w = WORDING[cur["period"]["assembly"]]
    item, person = w["item"], w["person"]
    period = cur["period"]["label"]
    _, pw = comparison_words(cur["period"]["kind"])
    lead = f"截至{cn_date(figures['as_of'])}，区政府共收到{period}{item}{cur['received']}件"
    if prev:
        lead += f"（{_change(cur['received'], prev['received'], '件', pw)}）"
    lead += f"，涉及{cur['units_involved']}家承办单位"
    if cur["top_units"]:
        lead += "，其中" + _list(cur["top_units"], lambda u: f"{u['name']}主办{u['items']}件，占{u['share']}%")
    paras = [lead + "。"]
    cats = [c for c in cur["by_category"] if c["count"]]
    if cats:
        paras.append("从内容看，" + _list(cats, lambda c: f"{c['name']}类{c['count']}件，占{c['share']}%") + "。")
    types = [t for t in cur["by_reply_type"] if t["count"]]
    reply = f"已答复{cur['replied']}件"
    if types:
        reply += "，其中" + _list(types, lambda t: f"{t['name']}（{t['code']}类）{t['count']}件，占{t['share']}%")
    reply += f"。已办结{cur['closed']}件，办结率{cur['closure_rate']}%"
    if prev:
        reply += f"（{pw}{prev['closure_rate']}%）"
    reply += f"；列入计划拟解决的{item}中，提前办结{cur['b_closed_early']}件，仍在推进{cur['b_in_progress']}件。"
    if cur["replied"]:
        reply += (f"已答复的{item}中，办前面商、办中沟通、办后回访三次沟通均已完成的{cur['contacts_all_three']}件，"
                  f"占{cur['contacts_share']}%。")
    paras.append(reply)
    # Each item once, by its rating in force (a re-handled item by the rating of its second reply).
    grades = [g for g in cur["by_grade"] if g["count"]]
    fb = f"{person}已对{cur['feedback']}件{item}的答复作出评价"
    if grades:
        fb += "，其中" + _list(grades, lambda g: f"“{g['name']}”{g['count']}件，占{g['share']}%")
    if cur["feedback_lapsed"]:
        fb += f"；逾期未评价{cur['feedback_lapsed']}件"
    fb += f"。{person}对答复表示“不同意”的{item}{cur['disagreed_items']}件"
    if cur["rehandled_items"]:
        fb += (f"；转入重新办理的{cur['rehandled_items']}件，已重新答复{cur['rehandled_done']}件，"
               f"仍在重新办理{cur['rehandling_items']}件")
    paras.append(fb + "。")
    praise = f"受到{person}表扬的{item}{cur['praised_items']}件、承办单位{cur['praised_units']}家"
    if prev:
        praise += f"（{pw}分别为{prev['praised_items']}件、{prev['praised_units']}家）"
    praise += f"。留作参考（C类）答复{cur['c_items']}件，占已答复的{cur['c_share']}%"
    if prev:
        praise += f"，{_change(cur['c_share'], prev['c_share'], '', pw, points=True)}"
    praise += f"。确定重点{item}{cur['key_items']}件，已办结{cur['key_closed']}件。"
    paras.append(praise)
    return paras
