"""The report's four doors agree: the page (tiles, prose, unit table), the JSON API, the Word report
and the two Excel workbooks give the same numbers for the same request, those worked out by hand
for a rebuilt year (known_world.py), today and as of an earlier day (as_of). One figure is stated
one way everywhere (the C share), and a bad as_of is refused with a message."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from banli.reports.prose import basic_situation
from tests.builders import make_item
from tests.reports import known_figures as kf
from tests.reports.doors import (
    SUMMARY_KEYS, TILES, cn_date, excel_cells, expected_prose_of_npc, expected_prose_of_s, fake_known_world, figures_without_db, filename,
    page_cells, page_prose, page_tiles, page_units, sheets, word, word_prose, word_tables, word_tables_of_s, word_text,
)
from tests.reports.known_world import build_known_world
from tests.web.pages import login, text

pytestmark = pytest.mark.django_db


def check_every_door(world, kw, *, as_of=None):
    """The figures of S (beside P) through the API, the page, the Word report and both workbooks,
    as of `as_of` (None: today, no parameter given)."""
    yesterday = as_of is not None
    query = f"kind=session&value={kw.session.pk}" + (f"&as_of={as_of.isoformat()}" if as_of else "")
    day = as_of or timezone.localdate()
    cur, prev = kf.session_figures(kw, yesterday=yesterday), kf.previous_session_figures(kw)
    units = kf.session_unit_table(kw, yesterday=yesterday)

    # JSON API
    api = APIClient()
    api.force_login(world.gov_office)
    r = api.get(f"/api/reports/yearly/?{query}")
    assert r.status_code == 200, r.content
    figures = r.json()
    assert figures == {"as_of": day.isoformat(), "current": cur, "previous": prev}
    r = api.get(f"/api/reports/units/?{query}")
    assert r.status_code == 200, r.content
    assert r.json() == {"period": cur["period"], "as_of": day.isoformat(), "units": units}

    # The page
    c = login(world.gov_office)
    page = c.get(f"/reports/?{query}")
    assert page.status_code == 200
    html = text(page)
    assert page_tiles(html) == {k: (cur[k], prev[k]) for k in TILES}
    shown = page_units(html)
    assert list(shown) == [u["id"] for u in units]  # the table's order
    assert shown == {u["id"]: page_cells(u) for u in units}
    prose = expected_prose_of_s(day, yesterday=yesterday)
    assert basic_situation(figures) == prose
    assert page_prose(html) == prose
    assert f'name="as_of" value="{day.isoformat()}"' in html
    for href in ("/reports/yearly.docx", "/reports/report.xlsx", "/reports/units.xlsx", "/api/reports/yearly/"):
        assert f'href="{href}?{query.replace("&", "&amp;")}"' in html, href

    # The Word report
    r = c.get(f"/reports/yearly.docx?{query}")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert filename(r) == "区政协第六届第五次会议办理工作情况报告.docx"
    doc = word(r.content)
    assert doc.paragraphs[0].text == "关于区政协第六届第五次会议提案办理工作情况的报告"
    assert word_prose(doc) == prose
    assert word_tables(doc) == word_tables_of_s(yesterday=yesterday)

    # The report workbook
    r = c.get(f"/reports/report.xlsx?{query}")
    assert r.status_code == 200 and filename(r) == "区政协第六届第五次会议办理情况统计表.xlsx"
    book = sheets(r.content)
    assert list(book) == ["总体情况", "按类别", "按答复类型", "按满意度", "主办单位"]
    summary = book["总体情况"]
    assert summary[0] == [f"项目（截至{cn_date(day)}）", "区政协第六届第五次会议", "区政协第六届第四次会议"]
    assert {row[0]: (row[1], row[2]) for row in summary[1:]} == {label: (cur[k], prev[k]) for label, k in SUMMARY_KEYS.items()}
    assert book["按类别"][1:] == [["城市建设和管理", 4, 40, 1, 25], ["经济", 4, 40, 3, 75], ["教科文卫体", 2, 20, None, None]]
    assert book["按答复类型"][1:] == [[f"{t['code']}类 {t['name']}", t["count"], t["share"], p["count"], p["share"]]
                                   for t, p in zip(cur["by_reply_type"], prev["by_reply_type"])]
    assert book["按满意度"][1:] == [[g["name"], g["count"], g["share"], p["count"], p["share"]] for g, p in zip(cur["by_grade"], prev["by_grade"])]
    assert book["主办单位"][1:] == [["区住房和城乡建设委员会", 10, 100], ["城东街道办事处", 2, 20]]

    # The unit workbook
    r = c.get(f"/reports/units.xlsx?{query}")
    assert r.status_code == 200 and filename(r) == "区政协第六届第五次会议承办单位统计表.xlsx"
    (rows,) = sheets(r.content).values()
    assert rows[0][:5] == [f"承办单位（截至{cn_date(day)}）", "主办", "会办", "分办", "已办结"]
    assert rows[0][-5:] == ["留言平均答复（小时）", "办前面商（件）", "办中沟通（件）", "办后回访（件）", "三次沟通均完成（件）"]
    assert rows[1:] == [excel_cells(u) for u in units]


def test_api_page_word_and_excel_give_the_same_numbers_today_and_as_of_yesterday(world):
    """A rebuilt year with re-handling, 分办, C items and items closed early (A and B): exact
    figures through every door; as of yesterday the smaller ones, TODAY's steps left out."""
    kw = build_known_world(world)
    check_every_door(world, kw)
    check_every_door(world, kw, as_of=kw.yesterday)


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


def test_the_c_share_is_one_number_on_the_page_and_in_the_word_report(world):
    """Eight replies, 3 A, 4 B, 1 C: the breakdown gives C 12% (37.5 and 12.5 tie, the earlier
    row takes the unit), a rate rounded half up would say 13%. The report states 12 everywhere."""
    for code, n in (("A", 3), ("B", 4), ("C", 1)):
        for _ in range(n):
            make_item(world, "replied", reply_type=code, co=False)
    c = login(world.gov_office)
    query = f"kind=session&value={world.cppcc_session.pk}"
    html = text(c.get(f"/reports/?{query}"))
    assert page_tiles(html)["c_share"][0] == 12
    doc = word(c.get(f"/reports/yearly.docx?{query}").content)
    said = word_text(doc)
    assert "留作参考（C类）1件，占12%" in said and "占已答复的12%" in said
    assert ["C类占比", "12%", "0%"] in word_tables(doc)[0] and ["C类 留作参考", "1", "12%", "0", "0%"] in word_tables(doc)[2]
    assert "13%" not in said
    assert "占已答复的12%" in "".join(page_prose(html)) and "13%" not in "".join(page_prose(html))
    summary = {row[0]: row[1] for row in sheets(c.get(f"/reports/report.xlsx?{query}").content)["总体情况"][1:]}
    assert summary["C类占比（%）"] == 12


@pytest.mark.parametrize("bad, message", [("2026-02-30", "截至日期应为"), ("yesterday", "截至日期应为"), ("2999-01-01", "不能晚于今天")])
def test_a_bad_as_of_is_refused_with_a_message(world, bad, message):
    query = f"kind=session&value={world.cppcc_session.pk}&as_of={bad}"
    api = APIClient()
    api.force_login(world.gov_office)
    for url in (f"/api/reports/yearly/?{query}", f"/api/reports/units/?{query}"):
        r = api.get(url)
        assert r.status_code == 400 and r.json()["code"] == "invalid" and r.json()["field"] == "as_of"
        assert message in r.json()["message_zh"] and r.json()["message_en"]
    c = login(world.gov_office)
    for url in (f"/reports/?{query}", f"/reports/yearly.docx?{query}", f"/reports/report.xlsx?{query}", f"/reports/units.xlsx?{query}"):
        r = c.get(url)
        assert r.status_code == 400 and message in r.content.decode(), url
    # Not a reader: the same refusal as without as_of, nothing about the date.
    assert login(world.member).get(f"/reports/?{query}").status_code == 403


def test_basic_situation_reads_as_the_issue_words_it():
    """The first section, from the hand-worked figures (a pure function of them): today, as of
    yesterday, and a congress session with nothing before it."""
    assert basic_situation(figures_without_db()) == expected_prose_of_s(datetime.date(2026, 11, 26))
    assert basic_situation(figures_without_db(yesterday=True, as_of="2017-12-05")) == expected_prose_of_s(datetime.date(2017, 12, 5), yesterday=True)
    npc = {"as_of": "2026-11-26", "current": kf.npc_figures(fake_known_world()), "previous": None}
    assert basic_situation(npc) == expected_prose_of_npc(datetime.date(2026, 11, 26))
    # Re-handling as it stands, never "done as required" while items are still in hand.
    assert not any("已按规定重新办理" in p for p in basic_situation(figures_without_db()))
