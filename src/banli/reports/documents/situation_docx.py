"""The situation report (情况专报) as a Word document: who was late, who left proposers
unsatisfied, who was commended, each unit named with its items."""

from datetime import date

from banli.org.models import WORDING

from .word import HEADING, SUBHEADING, new_document, para, table, title, to_bytes


def _d(iso: str | None) -> str:
    if not iso:
        return "尚未办理"
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def _no(e) -> str:
    if e.get("question"):
        return "有问必答"
    return f"第{e['number']:04d}号" if e.get("number") else "—"


def situation_report(s: dict) -> bytes:
    w = WORDING[s["assembly"]] if s["assembly"] else {"item": "提案、建议", "person": "委员、代表"}
    doc = new_document()
    title(doc, f"{w['item']}办理情况专报", f"（{_d(s['from'])}至{_d(s['to'])}）")
    n_late = sum(len(u["entries"]) for u in s["overdue"])
    n_bad = sum(len(u["entries"]) for u in s["unsatisfactory"])
    n_good = sum(len(u["entries"]) for u in s["commended"])
    para(doc, f"{_d(s['from'])}至{_d(s['to'])}，共有{len(s['overdue'])}家承办单位的{n_late}个办理环节超过时限，"
              f"{len(s['unsatisfactory'])}家单位的{n_bad}份答复被{w['person']}评为不满意或不同意，"
              f"{len(s['commended'])}家单位的{n_good}份答复受到{w['person']}表扬。现将有关情况报告如下。")

    para(doc, "一、超期办理情况", face=HEADING)
    if not s["overdue"]:
        para(doc, "本期没有超期办理的环节。")
    for i, u in enumerate(s["overdue"], 1):
        para(doc, f"（{i}）{u['name']}：超期{len(u['entries'])}项。", face=SUBHEADING)
        table(doc, ["编号", "标题", "超期环节", "期限", "完成", "超期（工作日）"],
              [[_no(e), e["title"], e["kind"], _d(e["due_on"]), _d(e["done_on"]), e["days_late"]] for e in u["entries"]], size=10.5,
              widths_cm=[2.0, 5.6, 2.4, 2.4, 2.4, 1.6])

    para(doc, f"二、{w['person']}不满意或不同意的答复", face=HEADING)
    if not s["unsatisfactory"]:
        para(doc, f"本期没有{w['person']}评为不满意或不同意的答复。")
    for i, u in enumerate(s["unsatisfactory"], 1):
        para(doc, f"（{i}）{u['name']}：{len(u['entries'])}份。", face=SUBHEADING)
        table(doc, ["编号", "标题", "满意度", "是否同意", "意见"],
              [[_no(e), e["title"], e["grade"], "不同意" if e["agrees"] is False else "同意", e["comment"]] for e in u["entries"]], size=10.5,
              widths_cm=[2.0, 5.0, 1.8, 1.8, 5.8])

    para(doc, "三、受到表扬的做法", face=HEADING)
    if not s["commended"]:
        para(doc, f"本期没有受到{w['person']}表扬的答复。")
    for i, u in enumerate(s["commended"], 1):
        para(doc, f"（{i}）{u['name']}：{len(u['entries'])}份答复受到表扬。", face=SUBHEADING)
        for e in u["entries"]:
            para(doc, f"{_no(e)}《{e['title']}》" + (f"：{e['comment']}" if e["comment"] else "。"))
    return to_bytes(doc)
