"""The figures take a fixed number of queries whatever the number of items, units and records:
the same count for one batch of items and for three, every kind of record present in both."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from banli.proposals import actions
from banli.reports.periods import period
from banli.reports.statistics import yearly_figures
from banli.reports.units import unit_table
from tests.builders import make_item, rate
from tests.web.pages import login

pytestmark = pytest.mark.django_db

# reply types + grades + the period before (2) + 5 per period (the items grouped by reply type,
# rating, key mark, closure and contacts in force; categories; units; closed early; ratings
# given) for this period and the one before. (It was 7 per period: totals, reply types and grades
# were three passes over the items; as of a day each pass costs a subquery per item, so one.)
YEARLY_QUERIES = 14
# reply types, grades, assignments, deadlines, replies, feedback, co-unit grades, adjustments,
# urges, messages, unit order.
UNIT_QUERIES = 11
# Django session + user, the requested session (period), the user's roles (one query:
# staff roles, units, liaison posts, people), then the figures.
API_YEARLY_QUERIES = 4 + YEARLY_QUERIES
API_UNITS_QUERIES = 4 + UNIT_QUERIES
# The page: the same four, both tables, then its own reply types and grades (column heads),
# the unread-notification badge, and the sessions and terms of the period picker.
PAGE_QUERIES = 4 + YEARLY_QUERIES + UNIT_QUERIES + 5


def batch(world):
    """Every kind of record the figures read: items of each reply type, rated with praise,
    不同意 and a co-unit grade, closed early, a key item, an urge, messages, an adjustment
    request, separate handling, a withdrawn item; and an item in the session before."""
    s, p = world.cppcc_session, world.earlier_cppcc_session
    key = make_item(world, "replied", reply_type="A", co=True, category=world.category("cppcc", 0), session=s)
    actions.mark_key(world.gov_office, key.pk, leader_id=world.district_leader.pk)
    actions.post_message(world.member, key.pk, body="请问进展？")
    actions.post_message(world.lead_liaison, key.pk, body="正在办理。")
    rate(world, key, grade="good", praise=True, co_grades={str(world.co_unit.pk): "fair"})
    make_item(world, "closed", reply_type="B", co=False, category=world.category("cppcc", 2), session=s)
    make_item(world, "rehandling", reply_type="C", co=False, session=s)
    sep = make_item(world, "assigned", separate=True, session=s)
    ours, spare = sorted(sep.assignments.all(), key=lambda a: a.unit_id != world.lead_unit.pk)
    actions.request_adjustment(world.spare_liaison, sep.pk, assignment=spare.pk, reason="不属本单位职责", suggested_unit_id=world.outsider_unit.pk)
    actions.urge(world.gov_office, sep.pk, assignment=ours.pk, text="请抓紧签收。")
    gone = make_item(world, "assigned", co=False, session=s)
    actions.request_withdrawal(world.member, gone.pk, reason="已解决")
    actions.decide_withdrawal(world.cppcc_office, gone.pk, approve=True)
    make_item(world, "registered", session=p)


def measure(world) -> dict:
    p = period("session", world.cppcc_session.pk)
    out = {}
    with CaptureQueriesContext(connection) as ctx:
        figures = yearly_figures(p)
    out["yearly"] = len(ctx)
    with CaptureQueriesContext(connection) as ctx:
        rows = unit_table(p)
    out["units"] = len(ctx)
    api = APIClient()
    api.force_login(world.gov_office)
    query = f"kind=session&value={p.value}"
    for name, url in (("api_yearly", f"/api/reports/yearly/?{query}"), ("api_units", f"/api/reports/units/?{query}"),
                      ("page", f"/reports/?{query}")):
        client = api if name.startswith("api") else login(world.gov_office)
        cache.clear()  # each door computes the figures itself here (kept ones: test_report_cache.py)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        out[name] = len(ctx)
    out["_received"], out["_units"] = figures["current"]["received"], len(rows)
    return out


def test_report_queries_do_not_grow_with_the_data(world):
    batch(world)
    small = measure(world)
    batch(world)
    batch(world)
    large = measure(world)
    assert (small["_received"], large["_received"]) == (4, 12)
    assert small["_units"] == large["_units"] == 3
    for k in ("yearly", "units", "api_yearly", "api_units", "page"):
        assert small[k] == large[k], (k, small[k], large[k])
    assert small["yearly"] == YEARLY_QUERIES
    assert small["units"] == UNIT_QUERIES
    assert small["api_yearly"] == API_YEARLY_QUERIES
    assert small["api_units"] == API_UNITS_QUERIES
    assert small["page"] == PAGE_QUERIES
