"""Reply drafting through the API, the same as on the page (issue 13 point 4): the draft saved with
the draft_reply action is read back from /reply-form/ with every field; a returned draft comes
with the leader's comment, re-handling with the previous reply and the objection; templates are
listed per reply type, filled in for an item, and kept by the office only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from banli.drafting import actions as drafting
from banli.drafting.models import ReplyTemplate
from banli.proposals import actions
from tests.builders import fresh, lead_assignment, make_item, reply_fields, today
from tests.checks import assert_audit
from tests.web.pages import login as page_login
from tests.web.test_reply_drafting import reply_block, textarea

pytestmark = pytest.mark.django_db

# Pinned: session + user, the roles (actor_for: 1), the item as its detail reads it (item_detail: the
# kinds of record a replied item has, and which kinds).
FORM_QUERIES = 18
# Pinned: session + user, the roles (actor_for: 1), the item, the assignment, the template.
RENDER_QUERIES = 6


def api(user) -> APIClient:
    c = APIClient()
    c.force_login(user)
    return c


def form_url(item, a):
    return f"/api/items/{item.pk}/reply-form/?assignment={a.pk}"


def test_a_draft_saved_through_the_api_reads_back_and_opens_on_the_page(world, lead_liaison):
    item = make_item(world, state="handling")
    a = lead_assignment(item)
    c = api(lead_liaison)
    assert c.get(form_url(item, a)).json()["source"] == ""

    fields = {**reply_fields("B", body="API 保存的草稿。"), "planned_date": (today().replace(day=1).replace(year=today().year + 1)).isoformat()}
    r = c.post(f"/api/items/{item.pk}/actions/draft_reply/", {"assignment": a.pk, **fields}, format="json")
    assert r.status_code == 200

    body = c.get(form_url(item, a)).json()
    assert (body["source"], body["editable"], body["action"], body["reply"]["state"]) == ("draft", True, "draft_reply", "draft")
    assert body["values"]["body"] == "API 保存的草稿。" and body["values"]["reply_type"] == "B"
    assert body["values"]["planned_date"] == fields["planned_date"] and body["values"]["signatory"] == "张主任"
    # The other door shows the same draft.
    assert textarea(reply_block(page_login(lead_liaison), item, a), "body") == "API 保存的草稿。"


def test_a_returned_draft_reads_back_with_the_leaders_comment(world, lead_liaison, lead_head):
    item = make_item(world, state="handling")
    a = lead_assignment(item)
    actions.draft_reply(lead_liaison, item.pk, assignment=a.pk, **reply_fields("A", body="初稿。"))
    actions.submit_reply(lead_liaison, item.pk, assignment=a.pk)
    api(lead_head).post(f"/api/items/{item.pk}/actions/return_reply/", {"assignment": a.pk, "comment": "请写明完成时限。"}, format="json")

    body = api(lead_liaison).get(form_url(item, a)).json()
    assert body["source"] == "returned" and body["values"]["body"] == "初稿。"
    assert (body["returned"]["comment"], body["returned"]["level"]) == ("请写明完成时限。", "unit")


def test_rehandling_reads_back_the_previous_reply_and_the_objection(world, lead_liaison):
    item = make_item(world, state="rehandling")
    a = lead_assignment(item)
    first = fresh(item).replies.get(assignment=a, round=1)
    body = api(lead_liaison).get(form_url(item, a)).json()
    assert body["source"] == "previous" and body["values"]["body"] == first.body
    assert body["previous"]["id"] == first.pk and body["previous"]["round"] == 1
    assert (body["objection"]["agrees"], body["objection"]["comment"], body["objection"]["grade"]) == (False, "答复未回应核心诉求", "poor")


def test_the_draft_is_read_only_by_the_unit_its_leaders_and_the_office(world, lead_liaison, lead_head, district_leader, gov_office,
                                                                        co_liaison, member, outsider_liaison):
    item = make_item(world, state="handling")
    a = lead_assignment(item)
    actions.draft_reply(lead_liaison, item.pk, assignment=a.pk, **reply_fields("A", body="内部草稿。"))
    for user in (lead_liaison, lead_head, district_leader, gov_office):
        assert api(user).get(form_url(item, a)).json()["values"]["body"] == "内部草稿。"
    for user, status in ((co_liaison, 403), (member, 403), (outsider_liaison, 404)):
        r = api(user).get(form_url(item, a))
        assert r.status_code == status and "内部草稿" not in r.content.decode()
    # Nor can another unit save over it.
    r = api(co_liaison).post(f"/api/items/{item.pk}/actions/draft_reply/", {"assignment": a.pk, **reply_fields("A", body="覆盖")},
                             format="json")
    assert r.status_code == 403 and fresh(item).replies.get().body == "内部草稿。"
    # And a member reading the item never gets the draft in its replies.
    assert "内部草稿" not in api(member).get(f"/api/items/{item.pk}/").content.decode()


def test_reading_the_form_runs_a_fixed_number_of_queries(world, lead_liaison):
    counts = []
    for n in (1, 3):
        item = make_item(world, state="rehandling")
        a = lead_assignment(item)
        for k in range(n):
            actions.post_message(lead_liaison, item.pk, body=f"留言{k}")
        actions.draft_reply(lead_liaison, item.pk, assignment=a.pk, **reply_fields("A", body="再次答复。"))
        c = api(lead_liaison)
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(form_url(item, a)).json()["values"]["body"] == "再次答复。"
        counts.append(len(ctx))
    assert counts == [FORM_QUERIES, FORM_QUERIES]


def test_templates_listed_per_type_and_filled_in_for_an_item(world, gov_office, lead_liaison, member):
    a_tpl = drafting.create_template(gov_office, reply_type="A", name="采纳", body="{proposer}委员：《{title}》（第{number}号）")
    drafting.create_template(gov_office, reply_type="C", name="参考", body="{title}")
    item = make_item(world, state="handling", title="关于<script>的建议")
    a = lead_assignment(item)
    c = api(lead_liaison)

    listed = c.get("/api/reply-templates/?reply_type=A").json()
    assert [(t["id"], t["reply_type"], t["name"]) for t in listed] == [(a_tpl.pk, "A", "采纳")]
    assert len(c.get("/api/reply-templates/").json()) == 2
    assert {p["name"] for p in c.get("/api/reply-templates/placeholders/").json()} >= {"number", "title", "proposer", "unit", "date"}

    with CaptureQueriesContext(connection) as ctx:
        r = c.get(f"/api/items/{item.pk}/reply-templates/{a_tpl.pk}/render/?assignment={a.pk}")
    assert r.status_code == 200 and len(ctx) == RENDER_QUERIES
    assert r.json() == {"template": a_tpl.pk, "reply_type": "A",
                        "body": f"{item.proposer.name}委员：《关于<script>的建议》（第{fresh(item).number:04d}号）"}
    assert not fresh(item).replies.exists()
    # Members do not draft replies: no templates, no filling in.
    assert api(member).get("/api/reply-templates/").status_code == 403
    assert api(member).get(f"/api/items/{item.pk}/reply-templates/{a_tpl.pk}/render/?assignment={a.pk}").status_code == 403


def test_the_office_keeps_templates_through_the_api(world, gov_office, lead_liaison):
    c = api(gov_office)
    r = c.post("/api/reply-templates/", {"reply_type": "A", "name": "采纳", "body": "{proposer}委员：{phone}"}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "body" and "{phone}" in r.json()["message_zh"]
    assert not ReplyTemplate.objects.exists()

    r = c.post("/api/reply-templates/", {"reply_type": "A", "name": "采纳", "body": "{proposer}委员：……"}, format="json")
    assert r.status_code == 201
    t = ReplyTemplate.objects.get(pk=r.json()["id"])
    assert_audit("create_reply_template", actor=gov_office, target=t)

    r = c.patch(f"/api/reply-templates/{t.pk}/", {"body": "{proposer}委员：您好……"}, format="json")
    assert r.status_code == 200 and r.json()["body"] == "{proposer}委员：您好……"
    r = c.patch(f"/api/reply-templates/{t.pk}/", {"active": False}, format="json")
    assert r.status_code == 200 and r.json()["active"] is False
    assert_audit("deactivate_reply_template", actor=gov_office, target=t)
    assert api(lead_liaison).get("/api/reply-templates/").json() == []

    # A liaison may use templates but not keep them.
    assert api(lead_liaison).post("/api/reply-templates/", {"reply_type": "A", "name": "另一个", "body": "x"}, format="json").status_code == 403
    assert api(lead_liaison).patch(f"/api/reply-templates/{t.pk}/", {"active": True}, format="json").status_code == 403
    t.refresh_from_db()
    assert not t.active and ReplyTemplate.objects.count() == 1
