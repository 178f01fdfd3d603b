"""The year's result as files (documents.py) and their downloads (web/views/assessment_files.py):
the Word notice names the advanced and the criticised units with their totals; the Excel table's
cells are the table's figures, unit by unit and indicator by indicator, the same the API answers;
and a unit reader's files hold its own row only until the result is published.

The year is tests/assessment/world.py's: co_unit first (advanced, tier one, 0.3), lead_unit second
(one overdue reply: not advanced, criticised), spare_unit last (under the pass mark, overdue:
criticised)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from docx import Document
from openpyxl import load_workbook
from rest_framework.test import APIClient

from banli.assessment import actions, selectors
from banli.assessment.documents import results_notice_docx, results_xlsx
from tests.assessment.world import build_assessment_world

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def year(world):
    aw = build_assessment_world(world)
    actions.create_scheme(world.gov_office, aw.year)
    # An adjustment, so that the table has a column beyond the indicators.
    actions.adjust_score(world.gov_office, aw.year, unit_id=world.spare_unit.pk, points="-1", reason="报送材料不实")
    return aw.year


def publish(world, year):
    actions.finalise(world.gov_office, year)
    actions.publish(world.gov_office, year)


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        parts += ["\t".join(c.text for c in row.cells) for row in t.rows]
    return "\n".join(parts)


def sheet_rows(data: bytes, sheet="考核结果") -> tuple[list, list[dict]]:
    ws = load_workbook(io.BytesIO(data))[sheet]
    values = list(ws.iter_rows(values_only=True))
    headers = list(values[0])
    return headers, [dict(zip(headers, r)) for r in values[1:]]


def dec(v) -> Decimal:
    return Decimal(str(v)).quantize(Decimal("0.01"))


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# --- the Word notice -------------------------------------------------------------------------


def test_the_notice_names_the_advanced_and_the_criticised_units_with_their_totals(world, year):
    publish(world, year)
    table = selectors.table(world.gov_office, year)
    text = docx_text(results_notice_docx(table))
    W = world
    assert f"关于{year}年度建议提案办理工作\n考核结果的通报" in text and "区府办〔" in text
    assert f"{len(table['rows'])}家承办单位进行了考核" in text
    assert f"一档1家（绩效考核各加0.3分）：{W.co_unit.name}" in text
    assert (f"2家单位总分低于合格分（60分）或办理中有超期情况，予以通报批评：{W.lead_unit.name}（超期办理1次）、"
            f"{W.spare_unit.name}（总分56.30分，低于合格分60分；超期办理1次）。") in text
    # The ranking table: every unit with its rank and total, as the table has them.
    for r in table["rows"]:
        assert f"{r['rank']}\t{r['name']}\t{r['total']}\t{r['overdue']}" in text
    assert [r["total"] for r in table["rows"]] == [Decimal("83.55"), Decimal("73.63"), Decimal("56.30")]
    assert "讨论稿" not in text and "区人民政府办公室" in text


def test_a_draft_notice_says_so(world, year):
    text = docx_text(results_notice_docx(selectors.table(world.gov_office, year)))
    assert "讨论稿：考核尚未定稿" in text and world.co_unit.name in text


def test_a_year_without_advanced_units_says_so(world, year):
    actions.update_scheme(world.gov_office, year, advanced_count=0, overdue_rule="drop_tier")
    text = docx_text(results_notice_docx(selectors.table(world.gov_office, year)))
    assert "本年度没有单位被评为建议提案办理工作先进单位。" in text and "按照考核办法，有超期的单位降一档。" in text


# --- the Excel table -------------------------------------------------------------------------


def test_the_excel_cells_are_the_tables_figures_per_unit_and_indicator(world, year):
    table = selectors.table(world.gov_office, year)
    headers, rows = sheet_rows(results_xlsx(table))
    assert [r["承办单位"] for r in rows] == [r["name"] for r in table["rows"]]
    first = headers.index("承办单位") + 1
    columns = headers[first:first + len(table["indicators"])]
    assert [c.split("（")[0] for c in columns] == [i["name"] for i in table["indicators"]]
    for got, want in zip(rows, table["rows"]):
        lines = {ln["code"]: ln["points"] for ln in want["lines"] if ln["kind"] == "indicator"}
        for ind, column in zip(table["indicators"], columns):
            assert dec(got[column]) == lines[ind["code"]], (want["name"], ind["code"])
        adjustments = sum((ln["points"] for ln in want["lines"] if ln["kind"] == "adjustment"), Decimal(0))
        assert dec(got["加减分"]) == adjustments
        assert (got["名次"], dec(got["总分"]), dec(got["绩效加分"]), got["超期（次）"]) == (want["rank"], want["total"], want["bonus"], want["overdue"])
        # The columns add up to the total, as the lines do.
        assert sum(dec(got[c]) for c in columns + ["加减分"]) == dec(got["总分"])
    spare = next(r for r in rows if r["承办单位"] == world.spare_unit.name)
    assert dec(spare["加减分"]) == Decimal("-1.00") and spare["先进档次"] in ("", None)
    assert next(r for r in rows if r["承办单位"] == world.co_unit.name)["先进档次"] == "一档"
    # Every line with how it was counted, on the second sheet.
    _, detail = sheet_rows(results_xlsx(table), "计分明细")
    assert len(detail) == sum(len(r["lines"]) for r in table["rows"])
    reply = next(d for d in detail if d["承办单位"] == world.lead_unit.name and d["代码"] == "reply")
    assert (reply["计分依据"], dec(reply["得分"])) == ("应答复 3 项，按时 2 项", Decimal("8.00"))


def test_the_files_show_the_figures_the_api_answers(world, year):
    publish(world, year)
    api = APIClient()
    api.force_login(world.gov_office)
    body = api.get(f"/api/assessment/{year}/").json()
    r = login(world.gov_office).get(f"/assessment/{year}/results.xlsx")
    _, rows = sheet_rows(r.content)
    assert [(x["name"], x["rank"], x["total"]) for x in body["rows"]] == [(x["承办单位"], x["名次"], f"{dec(x['总分'])}") for x in rows]
    text = docx_text(login(world.gov_office).get(f"/assessment/{year}/results.docx").content)
    assert all(f"{x['rank']}\t{x['name']}\t{x['total']}" in text for x in body["rows"])


# --- who reads what --------------------------------------------------------------------------


def test_a_units_files_before_publication_hold_its_own_row_only(world, year):
    c = login(world.lead_liaison)
    others = (world.co_unit.name, world.spare_unit.name)
    for final in (False, True):
        r = c.get(f"/assessment/{year}/results.docx")
        assert r.status_code == 200 and r["Content-Type"] == DOCX
        text = docx_text(r.content)
        assert world.lead_unit.name in text and "总分73.63分" in text and "考核结果尚未通报" in text
        assert not any(name in text for name in others) and "名次" not in text.replace("名次和先进单位待", "")
        r = c.get(f"/assessment/{year}/results.xlsx")
        assert r.status_code == 200 and r["Content-Type"] == XLSX
        _, rows = sheet_rows(r.content)
        assert [(x["承办单位"], x["名次"], x["先进档次"], x["绩效加分"]) for x in rows] == [(world.lead_unit.name, None, None, None)]
        _, detail = sheet_rows(r.content, "计分明细")
        assert {d["承办单位"] for d in detail} == {world.lead_unit.name}
        if not final:
            actions.finalise(world.gov_office, year)
    actions.publish(world.gov_office, year)
    # Published: the unit reads the notice with the whole ranking.
    text = docx_text(c.get(f"/assessment/{year}/results.docx").content)
    assert all(name in text for name in others) and f"2\t{world.lead_unit.name}\t73.63" in text
    _, rows = sheet_rows(c.get(f"/assessment/{year}/results.xlsx").content)
    assert [x["名次"] for x in rows] == [1, 2, 3]


def test_a_district_leaders_files_hold_the_portfolio(world, year):
    c = login(world.district_leader)
    text = docx_text(c.get(f"/assessment/{year}/results.docx").content)
    assert "仅列出您可查看的2家单位" in text and world.spare_unit.name not in text
    _, rows = sheet_rows(c.get(f"/assessment/{year}/results.xlsx").content)
    assert {x["承办单位"] for x in rows} == {world.lead_unit.name, world.co_unit.name}


def test_the_downloads_refuse_whoever_may_not_read(world, year):
    assert Client().get(f"/assessment/{year}/results.docx").status_code == 302  # to the login page
    for path in (f"/assessment/{year}/results.docx", f"/assessment/{year}/results.xlsx"):
        assert login(world.member).get(path).status_code == 403
        assert login(world.gov_office).get(path.replace(str(year), "1999")).status_code == 404
    assert login(world.gov_office).get(f"/assessment/{year}/results.xlsx?as_of=tomorrow").status_code == 400
