"""GET /api/leaders/: the district leaders (区领导) with their portfolios, so that a client can
offer mark_key's leader_id. Staff of every kind read it; members and deputies are refused."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from banli.org.models import StaffRole, Unit
from tests.builders import make_item

pytestmark = pytest.mark.django_db

URL = "/api/leaders/"


def login(user):
    c = APIClient()
    c.force_login(user)
    return c


def expected(world):
    def unit(u):
        return {"id": u.pk, "name": u.name}

    return [
        {"id": world.district_leader.pk, "username": "district_leader", "name": "孙副区长", "title": "副区长",
         "units": [unit(world.lead_unit), unit(world.co_unit)]},
        {"id": world.other_leader.pk, "username": "other_leader", "name": "周副区长", "title": "副区长",
         "units": [unit(world.outsider_unit), unit(world.spare_unit)]},
    ]


@pytest.mark.parametrize("persona", ["gov_office", "cppcc_office", "npc_office", "lead_liaison", "lead_head", "co_head",
                                     "district_leader", "other_leader", "admin_user"])
def test_staff_read_the_leaders_with_their_portfolios(world, persona):
    r = login(getattr(world, persona)).get(URL)
    assert r.status_code == 200, r.content
    assert r.json() == expected(world)


@pytest.mark.parametrize("persona", ["member", "cosigner", "deputy"])
def test_members_and_deputies_are_refused_with_a_json_403(world, persona):
    r = login(getattr(world, persona)).get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 403
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert body["code"] == "forbidden" and body["message"] == body["message_en"] and body["message_zh"]


def test_a_user_without_any_role_is_refused(world):
    nobody = get_user_model().objects.create_user("nobody", password="x")
    assert login(nobody).get(URL).status_code == 403


def test_anonymous_is_asked_to_log_in(world):
    r = APIClient().get(URL)
    assert r.status_code in (401, 403) and r.json()["code"] == "not_authenticated"


def test_only_active_leaders_and_active_units_are_listed(world):
    world.spare_unit.active = False
    world.spare_unit.save()
    get_user_model().objects.filter(pk=world.other_leader.pk).update(is_active=False)
    new = get_user_model().objects.create_user("new_leader", first_name="吴副区长")
    StaffRole.objects.create(user=new, kind=StaffRole.Kind.DISTRICT_LEADER, title="区长助理")
    rows = login(world.gov_office).get(URL).json()
    assert [(r["username"], r["title"], [u["id"] for u in r["units"]]) for r in rows] == [
        ("district_leader", "副区长", [world.lead_unit.pk, world.co_unit.pk]),
        ("new_leader", "区长助理", []),
    ]


def test_a_listed_id_is_what_mark_key_takes(world):
    item = make_item(world, "assigned")
    c = login(world.gov_office)
    leader = next(r for r in c.get(URL).json() if r["name"] == "周副区长")
    r = c.post(f"/api/items/{item.pk}/actions/mark_key/", {"leader_id": leader["id"]}, format="json")
    assert r.status_code == 200, r.content
    item.refresh_from_db()
    assert item.is_key and item.key_leader_id == world.other_leader.pk


def test_the_query_count_does_not_grow_with_leaders_or_units(world):
    c = login(world.gov_office)
    c.get(URL)
    with CaptureQueriesContext(connection) as few:
        c.get(URL)
    for k in range(3):
        u = get_user_model().objects.create_user(f"leader{k}", first_name=f"领导{k}")
        StaffRole.objects.create(user=u, kind=StaffRole.Kind.DISTRICT_LEADER)
        Unit.objects.create(name=f"区第{k}局", supervising_leader=u)
    with CaptureQueriesContext(connection) as many:
        assert len(c.get(URL).json()) == 5
    assert len(many) == len(few)


def test_the_endpoint_is_in_the_schema(world):
    r = login(world.gov_office).get("/api/schema/")
    assert r.status_code == 200 and b"/api/leaders/" in r.content
