"""The report as the office gets it: the page (figures, prose, charts, unit table), the Word
report, the two Excel workbooks and the JSON API give the same numbers for the same request, and
those are the numbers worked out by hand (tests/reports/known_world.py). The Word report opens
with 基本情况 in Chinese sentences, worded for the assembly; its charts are drawn with a Chinese
font, and the page's charts keep their labels as text."""

import datetime
import io
import re
import warnings
from html import unescape
from types import SimpleNamespace
from urllib.parse import unquote

import docx
import matplotlib.text
import openpyxl
import pytest
from django.utils import timezone
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties
from rest_framework.test import APIClient

from banli.reports import charts
from banli.reports.periods import period
from banli.reports.prose import basic_situation
from banli.reports.statistics import yearly_figures
from tests.builders import make_item
from tests.reports import known_world as kw_
from tests.reports.known_world import build_known_world
from tests.web.pages import login, text

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n"


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

def expected_prose_of_s(as_of) -> list[str]:
    """基本情况 of S beside P, as the issue words it: "截至…，区政府共收到区政协…提案N件，涉及M家承办单位…"."""
    return [
        f"截至{cn_date(as_of)}，区政府共收到区政协第六届第五次会议提案8件（较上次会议增加4件），涉及3家承办单位，"
        "其中区住房和城乡建设委员会主办8件，占100%；城东街道办事处主办1件，占13%。",
        "从内容看，城市建设和管理类4件，占50%；经济类3件，占38%；教科文卫体类1件，占12%。",
        "已答复6件，其中解决或采纳（A类）3件，占50%；列入计划拟解决（B类）2件，占33%；留作参考（C类）1件，占17%。"
        "已办结3件，办结率38%（上次会议50%）；列入计划拟解决的提案中，提前办结1件，仍在推进1件。",
        "共收到委员反馈意见5份，其中“好”3份，占60%；“一般”1份，占20%；“差”1份，占20%；逾期未反馈1份。"
        "委员对答复表示“不同意”的提案1件，已按规定重新办理。",
        "受到委员表扬的提案1件、承办单位1家（上次会议分别为1件、1家）。留作参考（C类）答复1件，占已答复的17%，较上次会议下降8个百分点。"
        "确定重点提案2件，已办结1件。",
    ]


def expected_prose_of_npc(as_of) -> list[str]:
    """基本情况 of the congress session: 建议 and 代表; no session before, so nothing compared."""
    return [
        f"截至{cn_date(as_of)}，区政府共收到区人大第七届第五次会议建议2件，涉及2家承办单位，其中区住房和城乡建设委员会主办2件，占100%。",
        "从内容看，城市建设和管理类1件，占50%；经济类1件，占50%。",
        "已答复1件，其中解决或采纳（A类）1件，占100%。已办结1件，办结率50%；列入计划拟解决的建议中，提前办结0件，仍在推进0件。",
        "共收到代表反馈意见1份，其中“好”1份，占100%。代表对答复表示“不同意”的建议0件，已按规定重新办理。",
        "受到代表表扬的建议0件、承办单位0家。留作参考（C类）答复0件，占已答复的0%。确定重点建议0件，已办结0件。",
    ]


WORD_TABLES_OF_S = [
    [["项目", "本次会议", "上次会议"], ["收到提案（件）", "8", "4"], ["涉及承办单位（家）", "3", "1"], ["已答复（件）", "6", "4"],
     ["已办结（件）", "3", "2"], ["办结率", "38%", "50%"], ["委员反馈（份）", "5", "3"], ["“不同意”（件）", "1", "0"],
     ["受表扬（件/家）", "1/1", "1/1"], ["C类占比", "17%", "25%"], ["重点提案（件/已办结）", "2/1", "0/0"]],
    [["类别", "本次会议（件）", "占比", "上次会议（件）", "占比"], ["城市建设和管理", "4", "50%", "1", "25%"], ["经济", "3", "38%", "3", "75%"],
     ["教科文卫体", "1", "12%", "—", "—"]],
    [["答复类型", "本次会议（件）", "占比", "上次会议（件）", "占比"], ["A类 解决或采纳", "3", "50%", "2", "50%"],
     ["B类 列入计划拟解决", "2", "33%", "1", "25%"], ["C类 留作参考", "1", "17%", "1", "25%"]],
    [["满意度", "本次会议（份）", "占比", "上次会议（份）", "占比"], ["好", "3", "60%", "2", "67%"], ["较好", "0", "0%", "1", "33%"],
     ["一般", "1", "20%", "0", "0%"], ["差", "1", "20%", "0", "0%"]],
    [["承办单位", "主办（件）", "占收到提案"], ["区住房和城乡建设委员会", "8", "100%"], ["城东街道办事处", "1", "13%"]],
]

# 总体情况 sheet: row label -> key of the figures.
SUMMARY_KEYS = {
    "收到提案（件）": "received", "涉及承办单位（家）": "units_involved", "已答复（件）": "replied", "已办结（件）": "closed",
    "办结率（%）": "closure_rate", "B类提前办结（件）": "b_closed_early", "B类仍在推进（件）": "b_in_progress",
    "委员反馈（份）": "feedback", "逾期未反馈（份）": "feedback_lapsed", "“不同意”（件）": "disagreed_items",
    "受表扬的件数": "praised_items", "受表扬的单位数": "praised_units", "C类（件）": "c_items", "C类占比（%）": "c_share",
    "重点提案（件）": "key_items", "重点已办结（件）": "key_closed",
}
TILES = ["received", "units_involved", "replied", "closed", "closure_rate", "feedback", "disagreed_items", "c_share"]
MILESTONES = ["sign", "consult", "reply", "co_opinion", "message"]
GRADES = list(kw_.GRADE_NAMES)


def page_cells(u) -> list[str]:
    """A unit row as the page shows it: milestones as on time/due, or — when none was due."""
    cells = [u["name"], u["lead"], u["co"], u["separate"], u["closed"]]
    cells += [f"{u[m]['on_time']}/{u[m]['due']}" if u[m]["due"] else "—" for m in MILESTONES]
    cells += [u["reply_types"][t] for t in "ABC"] + [u["grades"][g] for g in GRADES]
    cells += [u["praise"], u["disagreed"], u["adjustments"], u["urges"]]
    return [str(c) for c in cells]


def excel_cells(u) -> list:
    cells = [u["name"], u["lead"], u["co"], u["separate"], u["closed"]]
    for m in MILESTONES:
        cells += [u[m]["on_time"], u[m]["due"], u[m]["rate"] if u[m]["due"] else None]
    cells += [u["reply_types"][t] for t in "ABC"] + [u["grades"][g] for g in GRADES] + [u["co_grades"][g] for g in GRADES]
    return cells + [u["praise"], u["disagreed"], u["adjustments"], u["urges"], u["message_hours"]]


# -- the test the issue asks for: the three agree ------------------------------------------------------

def test_api_page_word_and_excel_give_the_same_numbers(world):
    kw = build_known_world(world)
    query = f"kind=session&value={kw.session.pk}"
    cur, prev = kw_.session_figures(kw), kw_.previous_session_figures(kw)
    units = kw_.session_unit_table(kw)
    today = timezone.localdate().isoformat()

    # JSON API
    api = APIClient()
    api.force_login(world.gov_office)
    r = api.get(f"/api/reports/yearly/?{query}")
    assert r.status_code == 200, r.content
    figures = r.json()
    assert figures == {"as_of": today, "current": cur, "previous": prev}
    r = api.get(f"/api/reports/units/?{query}")
    assert r.status_code == 200, r.content
    assert r.json() == {"period": cur["period"], "units": units}

    # The page
    c = login(world.gov_office)
    page = c.get(f"/reports/?{query}")
    assert page.status_code == 200
    html = text(page)
    assert page_tiles(html) == {k: (cur[k], prev[k]) for k in TILES}
    shown = page_units(html)
    assert list(shown) == [u["id"] for u in units]  # the table's order
    assert shown == {u["id"]: page_cells(u) for u in units}
    prose = basic_situation(figures)  # worded in test_basic_situation_reads_as_the_issue_words_it
    assert page_prose(html) == prose
    for href in ("/reports/yearly.docx", "/reports/report.xlsx", "/reports/units.xlsx", "/api/reports/yearly/"):
        assert f'href="{href}?{query.replace("&", "&amp;")}"' in html, href

    # The Word report
    r = c.get(f"/reports/yearly.docx?{query}")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert filename(r) == "区政协第六届第五次会议办理工作情况报告.docx"
    doc = word(r.content)
    assert doc.paragraphs[0].text == "关于区政协第六届第五次会议提案办理工作情况的报告"
    assert word_prose(doc) == prose
    assert word_tables(doc) == WORD_TABLES_OF_S

    # The report workbook
    r = c.get(f"/reports/report.xlsx?{query}")
    assert r.status_code == 200 and filename(r) == "区政协第六届第五次会议办理情况统计表.xlsx"
    book = sheets(r.content)
    assert list(book) == ["总体情况", "按类别", "按答复类型", "按满意度", "主办单位"]
    summary = book["总体情况"]
    assert summary[0] == ["项目", "区政协第六届第五次会议", "区政协第六届第四次会议"]
    assert {row[0]: (row[1], row[2]) for row in summary[1:]} == {label: (cur[k], prev[k]) for label, k in SUMMARY_KEYS.items()}
    assert book["按类别"][1:] == [["城市建设和管理", 4, 50, 1, 25], ["经济", 3, 38, 3, 75], ["教科文卫体", 1, 12, None, None]]
    assert book["按答复类型"][1:] == [[f"{t['code']}类 {t['name']}", t["count"], t["share"], p["count"], p["share"]]
                                   for t, p in zip(cur["by_reply_type"], prev["by_reply_type"])]
    assert book["按满意度"][1:] == [[g["name"], g["count"], g["share"], p["count"], p["share"]] for g, p in zip(cur["by_grade"], prev["by_grade"])]
    assert book["主办单位"][1:] == [["区住房和城乡建设委员会", 8, 100], ["城东街道办事处", 1, 13]]

    # The unit workbook
    r = c.get(f"/reports/units.xlsx?{query}")
    assert r.status_code == 200 and filename(r) == "区政协第六届第五次会议承办单位统计表.xlsx"
    (rows,) = sheets(r.content).values()
    assert rows[0][:5] == ["承办单位", "主办", "会办", "分办", "已办结"] and rows[0][-1] == "留言平均答复（小时）"
    assert rows[1:] == [excel_cells(u) for u in units]


def test_a_term_and_a_year_agree_across_the_outputs_too(world):
    from tests.builders import new_draft, register, submit

    make_item(world, "closed", reply_type="B", co=True, session=world.earlier_cppcc_session)
    register(world, submit(world, new_draft(world, session=world.cppcc_session, category=world.category("cppcc", 0))))
    year = timezone.localdate().year
    api = APIClient()
    api.force_login(world.gov_office)
    c = login(world.gov_office)
    for query, label in ((f"kind=term&value={world.ref.cppcc_term.pk}", "区政协第六届"), (f"kind=year&value={year - 1}&assembly=cppcc", f"{year - 1}年区政协")):
        figures = api.get(f"/api/reports/yearly/?{query}").json()
        cur, prev = figures["current"], figures["previous"]
        assert cur["period"]["label"] == label and cur["received"] == (2 if "term" in query else 1)
        units = api.get(f"/api/reports/units/?{query}").json()["units"]
        html = text(c.get(f"/reports/?{query}"))
        assert page_tiles(html) == {k: (cur[k], prev[k] if prev else None) for k in TILES}
        assert page_units(html) == {u["id"]: page_cells(u) for u in units}
        assert page_prose(html) == basic_situation(figures)
        summary = sheets(c.get(f"/reports/report.xlsx?{query}").content)["总体情况"]
        assert summary[0][1] == label
        assert {row[0]: row[1] for row in summary[1:]} == {lab: cur[k] for lab, k in SUMMARY_KEYS.items()}
        (rows,) = sheets(c.get(f"/reports/units.xlsx?{query}").content).values()
        assert rows[1:] == [excel_cells(u) for u in units]
    doc = word(c.get(f"/reports/yearly.docx?kind=year&value={year - 1}&assembly=cppcc").content)
    assert doc.paragraphs[0].text == f"关于{year - 1}年区政协提案办理工作情况的报告"
    assert word_prose(doc) == basic_situation(api.get(f"/api/reports/yearly/?kind=year&value={year - 1}&assembly=cppcc").json())


def test_word_report_has_tables_after_the_prose_and_four_charts(world):
    """In order: title, 一、基本情况 (prose), 二、统计表 (five tables), 三、统计图 (four PNG charts,
    drawn with the server's Chinese font)."""
    make_item(world, "closed", reply_type="A", co=True, category=world.category("cppcc", 0))
    make_item(world, "replied", reply_type="C", co=False)
    assert charts.cjk_font() is not None, "install fonts-noto-cjk: the report's charts need a Chinese font"
    r = login(world.cppcc_office).get("/reports/yearly.docx")  # the current session by default
    doc = word(r.content)
    body = [child.tag.rsplit("}", 1)[1] for child in doc.element.body.iterchildren()]
    heads = [p.text for p in doc.paragraphs]
    assert heads.index("一、基本情况") < heads.index("二、统计表") < heads.index("三、统计图")
    first_table = body.index("tbl")
    prose_end = [i for i, p in enumerate(doc.element.body.iterchildren()) if p.tag.endswith("}p") and "二、统计表" in "".join(p.itertext())][0]
    assert prose_end < first_table and body.count("tbl") == 5
    assert len(doc.inline_shapes) == 4
    assert all(blob.startswith(PNG) for blob in word_pictures(doc))
    # Government-document fonts, the East Asian slot included (Word picks Chinese fonts from it).
    title_run = doc.paragraphs[0].runs[0]
    assert title_run.font.name == "方正小标宋简体"
    assert title_run._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "方正小标宋简体"


def test_a_congress_report_speaks_of_suggestions_and_deputies(world):
    """建议/代表 throughout, never 提案/委员 (unit names aside: 区交通委员会 is a name); with no
    session before, nothing is compared."""
    make_item(world, "closed", reply_type="A", co=False, assembly="npc", category=world.category("npc", 0))
    make_item(world, "handling", co=True, assembly="npc")
    query = f"kind=session&value={world.npc_session.pk}"
    c = login(world.npc_office)
    names = [world.lead_unit.name, world.co_unit.name]

    def scrub(s):
        for n in names:
            s = s.replace(n, "")
        return s

    doc = word(c.get(f"/reports/yearly.docx?{query}").content)
    assert doc.paragraphs[0].text == "关于区人大第七届第五次会议建议办理工作情况的报告"
    whole = scrub(word_text(doc))
    assert "建议" in whole and "代表" in whole
    assert "提案" not in whole and "委员" not in whole
    prose = word_prose(doc)
    assert len(prose) == 5 and prose[0].startswith(f"截至{cn_date(timezone.localdate())}，区政府共收到区人大第七届第五次会议建议2件")
    assert not any("上届" in p for p in prose)  # nothing before to compare with
    assert word_tables(doc)[0][1] == ["收到建议（件）", "2", "—"]

    html = text(c.get(f"/reports/?{query}"))
    prose = scrub("".join(page_prose(html)))
    assert "建议" in prose and "提案" not in prose and "委员" not in prose
    assert page_tiles(html)["received"] == (2, None)  # no session before: nothing to compare
    book = sheets(c.get(f"/reports/report.xlsx?{query}").content)
    cells = scrub(" ".join(str(v) for rows in book.values() for row in rows for v in row if v is not None))
    assert "收到建议（件）" in cells and "代表反馈（份）" in cells
    assert "提案" not in cells and "委员" not in cells



def test_basic_situation_reads_as_the_issue_words_it():
    """The first section, from the hand-worked figures (a pure function of them)."""
    figures = figures_without_db()
    assert basic_situation(figures) == expected_prose_of_s(datetime.date(2026, 11, 26))
    npc = {"as_of": "2026-11-26", "current": kw_.npc_figures(fake_known_world()), "previous": None}
    assert basic_situation(npc) == expected_prose_of_npc(datetime.date(2026, 11, 26))



def test_the_comparison_is_named_after_the_period(world):
    """A session is compared with the session before, a year with the year before: neither is
    "上届" (the previous term). Only a term is compared with 上届."""
    from tests.builders import new_draft, register, submit

    for session in (world.earlier_cppcc_session, world.cppcc_session, world.cppcc_session):
        register(world, submit(world, new_draft(world, session=session)))
    year = timezone.localdate().year
    for kind, value in (("session", world.cppcc_session.pk), ("year", year)):
        figures = yearly_figures(period(kind, value, "cppcc"))
        assert figures["previous"]["received"] == 1 and figures["current"]["received"] == 2
        from banli.reports.documents.yearly_docx import yearly_report

        whole = word_text(word(yearly_report(figures)))
        assert "上届" not in whole and "本届" not in whole, kind



def test_a_category_only_the_previous_period_had_stays_in_the_comparison(world):
    """The 上届 column of 按类别 lists every category of the period before, so that its shares add up
    to 100, even one that has no item this time."""
    from tests.builders import new_draft, register, submit

    general = kw_.top("cppcc", "综合")
    register(world, submit(world, new_draft(world, session=world.earlier_cppcc_session, category=general)))
    register(world, submit(world, new_draft(world, session=world.cppcc_session, category=world.category("cppcc", 0))))
    c = login(world.gov_office)
    query = f"kind=session&value={world.cppcc_session.pk}"
    book = sheets(c.get(f"/reports/report.xlsx?{query}").content)
    rows = {r[0]: r[1:] for r in book["按类别"][1:]}
    assert rows["经济"] == [1, 100, None, None] or rows["经济"] == [1, 100, 0, 0]
    assert "综合" in rows, "the category of the period before is missing from the comparison"
    assert rows["综合"][2:] == [1, 100]
    table = word_tables(word(c.get(f"/reports/yearly.docx?{query}").content))[1]
    assert [r[0] for r in table[1:]] == ["经济", "综合"]


# -- charts -------------------------------------------------------------------------------------------

def fake_known_world():
    """Stand-ins for the records the hand-worked figures name."""
    unit = lambda pk, name: SimpleNamespace(pk=pk, name=name)  # noqa: E731
    return SimpleNamespace(world=SimpleNamespace(lead_unit=unit(1, "区住房和城乡建设委员会"), spare_unit=unit(4, "城东街道办事处"),
                                                 npc_session=SimpleNamespace(pk=3)),
                           session=SimpleNamespace(pk=2), previous_session=SimpleNamespace(pk=1))


def figures_without_db():
    """The hand-worked figures of S beside P."""
    fake = fake_known_world()
    return {"as_of": "2026-11-26", "current": kw_.session_figures(fake), "previous": kw_.previous_session_figures(fake)}


def covered(path: str) -> set[int]:
    from fontTools.ttLib import TTCollection, TTFont

    font = TTCollection(path).fonts[0] if path.lower().endswith(".ttc") else TTFont(path)
    return set(font.getBestCmap())


def test_charts_are_drawn_with_a_font_that_has_every_character():
    """The "no boxes" guarantee: a CJK font is installed, every text of every chart is set in it,
    the font file has a glyph for each character, and matplotlib reports no missing glyph."""
    family = charts.cjk_font()
    assert family is not None, "install fonts-noto-cjk: the report's charts need a Chinese font"
    path = font_manager.findfont(FontProperties(family=family), fallback_to_default=False)
    cmap = covered(path)
    figs = charts.report_charts(figures_without_db())
    assert list(figs) == ["category", "reply_type", "grade", "units"]
    labels = set()
    for key, fig in figs.items():
        texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip()]
        for t in texts:
            if any(ord(ch) > 127 for ch in t.get_text()):
                assert t.get_fontfamily() == [family], (key, t.get_text(), t.get_fontfamily())
            labels.add(t.get_text())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            png = charts.png(fig)
        assert png.startswith(PNG)
        assert not [w for w in caught if "missing from font" in str(w.message)], [str(w.message) for w in caught]
    assert {"城市建设和管理", "经济", "教科文卫体", "A类 解决或采纳", "好", "较好", "差", "区住房和城乡建设委员会", "按类别",
            "按满意度", "8件 · 100%"} <= labels
    missing = {ch for s in labels for ch in s if not ch.isspace() and ord(ch) not in cmap}
    assert not missing, f"{path} has no glyph for {sorted(missing)}"


def test_page_charts_keep_their_labels_as_text(world):
    make_item(world, "closed", reply_type="A", co=False, category=world.category("cppcc", 0))
    make_item(world, "replied", reply_type="C", co=False, category=world.category("cppcc", 1))
    html = text(login(world.gov_office).get("/reports/"))
    found = page_charts(html)
    assert list(found) == ["category", "reply_type", "grade", "units"]
    for key, svg in found.items():
        assert svg.lstrip().startswith("<svg") and "<path d=\"M" in svg, key
        assert "Noto Sans CJK SC" in svg or "sans-serif" in svg
    assert {"按类别", "城市建设和管理", "经济"} <= set(svg_texts(found["category"]))
    assert {"A类 解决或采纳", "C类 留作参考"} <= set(svg_texts(found["reply_type"]))
    assert {"好", "较好", "一般", "差"} <= set(svg_texts(found["grade"]))
    assert "区住房和城乡建设委员会" in svg_texts(found["units"])
    # Labels are text, not glyph outlines: no <use> of glyph definitions for the Chinese.
    assert "DejaVuSans" not in html
