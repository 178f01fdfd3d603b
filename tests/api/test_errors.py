"""The API's answers to bad input and forbidden steps: JSON, a code, a message in the user's
language, a 4xx status, and nothing changed."""

import pytest
from rest_framework.test import APIClient

from banli.audit.models import AuditRecord
from banli.proposals.models import Item

pytestmark = pytest.mark.django_db


def login(user):
    c = APIClient()
    c.force_login(user)
    return c


def test_anonymous_gets_json_401_or_403():
    r = APIClient().get("/api/items/")
    assert r.status_code in (401, 403)
    assert r.json()["code"] == "not_authenticated"


def test_wrong_state_is_409_with_reason_in_chinese_and_english(member, cppcc_office):
    c = login(member)
    cat = c.get("/api/categories/?assembly=cppcc").json()[0]["id"]
    iid = c.post("/api/items/", {"title": "关于测试的提案", "reason": "a", "suggestions": "b", "category": cat}, format="json").json()["id"]
    audit_before = AuditRecord.objects.count()
    r = login(cppcc_office).post(f"/api/items/{iid}/actions/register/", {}, format="json")
    # A draft is the proposer's own: the office cannot even see it.
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    c.post(f"/api/items/{iid}/actions/submit/", {}, format="json")
    r = c.post(f"/api/items/{iid}/actions/submit/", {}, format="json")
    # Repeated (a double click): refused with the reason, never reported as done again.
    assert r.status_code == 409 and r.json()["code"] == "wrong_state" and "不能提交" in r.json()["message_zh"]
    r = c.post(f"/api/items/{iid}/actions/withdraw/", {}, format="json")
    assert r.status_code == 200
    r = c.post(f"/api/items/{iid}/actions/submit/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    body = r.json()
    assert r.status_code == 409 and body["code"] == "wrong_state"
    assert body["message"] == body["message_en"] and "withdrawn" in body["message_en"]
    assert "已撤回" in body["message_zh"]
    assert AuditRecord.objects.count() == audit_before + 2  # submit and withdraw; nothing for the refusals


def test_forbidden_role_is_403_and_changes_nothing(member, other_member, gov_office):
    c = login(member)
    cat = c.get("/api/categories/?assembly=cppcc").json()[0]["id"]
    iid = c.post("/api/items/", {"title": "关于测试的提案", "reason": "a", "suggestions": "b", "category": cat}, format="json").json()["id"]
    c.post(f"/api/items/{iid}/actions/submit/", {}, format="json")
    r = login(gov_office).post(f"/api/items/{iid}/actions/register/", {}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert Item.objects.get(pk=iid).state == "submitted"
    # Someone else's item looks exactly like a missing one.
    r1 = login(other_member).get(f"/api/items/{iid}/")
    r2 = login(other_member).get("/api/items/999999/")
    assert r1.status_code == r2.status_code == 404 and r1.json() == r2.json()


@pytest.mark.parametrize("payload", [
    {},
    {"title": ""},
    {"title": "x" * 500},
    {"title": "ok", "category": "not-a-number"},
    {"title": "ok", "category": 999999},
    {"title": "ok", "suggested_unit_ids": ["x"]},
    {"title": "ok", "suggested_unit_ids": [999999]},
    {"title": "ok", "session_id": 999999},
])
def test_bad_input_on_create_is_400_and_writes_nothing(member, payload):
    before = Item.objects.count()
    r = login(member).post("/api/items/", payload, format="json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid" and r.json()["message"]
    assert Item.objects.count() == before


@pytest.mark.parametrize("action,payload", [
    ("assign", {"lead": "abc"}),
    ("assign", {"lead": None, "co": []}),
    ("assign", {"lead": 999999}),
    ("reject", {}),
    ("reject", {"reason": "   "}),
    ("merge", {"into_id": 999999}),
    ("give_feedback", {"reply_id": 1}),
    ("record_consultation", {"assignment": 1, "kind": "nonsense"}),
])
def test_bad_action_input_never_500(member, gov_office, cppcc_office, action, payload):
    c = login(member)
    cat = c.get("/api/categories/?assembly=cppcc").json()[0]["id"]
    iid = c.post("/api/items/", {"title": "关于测试的提案", "reason": "a", "suggestions": "b", "category": cat}, format="json").json()["id"]
    c.post(f"/api/items/{iid}/actions/submit/", {}, format="json")
    login(cppcc_office).post(f"/api/items/{iid}/actions/register/", {}, format="json")
    for user in (gov_office, cppcc_office, member):
        r = login(user).post(f"/api/items/{iid}/actions/{action}/", payload, format="json")
        assert 400 <= r.status_code < 500, (user, r.status_code, r.content)
        assert r.json()["code"]
    assert Item.objects.get(pk=iid).state == "registered"


def test_malformed_json_is_400(member):
    r = login(member).post("/api/items/", data="{not json", content_type="application/json")
    assert r.status_code == 400 and r.json()["code"]


def test_schema_and_docs_are_served(member):
    c = login(member)
    r = c.get("/api/schema/")
    assert r.status_code == 200 and b"items_send_reply" in r.content
    assert c.get("/api/docs/").status_code == 200


def test_every_table_action_has_an_endpoint():
    from banli.proposals.commands import COMMANDS, OWN_DOOR
    from banli.proposals.workflow import TABLE

    assert set(COMMANDS) | OWN_DOOR == set(TABLE)


@pytest.mark.parametrize("url", ["/api/items/?q=a%00b", "/api/items/?reply_type=%00", "/api/people/?q=%00", "/api/categories/?assembly=%00"])
def test_nul_bytes_in_query_parameters_are_refused_not_500(member, url):
    # PostgreSQL cannot store or compare NUL in text; the answer must still be a clear 400.
    r = login(member).get(url)
    assert r.status_code == 400 and r.json()["code"] == "invalid"
