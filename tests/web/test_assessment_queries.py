"""The assessment's pages run a fixed number of queries, however many items, units, entries and
files the year has (DESIGN.md "Reads are selectors"). Each page is counted in the small world of
tests/assessment/world.py and in the same world grown by two rounds of more of everything (more
items for the units, new units in a district leader's portfolio, more points entered, more files),
while the year is open and once it is final; both must equal the pin. A count that changes means
an N+1 crept in: find it with CaptureQueriesContext before changing a pin."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from banli.assessment import actions
from banli.assessment.models import Indicator, Result
from banli.org.models import Unit, UnitKind
from banli.proposals import actions as proposal_actions
from tests.assessment.world import build_assessment_world
from tests.builders import make_item
from tests.web.pages import login

pytestmark = pytest.mark.django_db

# Every page: session + user, the roles (actor_for), the unread badge; then the assessment's own
# reads: the scheme with its indicators, the year's records (one query per kind, banli.assessment.facts),
# and on a unit's page its entries and self-assessment with its files.
# The frame: session, user, the roles (1), the unread badge: 4. The scheme and its indicators: 2.
# Computing the year for the table: the year's sessions (1), then the records counted unit by unit,
# one query per kind (17). A
# unit's page lists the records as well: six kinds are then read row by row besides their tallies
# (the assignments in place of the co-handling ones alone; deadlines and their days late, overdue
# events, replies, ratings, messages: +6), and adds its entries and its self-assessment with its
# files (3).
DRAFT = {
    ("table", "gov_office"): 24, ("table", "cppcc_office"): 24, ("table", "district_leader"): 24, ("table", "lead_liaison"): 24,
    ("unit", "gov_office"): 33, ("unit", "cppcc_office"): 33, ("unit", "lead_liaison"): 33,
    ("scheme", "gov_office"): 6, ("index", "gov_office"): 5,
}
# Final: the frozen results are read instead of the records (1). (The office's recomputation,
# asked for with ?recompute=1, reads the scheme, the results and the records again: 2 + 1 + 17.)
FINAL = {
    ("table", "gov_office"): 7, ("table", "lead_liaison"): 7, ("unit", "gov_office"): 10, ("unit", "lead_liaison"): 10,
}

PDF = b"%PDF-1.4\n% q\n"


def grow(aw, rounds):
    """More of everything the pages show, `rounds` times."""
    W = aw.world
    manual = list(Indicator.objects.filter(metric="manual"))
    evaluation = Indicator.objects.get(metric="evaluation")
    for k in range(rounds):
        make_item(W, "evaluated", reply_type="B", title=f"关于增加公交线路的建议{k}")
        make_item(W, "replied", separate=True, title=f"关于菜场改造的建议{k}")
        unit = Unit.objects.create(name=f"区新设局{k}", short_name=f"新设局{k}", kind=UnitKind.BUREAU, supervising_leader=W.district_leader)
        item = make_item(W, "registered", title=f"关于新设局职责的建议{k}")
        proposal_actions.assign(W.gov_office, item.pk, lead=unit.pk)
        for ind in manual:
            actions.enter_points(W.gov_office, aw.year, indicator_id=ind.pk, unit_id=W.lead_unit.pk, points="1", reason=f"第{k}次")
        actions.enter_points(W.cppcc_office, aw.year, indicator_id=evaluation.pk, unit_id=W.lead_unit.pk, points=str(3 + k), reason="评价")
        actions.adjust_score(W.gov_office, aw.year, unit_id=W.lead_unit.pk, points="0.5", reason=f"加分{k}")
        actions.submit_self_assessment(W.lead_liaison, aw.year, unit_id=W.lead_unit.pk, text=f"自评{k}",
                                       files=[SimpleUploadedFile(f"附件{k}.pdf", PDF)])


def count(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(path)
    assert r.status_code == 200, (path, r.status_code)
    return len(ctx)


def counts(aw, pins) -> dict:
    W = aw.world
    paths = {"table": f"/assessment/{aw.year}/", "unit": f"/assessment/{aw.year}/units/{W.lead_unit.pk}/",
             "scheme": f"/assessment/{aw.year}/scheme/", "index": "/assessment/"}
    return {(page, persona): count(login(getattr(W, persona)), paths[page]) for page, persona in pins}


def _world(world, rounds):
    """The small world with one of each thing a unit's page shows; then `rounds` more of everything."""
    aw = build_assessment_world(world)
    actions.create_scheme(world.gov_office, aw.year, preset="weighted")
    actions.update_scheme(world.gov_office, aw.year, self_assessment_due=timezone.localdate() + datetime.timedelta(days=30))
    actions.adjust_score(world.gov_office, aw.year, unit_id=world.lead_unit.pk, points="1", reason="基础加分")
    actions.submit_self_assessment(world.lead_liaison, aw.year, unit_id=world.lead_unit.pk, text="自评",
                                   files=[SimpleUploadedFile("自评.pdf", PDF)])
    grow(aw, rounds)
    return aw


@pytest.mark.parametrize("rounds", [0, 2])
def test_open_year_pages_run_a_fixed_number_of_queries(world, rounds):
    aw = _world(world, rounds)
    assert counts(aw, DRAFT) == DRAFT


@pytest.mark.parametrize("rounds", [0, 2])
def test_final_year_pages_run_a_fixed_number_of_queries(world, rounds):
    aw = _world(world, rounds)
    actions.finalise(world.gov_office, aw.year)
    assert Result.objects.count() == 3 + rounds  # the grown world really has more units
    assert counts(aw, FINAL) == FINAL


# The API's table and unit explanation read what the pages read but the unread badge (one query
# fewer), whatever the size of the year.
API = {("table", "gov_office"): 23, ("table", "lead_liaison"): 23, ("unit", "gov_office"): 32, ("unit", "lead_liaison"): 32}


def api_counts(aw) -> dict:
    W = aw.world
    paths = {"table": f"/api/assessment/{aw.year}/", "unit": f"/api/assessment/{aw.year}/units/{W.lead_unit.pk}/"}
    return {(door, persona): count(login(getattr(W, persona)), paths[door]) for door, persona in API}


@pytest.mark.parametrize("rounds", [0, 2])
def test_api_reads_run_a_fixed_number_of_queries(world, rounds):
    aw = _world(world, rounds)
    assert api_counts(aw) == API
