"""The supervision lists over the API: who sees which milestones, late ones first, filters, and
a query count that does not grow with the number of rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from banli.deadlines.sync import sync_item
from banli.proposals.models import Assignment
from tests.builders import lead_assignment, make_item

pytestmark = pytest.mark.django_db


def get(user, url):
    c = APIClient()
    c.force_login(user)
    r = c.get(url)
    assert r.status_code == 200, r.content
    return r.json()


def backdate(item, days):
    Assignment.objects.filter(item=item).update(assigned_at=timezone.now() - datetime.timedelta(days=days))
    sync_item(item.pk)


def test_office_sees_every_open_milestone_late_first(world):
    fresh_item = make_item(world, "assigned")
    late_item = make_item(world, "assigned", co=False)
    backdate(late_item, 30)
    rows = get(world.gov_office, "/api/deadlines/?page_size=100")["results"]
    assert rows[0]["state"] == "late" and rows[0]["item"] == late_item.pk and rows[0]["kind"] == "sign"
    assert rows[0]["days_late"] > 0 and rows[0]["kind_label"] == "签收"
    assert {r["item"] for r in rows} == {fresh_item.pk, late_item.pk}
    states = [r["state"] for r in rows]
    assert states == sorted(states, key=lambda s: s != "late")
    only_late = get(world.gov_office, "/api/deadlines/?late=1")["results"]
    assert {r["item"] for r in only_late} == {late_item.pk}
    by_unit = get(world.gov_office, f"/api/deadlines/?unit={world.co_unit.pk}")["results"]
    assert {r["unit"] for r in by_unit} == {world.co_unit.pk}


def test_units_and_leaders_see_only_their_own(world):
    item = make_item(world, "assigned")
    lead_rows = get(world.lead_liaison, "/api/deadlines/")["results"]
    assert lead_rows and {r["unit"] for r in lead_rows} == {world.lead_unit.pk}
    assert get(world.outsider_liaison, "/api/deadlines/")["results"] == []
    assert get(world.member, "/api/deadlines/")["results"] == []
    leader_units = {r["unit"] for r in get(world.district_leader, "/api/deadlines/")["results"]}
    assert leader_units == {world.lead_unit.pk, world.co_unit.pk}
    assert get(world.other_leader, "/api/deadlines/")["results"] == []
    submitted = make_item(world, "submitted")
    office_rows = get(world.cppcc_office, "/api/deadlines/")["results"]
    assert [(r["item"], r["kind"]) for r in office_rows] == [(submitted.pk, "register")]
    assert item.pk not in {r["item"] for r in get(world.npc_office, "/api/deadlines/")["results"]}


def test_overdue_events_are_listed_and_the_item_shows_its_deadlines(world):
    item = make_item(world, "assigned", co=False)
    backdate(item, 30)
    events = get(world.gov_office, "/api/overdue-events/")["results"]
    assert [(e["kind"], e["label"], e["item"]) for e in events] == [("sign", "超期接收", item.pk)]
    assert get(world.outsider_liaison, "/api/overdue-events/")["results"] == []
    detail = get(world.lead_liaison, f"/api/items/{item.pk}/")
    sign = next(d for d in detail["deadlines"] if d["kind"] == "sign")
    assert sign["state"] == "late" and sign["overdue"]["label"] == "超期接收"
    assert sign["due_on"] == str(lead_assignment(item).deadlines.get(kind="sign").due_on)


def test_bad_filters_are_refused_not_500(world):
    c = APIClient()
    c.force_login(world.gov_office)
    for url in ("/api/deadlines/?unit=abc", "/api/deadlines/?kind=nonsense", f"/api/overdue-events/?year={10**20}"):
        r = c.get(url)
        assert r.status_code == 400 and r.json()["code"] == "invalid", url


def test_supervision_list_query_count_is_fixed(world):
    c = APIClient()
    c.force_login(world.gov_office)
    make_item(world, "assigned")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/api/deadlines/").status_code == 200
        return len(ctx)

    small = count()
    for _ in range(4):
        make_item(world, "handling")
    assert count() == small


def test_late_milestones_come_first_whatever_their_due_dates(world):
    """Late first, then by due date: an open milestone due before a late one (its day passed and
    the scan has not yet marked it) still comes after every late one, on the page and the API."""
    from banli.deadlines.models import Deadline

    make_item(world, "assigned")
    make_item(world, "assigned", co=False)
    rows = list(Deadline.objects.filter(state="open").order_by("id"))
    assert len(rows) >= 3
    today = timezone.localdate()
    Deadline.objects.filter(pk=rows[0].pk).update(state="late", due_on=today + datetime.timedelta(days=40))
    Deadline.objects.filter(pk=rows[1].pk).update(due_on=today - datetime.timedelta(days=2))
    listed = get(world.gov_office, "/api/deadlines/?page_size=100")["results"]
    assert [r["id"] for r in listed][:2] == [rows[0].pk, rows[1].pk]
    assert [r["state"] for r in listed].count("late") == 1
