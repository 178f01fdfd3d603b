"""A workflow step's answer (POST /api/items/<id>/actions/<step>/): the whole item by default, as
before; only its id, state and visibility when the client sends `Prefer: return=minimal`, in a
fixed small number of queries instead of reading the item's whole record back (issue 16: the API
steps ran 35-38 queries, 62 with the second factor and the audit chain, most of them that read)."""

from collections import namedtuple

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from banli.audit.models import AuditRecord
from banli.proposals.models import ItemState, KeyItemMark, Message
from tests.builders import fresh, make_item

pytestmark = pytest.mark.django_db


def login(user):
    c = APIClient()
    c.force_login(user)
    return c


Queries = namedtuple("Queries", "answer total")


def post_step(client, item, step, data, **headers):
    """The answer, and the queries run after the step's own transaction: what answering costs.
    (The step's own count moves with caches warmed by earlier tests; the answer's does not.)"""
    with CaptureQueriesContext(connection) as ctx:
        r = client.post(f"/api/items/{item.pk}/actions/{step}/", data, format="json", headers=headers)
    sql = [q["sql"] for q in ctx.captured_queries]
    released = [i for i, q in enumerate(sql) if q.startswith("RELEASE SAVEPOINT")]
    assert released, sql
    return r, Queries(answer=len(sql) - released[-1] - 1, total=len(sql))


def test_by_default_a_step_answers_with_the_whole_item(world, gov_office):
    item = make_item(world, "handling")
    r, _ = post_step(login(gov_office), item, "post_message", {"body": "请加快办理。"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["id"] == item.pk and body["state"] == "handling"
    assert [m["body"] for m in body["messages"]] == ["请加快办理。"]
    assert "assignments" in body and "actions" in body and "visible" not in body
    assert "Preference-Applied" not in r.headers


def test_prefer_minimal_answers_with_the_state_in_a_few_queries(world, gov_office, district_leader):
    item = make_item(world, "handling")
    c = login(gov_office)
    full, full_queries = post_step(c, item, "post_message", {"body": "第一条留言"})
    minimal, minimal_queries = post_step(c, item, "post_message", {"body": "第二条留言"}, Prefer="return=minimal")
    assert minimal.status_code == 200, minimal.content
    assert minimal.json() == {"id": item.pk, "state": "handling", "visible": True}
    assert minimal.headers["Preference-Applied"] == "return=minimal"
    # The step itself happened, the same as without the preference.
    assert list(Message.objects.filter(item=item).order_by("id").values_list("body", flat=True)) == ["第一条留言", "第二条留言"]
    # The whole record read back costs a query per kind of record the item has (here 6: the item,
    # which kinds, its assignments, messages, history, deadlines); the minimal answer one.
    assert full_queries.answer == 6 and minimal_queries.answer == 1, (full_queries, minimal_queries)

    # Another step, with other preferences beside it: the same minimal answer, the step recorded.
    audit = AuditRecord.objects.filter(item=item, action="mark_key").count()
    r, _ = post_step(c, item, "mark_key", {"leader_id": district_leader.pk, "reason": "群众关注"}, Prefer="respond-async, return=minimal")
    assert r.status_code == 200, r.content
    assert r.json() == {"id": item.pk, "state": "handling", "visible": True}
    assert fresh(item).is_key and KeyItemMark.objects.filter(item=item, marked=True).count() == 1
    assert AuditRecord.objects.filter(item=item, action="mark_key").count() == audit + 1


def test_the_minimal_answer_has_a_fixed_number_of_queries_whatever_the_item_holds(world, gov_office):
    c = login(gov_office)
    small = make_item(world, "handling", co=False)
    big = make_item(world, "closed", co=True)  # replies, feedback, closure: a long record
    counts = []
    for item in (small, big):
        post_step(c, item, "post_message", {"body": "预热"}, Prefer="return=minimal")
        r, n = post_step(c, item, "post_message", {"body": "再次留言"}, Prefer="return=minimal")
        assert r.status_code == 200 and r.json()["state"] == fresh(item).state
        counts.append(n.total)
    assert counts[0] == counts[1], counts


def test_a_refused_step_is_refused_the_same_with_the_preference(world, member):
    item = make_item(world, "handling")
    r, _ = post_step(login(member), item, "mark_key", {"leader_id": 1}, Prefer="return=minimal")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert not fresh(item).is_key
    assert "Preference-Applied" not in r.headers


def test_a_step_that_takes_the_item_out_of_sight_says_so_either_way(world, cppcc_office, member):
    # Returned for revision, a submitted item goes back to the proposer's drafts: the office no longer sees it.
    from tests.builders import new_draft, submit

    for prefer in ({}, {"Prefer": "return=minimal"}):
        item = submit(world, new_draft(world))
        r, _ = post_step(login(cppcc_office), item, "return_for_revision", {"reason": "请补充具体建议"}, **prefer)
        assert r.status_code == 200, r.content
        assert r.json() == {"id": item.pk, "state": ItemState.DRAFT, "visible": False}
        assert fresh(item).state == ItemState.DRAFT


def test_the_schema_documents_both_answers_and_the_header():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    op = schema["paths"]["/api/items/{item_id}/actions/post_message/"]["post"]
    assert {"Prefer", "Idempotency-Key"} <= {p["name"] for p in op["parameters"] if p["in"] == "header"}
    answer = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/ItemStepAnswer"}
    one_of = schema["components"]["schemas"]["ItemStepAnswer"]["oneOf"]
    assert {"$ref": "#/components/schemas/ItemDetail"} in one_of and {"$ref": "#/components/schemas/ItemStepResult"} in one_of
    assert set(schema["components"]["schemas"]["ItemStepResult"]["required"]) == {"id", "state", "visible"}
