"""Issue 15 (4): no export turns typed text into a formula. Titles, people's names, units' and
categories' names that start like a formula (=HYPERLINK, +, -, @, full-width ＝) are downloaded
through every Excel door, read back with openpyxl, and every cell is plain text as typed (a
string cell with the quotePrefix style, the mark Excel and WPS give a cell typed with a leading
apostrophe), never a formula. Numbers stay numbers."""

import io

import pytest
from openpyxl import load_workbook

from banli.assessment import actions as assessment_actions
from banli.org.models import Category, Person, Unit
from banli.proposals.models import Item
from tests.assessment.world import build_assessment_world
from tests.builders import make_item
from tests.web.pages import login

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "＝1+1"]


def _cells(content: bytes):
    wb = load_workbook(io.BytesIO(content))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def _check(content: bytes, expect: list[str]) -> None:
    """No cell is a formula; each hostile text reads back as typed, as a marked text cell."""
    cells = _cells(content)
    assert not [c.value for c in cells if c.data_type == "f"]
    found = {}
    for c in cells:
        for h in expect:
            if isinstance(c.value, str) and c.value.startswith(h):
                found[h] = c
    assert set(found) == set(expect), f"missing {set(expect) - set(found)}"
    for h, c in found.items():
        assert c.data_type == "s" and c.quotePrefix, (h, c.data_type, c.quotePrefix)
    assert any(isinstance(c.value, (int, float)) and c.data_type == "n" for c in cells)  # numbers stay typed


def _body(r) -> bytes:
    return b"".join(r.streaming_content) if r.streaming else r.content


@pytest.fixture
def hostile(world):
    """Items in the session with hostile titles; hostile names on the units, the proposer and a category."""
    items = [make_item(world, "handling", title=h) for h in HOSTILE[:2]]
    Unit.objects.filter(pk=world.lead_unit.pk).update(name=HOSTILE[2])
    Unit.objects.filter(pk=world.co_unit.pk).update(name=HOSTILE[3])
    Person.objects.filter(pk=world.member_person.pk).update(name=HOSTILE[4])
    Category.objects.filter(pk=items[0].category_id).update(name="-环境")
    sub = Category.objects.filter(parent__isnull=False, active=True).exclude(pk=items[0].category_id).first()
    Category.objects.filter(pk=sub.pk).update(name="-环境（子类）")  # the template lists subcategories
    return items


def test_the_item_list_export(world, hostile):
    r = login(world.cppcc_office).get("/items/export.xlsx")
    assert r.status_code == 200
    _check(_body(r), HOSTILE[:3] + HOSTILE[4:])  # the co unit's name follows the lead unit's in its cell


def test_the_deadlines_export(world, hostile):
    r = login(world.gov_office).get("/deadlines/export.xlsx")
    assert r.status_code == 200
    _check(_body(r), HOSTILE[:4])


@pytest.mark.parametrize("path", ["/reports/report.xlsx", "/reports/units.xlsx"])
def test_the_report_workbooks(world, hostile, path):
    r = login(world.cppcc_office).get(f"{path}?kind=session&value={world.cppcc_session.pk}")
    assert r.status_code == 200
    _check(_body(r), [HOSTILE[2]] + (["-环境"] if path.endswith("report.xlsx") else [HOSTILE[3]]))


def test_the_assessment_workbook(world):
    aw = build_assessment_world(world)
    Unit.objects.filter(pk=world.lead_unit.pk).update(name=HOSTILE[0])
    Unit.objects.filter(pk=world.spare_unit.pk).update(name=HOSTILE[3])
    assessment_actions.create_scheme(world.gov_office, aw.year)
    r = login(world.gov_office).get(f"/assessment/{aw.year}/results.xlsx")
    assert r.status_code == 200
    _check(_body(r), [HOSTILE[0], HOSTILE[3]])


def test_the_import_template(world, hostile):
    r = login(world.cppcc_office).get("/imports/template/items.xlsx")
    assert r.status_code == 200
    _check(_body(r), [HOSTILE[2], HOSTILE[3], "-环境"])


def test_a_title_reads_back_exactly_as_typed(world, hostile):
    """The escaping changes the cell's kind, not its text: no apostrophe is added."""
    r = login(world.cppcc_office).get("/items/export.xlsx")
    titles = {c.value for c in _cells(_body(r))}
    assert {HOSTILE[0], HOSTILE[1]} <= titles
    assert not {"'" + h for h in HOSTILE} & titles
    assert Item.objects.filter(title=HOSTILE[0]).exists()
