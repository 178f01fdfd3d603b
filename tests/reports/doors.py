"""Reading the report's four doors back (the page's HTML, the API's JSON, the Word report with
python-docx, the Excel workbooks with openpyxl) and what each must say for the hand-worked world
(known_world.py, figures in known_figures.py): the prose and the Word tables, worked out by hand."""

import io
import re
from html import unescape
from types import SimpleNamespace
from urllib.parse import unquote

import docx
import openpyxl

from tests.reports import known_figures as kf


# -- reading the outputs back ------------------------------------------------------------------------

def page_tiles(html) -> dict:
    """data-figure key -> (value, value before or None)."""
    out = {}
    for key, body in re.findall(r'<div class="tile card" data-figure="([a-z_]+)">(.*?)</div>', html, re.S):
        value = re.search(r'<span class="t-value">(\d+)<small>', body).group(1)
        before = re.search(r'<span class="t-before">\S+ (\d+)', body)
        out[key] = (int(value), int(before.group(1)) if before else None)
    return out


def page_units(html) -> dict:
    """data-unit id -> the row's cells as shown."""
    return {int(uid): [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for uid, row in re.findall(r'<tr data-unit="(\d+)">(.*?)</tr>', html, re.S)}


def page_prose(html) -> list[str]:
    block = re.search(r'<div class="prose report-prose"[^>]*>(.*?)</div>', html, re.S).group(1)
    return [unescape(p) for p in re.findall(r"<p>(.*?)</p>", block, re.S)]


def page_charts(html) -> dict:
    return dict(re.findall(r'<figure class="card chart" data-chart="([a-z_]+)">(.*?)</figure>', html, re.S))


def svg_texts(svg: str) -> list[str]:
    return [unescape(t) for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)]


def word(content: bytes):
    return docx.Document(io.BytesIO(content))


def word_prose(doc) -> list[str]:
    paras = [p.text for p in doc.paragraphs]
    start, end = paras.index("一、基本情况"), paras.index("二、统计表")
    return paras[start + 1:end]


def word_tables(doc) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]


def word_text(doc) -> str:
    return "\n".join([p.text for p in doc.paragraphs] + [c for t in word_tables(doc) for row in t for c in row])


def word_pictures(doc) -> list[bytes]:
    blobs = []
    for shape in doc.inline_shapes:
        rid = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        blobs.append(doc.part.related_parts[rid].blob)
    return blobs


def sheets(content: bytes) -> dict:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def filename(response) -> str:
    return unquote(response["Content-Disposition"].split("UTF-8''", 1)[1])


def cn_date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# -- what each output must say, from the hand-worked figures ------------------------------------------

def expected_prose_of_s(as_of, *, yesterday=False) -> list[str]:
    """基本情况 of S beside P, as the issue words it: "截至…，区政府共收到区政协…提案N件，涉及M家承办单位…"."""
    if yesterday:
        replies = ("已答复8件，其中解决或采纳（A类）4件，占50%；列入计划拟解决（B类）3件，占38%；留作参考（C类）1件，占12%。"
                   "已办结2件，办结率20%（上次会议50%）；列入计划拟解决的提案中，提前办结1件，仍在推进2件。"
                   "已答复的提案中，办前面商、办中沟通、办后回访三次沟通均已完成的1件，占13%。")
        ratings = "委员已对7件提案的答复作出评价，其中“好”4件，占57%；“一般”1件，占14%；“差”2件，占29%；逾期未评价1件。"
        rehandling = "委员对答复表示“不同意”的提案2件；转入重新办理的2件，已重新答复0件，仍在重新办理2件。"
        praise, key_closed = "受到委员表扬的提案1件、承办单位1家", 0
    else:
        replies = ("已答复8件，其中解决或采纳（A类）3件，占38%；列入计划拟解决（B类）4件，占50%；留作参考（C类）1件，占12%。"
                   "已办结3件，办结率30%（上次会议50%）；列入计划拟解决的提案中，提前办结1件，仍在推进3件。"
                   "已答复的提案中，办前面商、办中沟通、办后回访三次沟通均已完成的2件，占25%。")
        ratings = "委员已对7件提案的答复作出评价，其中“好”3件，占43%；“较好”1件，占14%；“一般”2件，占29%；“差”1件，占14%；逾期未评价1件。"
        rehandling = "委员对答复表示“不同意”的提案2件；转入重新办理的2件，已重新答复1件，仍在重新办理1件。"
        praise, key_closed = "受到委员表扬的提案2件、承办单位2家", 1
    return [
        f"截至{cn_date(as_of)}，区政府共收到区政协第六届第五次会议提案10件（较上次会议增加6件），涉及3家承办单位，"
        "其中区住房和城乡建设委员会主办10件，占100%；城东街道办事处主办2件，占20%。",
        "从内容看，城市建设和管理类4件，占40%；经济类4件，占40%；教科文卫体类2件，占20%。",
        replies,
        # Re-handling as it stands: how many replied to again, how many still in hand (not "已按规定重新办理").
        ratings + rehandling,
        # The C share as the breakdown states it (12), not the rate 1/8 rounded half up (13).
        f"{praise}（上次会议分别为1件、1家）。留作参考（C类）答复1件，占已答复的12%，较上次会议下降13个百分点。"
        f"确定重点提案2件，已办结{key_closed}件。",
    ]


def expected_prose_of_npc(as_of) -> list[str]:
    """基本情况 of the congress session: 建议 and 代表; no session before, so nothing compared."""
    return [
        f"截至{cn_date(as_of)}，区政府共收到区人大第七届第五次会议建议2件，涉及2家承办单位，其中区住房和城乡建设委员会主办2件，占100%。",
        "从内容看，城市建设和管理类1件，占50%；经济类1件，占50%。",
        "已答复1件，其中解决或采纳（A类）1件，占100%。已办结1件，办结率50%；列入计划拟解决的建议中，提前办结0件，仍在推进0件。"
        "已答复的建议中，办前面商、办中沟通、办后回访三次沟通均已完成的0件，占0%。",
        "代表已对1件建议的答复作出评价，其中“好”1件，占100%。代表对答复表示“不同意”的建议0件。",
        "受到代表表扬的建议0件、承办单位0家。留作参考（C类）答复0件，占已答复的0%。确定重点建议0件，已办结0件。",
    ]


def word_tables_of_s(*, yesterday=False) -> list:
    y = yesterday
    return [
        [["项目", "本次会议", "上次会议"], ["收到提案（件）", "10", "4"], ["涉及承办单位（家）", "3", "1"], ["已答复（件）", "8", "4"],
         ["已办结（件）", "2" if y else "3", "2"], ["办结率", "20%" if y else "30%", "50%"], ["委员已评价（件）", "7", "3"],
         ["“不同意”（件）", "2", "0"], ["重新办理（件/已重新答复）", "2/0" if y else "2/1", "0/0"], ["受表扬（件/家）", "1/1" if y else "2/2", "1/1"],
         ["C类占比", "12%", "25%"], ["三次沟通均完成（件）", "1（13%）" if y else "2（25%）", "0（0%）"],
         ["重点提案（件/已办结）", "2/0" if y else "2/1", "0/0"]],
        [["类别", "本次会议（件）", "占比", "上次会议（件）", "占比"], ["城市建设和管理", "4", "40%", "1", "25%"], ["经济", "4", "40%", "3", "75%"],
         ["教科文卫体", "2", "20%", "—", "—"]],
        [["答复类型", "本次会议（件）", "占比", "上次会议（件）", "占比"], ["A类 解决或采纳", *(("4", "50%") if y else ("3", "38%")), "2", "50%"],
         ["B类 列入计划拟解决", *(("3", "38%") if y else ("4", "50%")), "1", "25%"], ["C类 留作参考", "1", "12%", "1", "25%"]],
        [["满意度", "本次会议（件）", "占比", "上次会议（件）", "占比"], ["好", *(("4", "57%") if y else ("3", "43%")), "2", "67%"],
         ["较好", *(("0", "0%") if y else ("1", "14%")), "1", "33%"], ["一般", *(("1", "14%") if y else ("2", "29%")), "0", "0%"],
         ["差", *(("2", "29%") if y else ("1", "14%")), "0", "0%"]],
        [["承办单位", "主办（件）", "占收到提案"], ["区住房和城乡建设委员会", "10", "100%"], ["城东街道办事处", "2", "20%"]],
    ]


# 总体情况 sheet: row label -> key of the figures.
SUMMARY_KEYS = {
    "收到提案（件）": "received", "涉及承办单位（家）": "units_involved", "已答复（件）": "replied", "已办结（件）": "closed",
    "办结率（%）": "closure_rate", "B类提前办结（件）": "b_closed_early", "B类仍在推进（件）": "b_in_progress",
    "委员已评价（件）": "feedback", "逾期未评价（件）": "feedback_lapsed", "“不同意”（件）": "disagreed_items",
    "重新办理（件）": "rehandled_items", "已重新答复（件）": "rehandled_done", "仍在重新办理（件）": "rehandling_items",
    "受表扬的件数": "praised_items", "受表扬的单位数": "praised_units", "C类（件）": "c_items", "C类占比（%）": "c_share",
    "三次沟通均完成（件）": "contacts_all_three", "三次沟通完成率（%）": "contacts_share",
    "重点提案（件）": "key_items", "重点已办结（件）": "key_closed",
}
TILES = ["received", "units_involved", "replied", "closed", "closure_rate", "feedback", "disagreed_items", "c_share"]
MILESTONES = ["sign", "consult", "reply", "co_opinion", "message"]
GRADES = list(kf.GRADE_NAMES)
CONTACTS = ["before", "during", "after", "all"]


def page_cells(u) -> list[str]:
    """A unit row as the page shows it: milestones as on time/due, or — when none was due."""
    cells = [u["name"], u["lead"], u["co"], u["separate"], u["closed"]]
    cells += [f"{u[m]['on_time']}/{u[m]['due']}" if u[m]["due"] else "—" for m in MILESTONES]
    cells += [u["reply_types"][t] for t in "ABC"] + [u["grades"][g] for g in GRADES]
    cells += [u["praise"], u["disagreed"], u["adjustments"], u["urges"]] + [u["contacts"][k] for k in CONTACTS]
    return [str(c) for c in cells]


def excel_cells(u) -> list:
    cells = [u["name"], u["lead"], u["co"], u["separate"], u["closed"]]
    for m in MILESTONES:
        cells += [u[m]["on_time"], u[m]["due"], u[m]["rate"] if u[m]["due"] else None]
    cells += [u["reply_types"][t] for t in "ABC"] + [u["grades"][g] for g in GRADES] + [u["co_grades"][g] for g in GRADES]
    return cells + [u["praise"], u["disagreed"], u["adjustments"], u["urges"], u["message_hours"]] + [u["contacts"][k] for k in CONTACTS]


def fake_known_world():
    """Stand-ins for the records the hand-worked figures name."""
    unit = lambda pk, name: SimpleNamespace(pk=pk, name=name)  # noqa: E731
    return SimpleNamespace(world=SimpleNamespace(lead_unit=unit(1, kf.LEAD), spare_unit=unit(4, kf.SPARE), npc_session=SimpleNamespace(pk=3)),
                           session=SimpleNamespace(pk=2), previous_session=SimpleNamespace(pk=1))


def figures_without_db(*, yesterday=False, as_of="2026-11-26"):
    """The hand-worked figures of S beside P."""
    fake = fake_known_world()
    return {"as_of": as_of, "current": kf.session_figures(fake, yesterday=yesterday), "previous": kf.previous_session_figures(fake)}
