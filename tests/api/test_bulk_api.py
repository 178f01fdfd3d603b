"""Bulk steps through the API (POST /api/items/bulk/<step>/): the same rules and outcomes as the
list's bulk pages (banli.proposals.batch); bad input is a 4xx with a code, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from banli.proposals.models import Assignment
from tests.api.test_fuzz import ANY_JSON
from tests.builders import fresh, make_item
from tests.checks import assert_audit, snapshot

pytestmark = pytest.mark.django_db


def client(user) -> APIClient:
    c = APIClient()
    c.force_login(user)
    return c


def test_the_office_assigns_a_batch_and_reads_each_outcome(world, gov_office):
    ok = [make_item(world, "registered") for _ in range(2)]
    late = make_item(world, "submitted")  # not registered yet: refused alone
    r = client(gov_office).post("/api/items/bulk/assign/", {"items": [i.pk for i in [*ok, late]], "lead": world.lead_unit.pk,
                                                            "co": [world.co_unit.pk]}, format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["done"], body["already"], body["refused"]) == (2, 0, 1)
    refused = body["results"][2]
    assert refused["item"] == late.pk and refused["code"] == "wrong_state" and refused["message_zh"] == "当前状态为“待审查”，不能交办。"
    for i in ok:
        assert fresh(i).state == "assigned" and Assignment.objects.filter(item=i).count() == 2
        assert_audit("assign", item=i, actor=gov_office)
    assert fresh(late).state == "submitted"


@pytest.mark.parametrize("persona", ["member", "lead_liaison", "cppcc_office"])
def test_others_are_refused_before_anything_is_read(world, persona):
    items = [make_item(world, "registered")]
    before = snapshot()
    r = client(getattr(world, persona)).post("/api/items/bulk/mark_key/", {"items": [i.pk for i in items],
                                                                            "leader_id": world.district_leader.pk}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert snapshot() == before


def test_bad_input_is_never_a_500(world, gov_office):
    item = make_item(world, "registered")
    c = client(gov_office)
    keys = ["items", "lead", "co", "note", "leader_id", "reason", "x"]

    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(step=st.sampled_from(["assign", "mark_key", "register", "nope"]),
           body=st.dictionaries(st.sampled_from(keys), ANY_JSON | st.just([item.pk]), max_size=len(keys)))
    def run(step, body):
        r = c.post(f"/api/items/bulk/{step}/", body, format="json")
        assert r.status_code < 500, (step, body, r.content[:300])
        assert r.status_code == 200 or r.json()["code"]

    run()
