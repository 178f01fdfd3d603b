"""Reply drafting on the pages (issue 13 point 4): the liaison's reply form reopens with the saved
draft, a returned draft shows the leader's comment beside it, re-handling shows the previous reply
and the proposer's objection; "套用模板" fills the form from the office's template; the office keeps
the templates on /reply-templates/. Everything is read from the HTML a person gets."""

import json
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banli.drafting import actions as drafting
from banli.drafting.models import ReplyTemplate
from banli.proposals import actions
from tests.builders import co_assignment, fresh, lead_assignment, make_item, reply_fields
from tests.checks import assert_audit
from tests.web.pages import form_block, is_open, login, text

pytestmark = pytest.mark.django_db

LETTER = "{proposer}委员：您提出的《{title}》（第{number}号）收悉。现答复如下……"
# Pinned: the item page (ITEM_PAGE in test_page_queries builds on the same reads) for the liaison
# with a saved draft, whatever is on it: its reply form adds one query, the templates to pick from.
# The item's detail reads the kinds of record it has (proposals/presence.py): here a handling item
# with a draft reply (31 when every kind was read whether there or not).
PAGE_WITH_DRAFT = 16


def textarea(block, name) -> str:
    m = re.search(r'<textarea[^>]*name="%s"[^>]*>(.*?)</textarea>' % name, block, re.S)
    assert m, f"no textarea {name}"
    return unescape(m.group(1))


def input_value(block, name) -> str:
    m = re.search(r'<input[^>]*name="%s"[^>]*value="([^"]*)"' % name, block)
    return unescape(m.group(1)) if m else ""


def selected(block, name) -> str:
    m = re.search(r'<select[^>]*name="%s"[^>]*>(.*?)</select>' % name, block, re.S)
    assert m, f"no select {name}"
    picked = re.search(r'<option value="([^"]*)" selected', m.group(1))
    return picked.group(1) if picked else ""


def section(block, cls) -> str:
    m = re.search(r'<section class="beside-block %s">(.*?)</section>' % cls, block, re.S)
    return unescape(re.sub(r"<[^>]+>", " ", m.group(1))) if m else ""


def reply_block(client, item, a):
    return form_block(client.get(f"/items/{item.pk}/"), f"do-draft_reply-{a.pk}")


def _post_form(a, **over):
    data = {"assignment": a.pk, **reply_fields("A")}
    data.update(over)
    return {k: ("" if v is None else v) for k, v in data.items()}


# -- the draft round trip -----------------------------------------------------------------------------

def test_a_saved_draft_reopens_with_its_text_type_and_fields(world, lead_liaison):
    item = make_item(world, state="handling")
    a = lead_assignment(item)
    c = login(lead_liaison)

    r = c.post(f"/items/{item.pk}/do/draft_reply/", _post_form(a, reply_type="C", body="初稿：受规划条件限制……",
                                                                reference_reason="暂不具备实施条件。", contact_phone="021-5555"))
    assert r.status_code == 302

    block = reply_block(c, item, a)
    assert textarea(block, "body") == "初稿：受规划条件限制……"
    assert selected(block, "reply_type") == "C"
    assert textarea(block, "reference_reason") == "暂不具备实施条件。"
    assert (input_value(block, "signatory"), input_value(block, "contact_phone")) == ("张主任", "021-5555")
    assert 'data-source="draft"' in block and not is_open(block)
    # Saved again from the reopened form: the same draft, the new text.
    c.post(f"/items/{item.pk}/do/draft_reply/", _post_form(a, body="二稿。"))
    assert textarea(reply_block(c, item, a), "body") == "二稿。" and fresh(item).replies.count() == 1


def test_the_next_items_form_carries_the_signatory_and_contact_over(world, lead_liaison):
    first = make_item(world, state="handling")
    actions.draft_reply(lead_liaison, first.pk, assignment=lead_assignment(first).pk, **reply_fields("A", signatory="周局长"))
    item = make_item(world, state="handling")
    block = reply_block(login(lead_liaison), item, lead_assignment(item))
    assert (input_value(block, "signatory"), input_value(block, "contact_person")) == ("周局长", "建委联络员")
    assert textarea(block, "body") == "" and selected(block, "reply_type") == ""


def test_a_returned_draft_shows_the_leaders_comment_beside_its_text(world, lead_liaison, lead_head):
    item = make_item(world, state="handling")
    a = lead_assignment(item)
    actions.draft_reply(lead_liaison, item.pk, assignment=a.pk, **reply_fields("A", body="答复初稿。"))
    actions.submit_reply(lead_liaison, item.pk, assignment=a.pk)
    actions.return_reply(lead_head, item.pk, assignment=a.pk, comment="请补充资金来源。")

    block = reply_block(login(lead_liaison), item, a)

    assert textarea(block, "body") == "答复初稿。"
    returned = section(block, "reply-returned")
    assert "退回意见" in returned and "请补充资金来源。" in returned and (lead_head.get_full_name() or lead_head.username) in returned


def test_rehandling_shows_the_previous_reply_and_the_objection_beside_the_form(world, lead_liaison):
    item = make_item(world, state="rehandling")
    a = lead_assignment(item)
    first = fresh(item).replies.get(assignment=a, round=1)

    block = reply_block(login(lead_liaison), item, a)

    assert textarea(block, "body") == first.body  # to revise, not to retype
    assert first.body in section(block, "reply-previous")
    objection = section(block, "reply-objection")
    assert "答复未回应核心诉求" in objection and "不同意答复" in objection


def test_no_one_else_sees_the_draft_or_its_form(world, lead_liaison, co_liaison, member):
    item = make_item(world, state="handling")
    actions.draft_reply(lead_liaison, item.pk, assignment=lead_assignment(item).pk, **reply_fields("A", body="内部草稿不外传。"))
    for user in (co_liaison, member):
        page = login(user).get(f"/items/{item.pk}/")
        assert page.status_code == 200 and "内部草稿不外传" not in text(page)
        assert f"do-draft_reply-{lead_assignment(item).pk}" not in text(page)


# -- templates in the reply form ----------------------------------------------------------------------

def test_pick_a_template_and_the_form_is_filled_with_the_items_fields(world, lead_liaison, gov_office):
    item = make_item(world, state="handling", title="关于<b>加装电梯</b>的建议")
    a = lead_assignment(item)
    t = drafting.create_template(gov_office, reply_type="B", name="列入计划", body=LETTER)
    c = login(lead_liaison)
    assert "列入计划" in reply_block(c, item, a)  # offered in the form

    page = c.post(f"/items/{item.pk}/reply-template/", _post_form(a, _form="draft_reply", template=t.pk, body="", signatory="李局长"))

    assert page.status_code == 200
    block = form_block(page, f"do-draft_reply-{a.pk}")
    number = f"{fresh(item).number:04d}"
    assert is_open(block)
    assert textarea(block, "body") == f"{item.proposer.name}委员：您提出的《关于<b>加装电梯</b>的建议》（第{number}号）收悉。现答复如下……"
    assert "&lt;b&gt;加装电梯" in block and "<b>加装电梯" not in block  # the title is text, never markup
    assert selected(block, "reply_type") == "B" and input_value(block, "signatory") == "李局长"  # what was typed is kept
    assert not fresh(item).replies.exists()  # filling in saves nothing: the liaison saves the draft


def test_a_script_gets_the_filled_template_as_json(world, lead_liaison, co_liaison, gov_office):
    item = make_item(world, state="handling")
    a = lead_assignment(item)
    t = drafting.create_template(gov_office, reply_type="A", name="采纳", body="《{title}》")
    r = login(lead_liaison).post(f"/items/{item.pk}/reply-template/", {"assignment": a.pk, "template": t.pk, "_form": "draft_reply"},
                                 HTTP_ACCEPT="application/json")
    assert r.status_code == 200 and json.loads(r.content) == {"template": t.pk, "reply_type": "A", "body": f"《{item.title}》"}
    r = login(co_liaison).post(f"/items/{item.pk}/reply-template/", {"assignment": a.pk, "template": t.pk, "_form": "draft_reply"},
                               HTTP_ACCEPT="application/json")
    assert r.status_code == 403 and json.loads(r.content)["code"] == "forbidden" and item.title not in r.content.decode()


def test_filling_refuses_another_unit_a_member_and_a_missing_template(world, lead_liaison, co_liaison, member, gov_office):
    item = make_item(world, state="handling")
    a = lead_assignment(item)
    t = drafting.create_template(gov_office, reply_type="A", name="采纳", body="《{title}》")
    data = {"assignment": a.pk, "template": t.pk, "_form": "draft_reply"}
    assert login(co_liaison).post(f"/items/{item.pk}/reply-template/", data).status_code == 403
    assert login(member).post(f"/items/{item.pk}/reply-template/", data).status_code == 403
    # The co-handling unit writes an opinion, not a reply: its own assignment offers no reply form.
    own = {**data, "assignment": co_assignment(item).pk}
    assert login(co_liaison).post(f"/items/{item.pk}/reply-template/", own).status_code == 409
    page = login(lead_liaison).post(f"/items/{item.pk}/reply-template/", {**data, "template": ""})
    assert page.status_code == 400 and "请选择一个答复模板" in text(page)


# -- the office's page ----------------------------------------------------------------------------------

def test_the_office_keeps_its_templates_on_its_page(world, gov_office):
    c = login(gov_office)
    assert c.get("/reply-templates/").status_code == 200

    r = c.post("/reply-templates/", {"reply_type": "A", "name": "采纳答复", "body": LETTER, "position": "1"})
    t = ReplyTemplate.objects.get()
    assert r.status_code == 302 and r.url == f"/reply-templates/#tpl-{t.pk}"
    assert_audit("create_reply_template", actor=gov_office, target=t)
    page = text(c.get("/reply-templates/"))
    assert "采纳答复" in page and "{proposer}" in page

    r = c.post(f"/reply-templates/{t.pk}/", {"reply_type": "A", "name": "采纳答复（通用）", "body": LETTER + "特此函复。", "position": "1"})
    t.refresh_from_db()
    assert r.status_code == 302 and t.name == "采纳答复（通用）" and t.body.endswith("特此函复。")

    c.post(f"/reply-templates/{t.pk}/active/", {"active": "false"})
    t.refresh_from_db()
    assert not t.active and "已停用" in text(c.get("/reply-templates/"))


def test_an_unknown_placeholder_is_refused_beside_the_text(world, gov_office):
    r = login(gov_office).post("/reply-templates/", {"reply_type": "A", "name": "采纳", "body": "{proposer}委员，电话{phone}", "position": "0"})
    assert r.status_code == 400 and not ReplyTemplate.objects.exists()
    assert "无法识别的占位符：{phone}" in text(r)
    assert "电话{phone}" in text(r)  # what was typed comes back to be corrected


def test_only_the_office_opens_the_template_page(world, lead_liaison, member, gov_office):
    t = drafting.create_template(gov_office, reply_type="A", name="采纳", body="{title}")
    for user in (lead_liaison, member):
        c = login(user)
        assert c.get("/reply-templates/").status_code == 403
        assert c.post(f"/reply-templates/{t.pk}/active/", {"active": "false"}).status_code == 403
    assert ReplyTemplate.objects.get().active


# -- the page's cost ------------------------------------------------------------------------------------

def test_the_item_page_with_a_draft_runs_a_fixed_number_of_queries(world, lead_liaison, gov_office):
    counts = []
    for n in (1, 3):
        item = make_item(world, state="handling")
        a = lead_assignment(item)
        for k in range(n):
            drafting.create_template(gov_office, reply_type="A", name=f"模板{n}-{k}", body="{title}")
        actions.draft_reply(lead_liaison, item.pk, assignment=a.pk, **reply_fields("A", body="草稿。"))
        c = login(lead_liaison)
        c.get(f"/items/{item.pk}/")  # the read mark moves once
        with CaptureQueriesContext(connection) as ctx:
            page = c.get(f"/items/{item.pk}/")
        assert page.status_code == 200 and textarea(form_block(page, f"do-draft_reply-{a.pk}"), "body") == "草稿。"
        counts.append(len(ctx))
    assert counts == [PAGE_WITH_DRAFT, PAGE_WITH_DRAFT]
