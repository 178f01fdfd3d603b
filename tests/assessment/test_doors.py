"""One year, every door: the page, the unit pages, the API, the Excel table and the Word notice
show the same totals and the same points per indicator as the computation, for each preset (the
hand-worked figures of test_scores.py)."""

import io
import re
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook
from rest_framework.test import APIClient

from banli.assessment import actions
from banli.assessment.compute import standings
from tests.assessment.test_scores import _enter
from tests.assessment.world import build_assessment_world
from tests.web.pages import login, text

pytestmark = pytest.mark.django_db
TOTALS = {"weighted": {"L": "82.63", "C": "85.55", "S": "56.30"}, "per_item": {"L": "86.45", "C": "82.85", "S": "52.45"},
          "deduction": {"L": "97.00", "C": "100.00", "S": "93.00"}}


def _page_totals(html: str) -> dict:
    rows = re.findall(r'<tr data-unit="(\d+)".*?<td class="n total"[^>]*>([\d.]+)</td>', html, re.S)
    return {int(u): Decimal(t) for u, t in rows}


@pytest.mark.parametrize("preset", sorted(TOTALS))
def test_every_door_shows_the_same_scores(world, preset):
    w = build_assessment_world(world)
    scheme = actions.create_scheme(world.gov_office, w.year, preset=preset)
    _enter(w, scheme)
    names = {world.lead_unit.pk: "L", world.co_unit.pk: "C", world.spare_unit.pk: "S"}
    ranked = standings(scheme)
    expected = {s.unit: s.total for s in ranked}
    assert {names[u]: str(t) for u, t in expected.items()} == TOTALS[preset]  # the hand-worked totals
    points = {s.unit: {ln.code: ln.points for ln in s.lines if ln.kind == "indicator"} for s in ranked}

    office = login(world.gov_office)
    page = office.get(f"/assessment/{w.year}/")
    assert page.status_code == 200
    assert _page_totals(page.content.decode()) == expected

    api = APIClient()
    api.force_authenticate(world.gov_office)
    body = api.get(f"/api/assessment/{w.year}/").json()
    assert {r["unit"]: Decimal(r["total"]) for r in body["rows"]} == expected
    for r in body["rows"]:
        got = {ln["code"]: Decimal(ln["points"]) for ln in r["lines"] if ln["kind"] == "indicator"}
        assert got == points[r["unit"]], (preset, r["name"])

    wb = load_workbook(io.BytesIO(office.get(f"/assessment/{w.year}/results.xlsx").content))
    ws = wb["考核结果"]
    head = [c.value for c in ws[1]]
    by_name = {row[1]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    codes = {ind.name: ind.code for ind in scheme.indicators.all()}
    for s in ranked:
        row = by_name[s.name]
        assert Decimal(str(row[head.index("总分")])) == s.total
        matched = 0
        for col, value in zip(head, row):
            name = str(col).split("（")[0]
            if name in codes:
                assert Decimal(str(value)) == points[s.unit][codes[name]], (preset, s.name, col)
                matched += 1
        assert matched == len(codes)  # a column for every indicator

    doc = Document(io.BytesIO(office.get(f"/assessment/{w.year}/results.docx").content))
    cells = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    for s in ranked:
        assert any(s.name in row and any(c.strip() in (f"{s.total}", f"{s.total:.2f}") for c in row) for row in cells), (preset, s.name)

    for s in ranked:
        unit_page = text(office.get(f"/assessment/{w.year}/units/{s.unit}/"))
        assert f"{s.total:.2f}" in unit_page
        detail = api.get(f"/api/assessment/{w.year}/units/{s.unit}/").json()
        assert Decimal(detail["total"]) == s.total
        assert [(ln["name"], Decimal(ln["points"])) for ln in detail["lines"]] == [(ln.name, ln.points) for ln in s.lines]
