"""The publication queue through the API (one rule, every door): GET /api/publication/queue/ lists
the rows the page lists, from the same selector; POST /api/publication/decisions/ runs the same
batch action, a result per row. Only the government office; others get the API's errors."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from banli.deadlines.models import Deadline
from banli.proposals.models import Assignment, Publication, PublicationRecord
from banli.workdays.calendar import working_days_between
from tests.builders import answering_assignments, lead_assignment, make_item, reply, today
from tests.checks import assert_audit, unchanged
from tests.web.pages import login as page_login
from tests.web.test_publication_queue import WITHHOLD_REASON, groups, queue_world

pytestmark = pytest.mark.django_db

QUEUE = "/api/publication/queue/"
DECISIONS = "/api/publication/decisions/"
# Pinned: session + user, the roles (actor_for: 1); the totals, the rows, their replies, the latest decisions.
QUEUE_QUERIES = 7


def api(user) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_login(user)
    return c


def rows_by_assignment(body) -> dict:
    return {r["assignment"]: r for r in body["rows"]}


# -- reading ------------------------------------------------------------------------------------------------

def test_the_office_reads_the_queue(world, gov_office):
    a = queue_world(world)
    r = api(gov_office).get(QUEUE)
    assert r.status_code == 200
    body = r.json()
    assert (body["total"], body["consented_total"], body["not_consented_total"], body["truncated"]) == (5, 3, 2, False)
    rows = rows_by_assignment(body)
    assert set(rows) == {a[k].pk for k in ("consented", "mixed", "refused", "silent", "separate")}
    mixed = rows[a["mixed"].pk]
    assert (mixed["group"], mixed["consent"], mixed["consent_label"]) == ("yes", True, "同意公开")
    assert (mixed["recommendation"], mixed["recommendation_label"], mixed["withhold_reason"]) == ("withhold", "建议不公开", WITHHOLD_REASON)
    assert (mixed["reply"]["reply_type"], mixed["reply"]["round"], mixed["reply"]["sent_at"][:10]) == ("B", 1, today().isoformat())
    assert (mixed["item"], mixed["item_title"], mixed["unit_name"], mixed["role"]) == (
        a["mixed"].item_id, "同意公开但单位建议不公开", "区住房和城乡建设委员会", "lead")
    silent, refused = rows[a["silent"].pk], rows[a["refused"].pk]
    assert (silent["group"], silent["consent"], silent["consent_label"]) == ("no", None, "未表态")
    assert (refused["group"], refused["consent"], refused["consent_label"]) == ("no", False, "不同意公开")
    assert rows[a["separate"].pk]["role"] == "separate"
    due = Deadline.objects.get(key=f"publish:{a['consented'].pk}")
    row = rows[a["consented"].pk]
    assert (row["due_on"], row["days_left"], row["days_late"], row["late"], row["limit_days"]) == (
        due.due_on.isoformat(), working_days_between(today(), due.due_on), None, False, 20)
    assert [d["item_title"] for d in body["recent"]] == ["已决定公开"]
    assert (body["recent"][0]["kind"], body["recent"][0]["kind_label"]) == ("publish", "决定公开")


def test_filters_and_their_errors(world, gov_office):
    a = queue_world(world)
    c = api(gov_office)
    assert {r["assignment"] for r in c.get(QUEUE, {"consent": "no"}).json()["rows"]} == {a["refused"].pk, a["silent"].pk}
    assert {r["group"] for r in c.get(QUEUE, {"consent": "yes"}).json()["rows"]} == {"yes"}
    assert c.get(QUEUE, {"unit": world.spare_unit.pk}).json()["total"] == 0
    assert c.get(QUEUE, {"late": "1"}).json()["total"] == 0
    for params, field in (({"consent": "maybe"}, "consent"), ({"unit": "x"}, "unit")):
        r = c.get(QUEUE, params)
        assert r.status_code == 400 and (r.json()["code"], r.json()["field"]) == ("invalid", field)
        assert r.json()["message_en"]


def test_the_page_and_the_api_list_the_same_rows(world, gov_office):
    queue_world(world)
    for k in range(3):
        make_item(world, "replied", consent_publish=[True, False, None][k], title=f"又一件{k}")
    for query in ("", "?consent=no", "?consent=yes"):
        page = groups(page_login(gov_office).get(f"/publication/{query}"))
        body = api(gov_office).get(f"{QUEUE}{query}").json()
        on_page = [(g, a) for g, rows in page.items() for a in rows]
        in_api = [(r["group"], r["assignment"]) for r in body["rows"]]
        # The page shows the groups one after the other, each in the API's order.
        assert on_page == sorted(in_api, key=lambda x: x[0] != "yes"), query
        for g, rows in page.items():
            for a_id, html in rows.items():
                r = next(x for x in body["rows"] if x["assignment"] == a_id)
                assert r["item_title"] in html and r["due_on"] in html and r["unit_name"] in html
                assert re.search(r'data-consent="(\w+)"', html).group(1) == {True: "yes", False: "no", None: "none"}[r["consent"]]


def test_the_api_runs_the_same_queries_whatever_the_rows(world, gov_office):
    c = api(gov_office)
    queue_world(world)

    def count():
        c.get(QUEUE)  # the working-day calendar's cache is filled once per process
        with CaptureQueriesContext(connection) as ctx:
            r = c.get(QUEUE)
        assert r.status_code == 200
        return len(ctx), r.json()["total"]

    small, n = count()
    for k in range(4):
        make_item(world, "replied", consent_publish=bool(k % 2))
        item = make_item(world, "handling", separate=True, consent_publish=True)
        reply(world, item, answering_assignments(item)[0], "C")
    large, m = count()
    assert (n, m) == (5, 13)
    assert small == large == QUEUE_QUERIES, (small, large)


# -- deciding -----------------------------------------------------------------------------------------------

def test_a_batch_is_decided_row_by_row(world, gov_office):
    a = queue_world(world)
    r = api(gov_office).post(DECISIONS, {"decisions": [
        {"assignment": a["consented"].pk, "publish": True},
        {"assignment": a["refused"].pk, "publish": True},
        {"assignment": a["silent"].pk, "publish": False},
        {"assignment": a["mixed"].pk, "publish": False, "reason": WITHHOLD_REASON},
        {"assignment": 999999, "publish": True},
    ]}, format="json")
    assert r.status_code == 200
    body = r.json()
    assert (body["done"], body["failed"]) == (2, 3)
    res = {x["assignment"]: x for x in body["results"]}
    assert [x["assignment"] for x in body["results"]] == [a["consented"].pk, a["refused"].pk, a["silent"].pk, a["mixed"].pk, 999999]
    ok = res[a["consented"].pk]
    assert (ok["ok"], ok["changed"], ok["error"], ok["item"]) == (True, True, None, a["consented"].item_id)
    assert ok["record"] == PublicationRecord.objects.get(assignment=a["consented"], kind="publish").pk
    assert res[a["refused"].pk]["error"] == {"code": "invalid", "field": "publish", "message": "委员/代表未同意公开，不能公开。",
                                             "message_zh": "委员/代表未同意公开，不能公开。",
                                             "message_en": "The proposer has not consented to publication."}
    assert (res[a["silent"].pk]["error"]["field"], res[a["silent"].pk]["error"]["message"]) == ("reason", "不公开须说明理由。")
    assert (res[999999]["ok"], res[999999]["error"]["code"], res[999999]["item"]) == (False, "not_found", None)
    assert [Assignment.objects.get(pk=a[k].pk).publication for k in ("consented", "refused", "silent", "mixed")] == [
        Publication.PUBLISHED, Publication.UNDECIDED, Publication.UNDECIDED, Publication.WITHHELD]
    row = assert_audit("decide_publication", item=a["mixed"].item, actor=gov_office, after={"publication": "withheld"})
    assert row.note == WITHHOLD_REASON
    assert_audit("decide_publication", item=a["consented"].item, actor=gov_office, after={"publication": "published"})
    # The queue now lacks the two decided.
    left = {x["assignment"] for x in api(gov_office).get(QUEUE).json()["rows"]}
    assert left == {a["refused"].pk, a["silent"].pk, a["separate"].pk}


def test_english_messages_per_row(world, gov_office):
    a = queue_world(world)
    r = api(gov_office).post(DECISIONS, {"decisions": [{"assignment": a["refused"].pk, "publish": True}]}, format="json",
                             HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["results"][0]["error"]["message"] == "The proposer has not consented to publication."


def test_a_repeated_batch_changes_nothing(world, gov_office):
    a = queue_world(world)
    c = api(gov_office)
    payload = {"decisions": [{"assignment": a["consented"].pk, "publish": True}]}
    c.post(DECISIONS, payload, format="json")
    with unchanged():
        r = c.post(DECISIONS, payload, format="json")
    assert r.json()["results"][0] | {"record": None} == {**r.json()["results"][0], "ok": True, "changed": False, "record": None}
    with unchanged():
        r = c.post(DECISIONS, {"decisions": [{"assignment": a["consented"].pk, "publish": False, "reason": "改变主意"}]}, format="json")
    assert r.json()["results"][0]["error"]["code"] == "already_decided"


@pytest.mark.parametrize("payload", [
    {"decisions": []},
    {},
    {"decisions": [{"assignment": "x", "publish": True}]},
    {"decisions": [{"assignment": 1}]},
    {"decisions": [{"assignment": 1, "publish": True}] * 201},
])
def test_a_malformed_batch_is_refused_whole(world, gov_office, payload):
    with unchanged():
        r = api(gov_office).post(DECISIONS, payload, format="json")
    assert r.status_code == 400 and r.json()["code"] == "invalid"


# -- who may not -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["lead_liaison", "member", "cppcc_office", "district_leader", "admin_user"])
def test_others_are_forbidden(world, persona):
    a = queue_world(world)
    c = api(getattr(world, persona))
    r = c.get(QUEUE)
    assert r.status_code == 403 and r.json()["code"] == "forbidden" and r.json()["message"] == "您无权决定是否公开。"
    with unchanged():
        r = c.post(DECISIONS, {"decisions": [{"assignment": a["consented"].pk, "publish": True}]}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    with unchanged():  # refused before the input is read
        assert c.post(DECISIONS, {"decisions": []}, format="json").status_code == 403


def test_anonymous_must_log_in(world):
    a = queue_world(world)
    c = api(None)
    for r in (c.get(QUEUE), c.post(DECISIONS, {"decisions": [{"assignment": a["consented"].pk, "publish": True}]}, format="json")):
        assert r.status_code in (401, 403) and r.json()["code"] == "not_authenticated"
    assert Assignment.objects.get(pk=a["consented"].pk).publication == Publication.UNDECIDED


def test_the_endpoints_are_in_the_schema(world, gov_office):
    paths = api(gov_office).get("/api/schema/?format=json").json()["paths"]
    assert "get" in paths["/api/publication/queue/"] and "post" in paths["/api/publication/decisions/"]
    params = {p["name"] for p in paths["/api/publication/queue/"]["get"]["parameters"]}
    assert {"consent", "unit", "late"} <= params


def test_a_lead_assignment_of_one_unit_item_is_named_as_in_the_item_actions(world, gov_office):
    """The queue's `assignment` is the id the item's own action endpoint takes."""
    item = make_item(world, "replied", consent_publish=True)
    row = api(gov_office).get(QUEUE).json()["rows"][0]
    assert row["assignment"] == lead_assignment(item).pk
    r = api(gov_office).post(f"/api/items/{item.pk}/actions/decide_publication/", {"assignment": row["assignment"], "publish": True},
                             format="json")
    assert r.status_code == 200
    assert api(gov_office).get(QUEUE).json()["total"] == 0
