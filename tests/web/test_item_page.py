"""The item page: it offers exactly the steps the transition table allows the person, each as a
form; posting a form performs the step (record + audit row) and comes back to the page; a form
with a missing or wrong field comes back with the message beside the field and changes nothing;
a step the person may not take is refused with a message and changes nothing. Also the
attachment box and the draft form (new and edit)."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from banli.proposals import actions as A
from banli.proposals import selectors, workflow
from banli.proposals.access import actor_for, visible_items
from banli.proposals.models import Assignment, Attachment, CoSigner, CoUnitGrade, Feedback, Item, Reply
from banli.web.forms import PLACED_ELSEWHERE
from tests.builders import (
    co_assignment, consult, fresh, last_reply, lead_assignment, make_item, new_draft, reply_fields, send_co_opinions, today,
)
from tests.checks import assert_audit, unchanged
from tests.web.pages import (
    action_anchors, action_keys, alerts, field_errors, flashes, form_block, is_open, login, text,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# -- the page offers exactly what the table allows ----------------------------------------------------

def _draft_with_invitation(world):
    item = new_draft(world)
    A.invite_cosigners(world.member, item.pk, person_ids=[world.cosigner_person.pk])
    return item


def _reply_with_unit_head(world):
    item = make_item(world, "handling")
    a = lead_assignment(item)
    consult(world, item)
    send_co_opinions(world, item)
    A.draft_reply(world.lead_liaison, item.pk, assignment=a.pk, **reply_fields("B"))
    A.submit_reply(world.lead_liaison, item.pk, assignment=a.pk)
    return item


def _reply_with_leader_of_key_item(world):
    item = make_item(world, "handling", co=False)
    a = lead_assignment(item)
    consult(world, item)
    A.draft_reply(world.lead_liaison, item.pk, assignment=a.pk, **reply_fields("C"))
    A.submit_reply(world.lead_liaison, item.pk, assignment=a.pk)
    A.approve_reply(world.lead_head, item.pk, assignment=a.pk)
    A.mark_key(world.gov_office, item.pk, leader_id=world.other_leader.pk)
    A.request_extension(world.lead_liaison, item.pk, assignment=a.pk, requested_due=a.reply_due + datetime.timedelta(days=20), reason="需跨部门协调。")
    return item


def _closure_pending(world):
    item = make_item(world, "evaluated", reply_type="A")
    A.file_closure_report(world.lead_liaison, item.pk, assignment=lead_assignment(item).pk, text="已完成。", done_on=today())
    return item


SCENARIOS = {
    "draft_invited": _draft_with_invitation,
    "submitted": lambda w: make_item(w, "submitted", cosigners=[w.cosigner]),
    "assigned": lambda w: make_item(w, "assigned"),
    "adjusting": lambda w: _adjusting(w),
    "reply_with_head": _reply_with_unit_head,
    "reply_with_leader": _reply_with_leader_of_key_item,
    "replied": lambda w: make_item(w, "replied", reply_type="B"),
    "closure_pending": _closure_pending,
    "closed": lambda w: make_item(w, "closed", co=False),
}


def _adjusting(world):
    item = make_item(world, "assigned", separate=True)
    a = next(x for x in Assignment.objects.filter(item=item) if x.unit_id == world.spare_unit.pk)
    A.request_adjustment(world.spare_liaison, item.pk, assignment=a.pk, reason="不属于本街道职责。", suggested_unit_text="区市场监管局")
    return item


# Every relation to an item the table knows, once: the proposer, a co-signer, an unrelated member,
# both assembly offices, the office, a lead unit's liaison and head, a co-handling and a separate
# unit's liaison, a unit with nothing to do, the leader of the portfolio and another leader.
MATRIX = ["member", "cosigner", "other_member", "cppcc_office", "npc_office", "gov_office", "lead_liaison", "lead_head",
          "co_liaison", "spare_liaison", "outsider_liaison", "district_leader", "other_leader"]


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_the_page_shows_every_persona_exactly_the_allowed_actions(world, scenario):
    item = SCENARIOS[scenario](world)
    # The table's answer, from the item loaded once as its proposer (who sees it in every state).
    loaded = selectors.item_detail(world.member, item.pk)
    offered = set()
    for name in MATRIX:
        user = get_user_model().objects.get(pk=getattr(world, name).pk)
        r = login(user).get(f"/items/{item.pk}/")
        if not visible_items(user).filter(pk=item.pk).exists():
            assert r.status_code == 404, f"{name} reads an item they may not see"
            assert "找不到该记录，或您无权查看。" in text(r)
            continue
        assert r.status_code == 200, name
        allowed = {(a["action"], a.get("assignment")) for a in workflow.available_actions(actor_for(user), loaded)}
        expected = {(a, u) for a, u in allowed if a not in PLACED_ELSEWHERE}
        assert action_keys(r) == expected, f"{scenario}: {name} is offered {sorted(action_keys(r))}, the table allows {sorted(expected)}"
        assert len(action_anchors(r)) == len(set(action_anchors(r))), "an anchor appears twice"
        names = {a for a, _ in allowed}
        html = text(r)
        assert (f'href="/items/{item.pk}/edit/"' in html) == ("edit_draft" in names), name
        assert (f'action="/items/{item.pk}/do/post_message/"' in html) == ("post_message" in names), name
        assert (f'action="/items/{item.pk}/do/add_attachment/"' in html) == ("add_attachment" in names), name
        if not expected and "edit_draft" not in names:
            assert "当前没有需要您办理的操作。" in html
        offered |= {a for a, _ in expected}
    assert offered, f"{scenario}: nobody may do anything"


def test_each_form_posts_to_its_action_with_its_assignment(world, lead_liaison):
    item = make_item(world, "assigned", co=False)
    a = lead_assignment(item)
    block = form_block(login(lead_liaison).get(f"/items/{item.pk}/"), f"do-sign-{a.pk}")
    assert f'action="/items/{item.pk}/do/sign/"' in block
    assert f'<input type="hidden" name="assignment" value="{a.pk}">' in block
    assert 'name="csrfmiddlewaretoken"' in block


# -- posting a step -----------------------------------------------------------------------------------

def test_signing_on_the_page_signs_and_comes_back(world, lead_liaison):
    item = make_item(world, "assigned", co=False)
    a = lead_assignment(item)
    c = login(lead_liaison)
    r = c.post(f"/items/{item.pk}/do/sign/", {"assignment": a.pk})
    assert (r.status_code, r["Location"]) == (302, f"/items/{item.pk}/")
    a.refresh_from_db()
    assert a.state == Assignment.State.SIGNED and a.signed_by_id == lead_liaison.pk
    assert fresh(item).state == "handling"
    assert_audit("sign", item=item, actor=lead_liaison)
    page = c.get(r["Location"])
    assert any(f.startswith("<strong>已完成：签收</strong>") for f in flashes(page))  # then what happened and what next
    assert f"do-sign-{a.pk}" not in action_anchors(page)


def test_registering_on_the_page_numbers_the_item(world, cppcc_office):
    item = make_item(world, "submitted")
    r = login(cppcc_office).post(f"/items/{item.pk}/do/register/")
    assert r.status_code == 302
    assert (fresh(item).state, fresh(item).number) == ("registered", 1)
    assert_audit("register", item=item, actor=cppcc_office, before={"state": "submitted"})


def test_a_step_that_takes_the_item_out_of_sight_goes_back_to_the_todo(world, cppcc_office, member):
    """Returned for revision, the item is a draft again, which the assembly office does not read."""
    item = make_item(world, "submitted")
    c = login(cppcc_office)
    r = c.post(f"/items/{item.pk}/do/return_for_revision/", {"reason": "请补充调研数据。"})
    assert (r.status_code, r["Location"]) == (302, "/")
    assert (fresh(item).state, fresh(item).state_reason) == ("draft", "请补充调研数据。")
    assert_audit("return_for_revision", item=item, actor=cppcc_office, before={"state": "submitted"}, after={"state": "draft"})
    assert any(f.startswith("<strong>已完成：退回修改</strong>") for f in flashes(c.get("/")))
    assert login(member).get(f"/items/{item.pk}/").status_code == 200


def test_rating_on_the_page_grades_the_lead_and_the_co_handling_unit(world, member):
    item = make_item(world, "replied", reply_type="A")
    r_ = last_reply(item)
    r = login(member).post(f"/items/{item.pk}/do/give_feedback/", {
        "reply_id": r_.pk, "grade": "good", "agrees": "true", "comment": "很满意", "praise": "true",
        f"co_grades.{world.co_unit.pk}": "fair",
    })
    assert r.status_code == 302
    fb = Feedback.objects.get(reply=r_)
    assert (fb.grade.code, fb.agrees, fb.praise, fb.comment) == ("good", True, True, "很满意")
    assert [(g.unit_id, g.grade.code) for g in CoUnitGrade.objects.filter(feedback=fb)] == [(world.co_unit.pk, "fair")]
    assert_audit("give_feedback", item=item, actor=member)


def test_a_missing_required_field_comes_back_beside_the_field(world, cppcc_office):
    item = make_item(world, "submitted")
    c = login(cppcc_office)
    with unchanged():
        r = c.post(f"/items/{item.pk}/do/return_for_revision/", {"reason": ""})
    assert r.status_code == 400
    block = form_block(r, "do-return_for_revision")
    assert is_open(block)
    assert list(field_errors(block)) == ["reason"] and field_errors(block)["reason"][0]
    assert "请检查填写的内容。" in alerts(r)
    # The other forms stay closed.
    assert not is_open(form_block(r, "do-register"))


def test_a_step_the_person_may_not_take_is_refused_with_a_message(world, member, cppcc_office):
    item = make_item(world, "submitted")
    with unchanged():
        r = login(member).post(f"/items/{item.pk}/do/register/")
    assert r.status_code == 403
    assert "您无权立案。" in alerts(r)


def test_a_step_on_an_item_the_person_cannot_see_is_not_found(world, outsider_liaison, other_member):
    item = make_item(world, "assigned", co=False)
    a = lead_assignment(item)
    for user, path, data in ((outsider_liaison, "sign", {"assignment": a.pk}), (other_member, "withdraw", {})):
        with unchanged():
            r = login(user).post(f"/items/{item.pk}/do/{path}/", data)
        assert r.status_code == 404
        assert "找不到该记录，或您无权查看。" in alerts(r)
        assert item.title not in text(r)


def test_a_step_in_the_wrong_state_is_a_conflict(world, gov_office):
    item = make_item(world, "submitted")
    with unchanged():
        r = login(gov_office).post(f"/items/{item.pk}/do/assign/", {"lead": world.lead_unit.pk})
    assert r.status_code == 409
    assert "当前状态为“待审查”，不能交办。" in alerts(r)


def test_signing_for_another_units_assignment_is_refused(world, lead_liaison):
    item = make_item(world, "assigned")
    with unchanged():
        r = login(lead_liaison).post(f"/items/{item.pk}/do/sign/", {"assignment": co_assignment(item).pk})
    assert r.status_code == 403
    assert "您无权签收。" in alerts(r)


def test_a_tampered_assignment_id_is_refused_not_a_crash(world, lead_liaison):
    item = make_item(world, "assigned", co=False)
    c = login(lead_liaison)
    for bad, status in (("abc", 400), ("99999999999999999999999", 400), ("-1", 400), ("424242", 404)):
        with unchanged():
            r = c.post(f"/items/{item.pk}/do/sign/", {"assignment": bad})
        assert r.status_code == status, bad
        assert alerts(r)


def test_an_unknown_action_or_a_get_is_refused(world, gov_office):
    item = make_item(world, "submitted")
    c = login(gov_office)
    with unchanged():
        assert c.post(f"/items/{item.pk}/do/delete_everything/").status_code == 404
        assert c.post(f"/items/{item.pk}/do/edit_draft/").status_code == 404  # has its own page
        assert c.get(f"/items/{item.pk}/do/register/").status_code == 405
        assert login(world.cppcc_office).get(f"/items/{item.pk}/do/register/").status_code == 405


# -- the reply form -----------------------------------------------------------------------------------

def _reply_form_post(item, a, code, **over):
    data = {k: (str(v) if v is not None else "") for k, v in reply_fields(code).items()}
    data.update({"assignment": a.pk, **over})
    return data


@pytest.fixture
def ready(world):
    """A handling item whose lead unit has met the proposer: the reply may be drafted."""
    item = make_item(world, "handling", co=False)
    consult(world, item)
    return item, lead_assignment(item)


def test_a_planned_reply_without_a_planned_date_is_refused_beside_that_field(world, lead_liaison, ready):
    item, a = ready
    c = login(lead_liaison)
    with unchanged():
        r = c.post(f"/items/{item.pk}/do/draft_reply/", _reply_form_post(item, a, "B", planned_date="", body="拟于明年实施。"))
    assert r.status_code == 400
    block = form_block(r, f"do-draft_reply-{a.pk}")
    assert is_open(block)
    assert field_errors(block) == {"planned_date": ["“列入计划拟解决”类答复须填写计划完成日期。"]}
    assert "拟于明年实施。" in block  # what was typed stays
    assert not Reply.objects.filter(item=item).exists()


def test_a_for_reference_reply_without_its_reason_is_refused_beside_that_field(world, lead_liaison, ready):
    item, a = ready
    with unchanged():
        r = login(lead_liaison).post(f"/items/{item.pk}/do/draft_reply/", _reply_form_post(item, a, "C", reference_reason="  "))
    assert r.status_code == 400
    assert field_errors(form_block(r, f"do-draft_reply-{a.pk}")) == {"reference_reason": ["“留作参考”类答复须说明理由。"]}


def test_a_planned_date_in_the_past_is_refused(world, lead_liaison, ready):
    item, a = ready
    with unchanged():
        r = login(lead_liaison).post(f"/items/{item.pk}/do/draft_reply/",
                                     _reply_form_post(item, a, "B", planned_date=str(today() - datetime.timedelta(days=1))))
    assert r.status_code == 400
    assert field_errors(form_block(r, f"do-draft_reply-{a.pk}")) == {"planned_date": ["计划完成日期不能早于今天。"]}


def test_a_reply_without_its_required_fields_names_each(world, lead_liaison, ready):
    item, a = ready
    with unchanged():
        r = login(lead_liaison).post(f"/items/{item.pk}/do/draft_reply/", {"assignment": a.pk, "reply_type": "A"})
    assert r.status_code == 400
    assert set(field_errors(form_block(r, f"do-draft_reply-{a.pk}"))) == {"body", "signatory", "contact_person"}


def test_a_valid_reply_is_drafted_from_the_page(world, lead_liaison, ready):
    item, a = ready
    r = login(lead_liaison).post(f"/items/{item.pk}/do/draft_reply/", _reply_form_post(item, a, "B"))
    assert r.status_code == 302
    reply = Reply.objects.get(item=item)
    assert (reply.reply_type.code, reply.state, reply.planned_date) == ("B", "draft", today() + datetime.timedelta(days=90))
    assert_audit("draft_reply", item=item, actor=lead_liaison, after={"reply_type": "B"})


# -- attachments ----------------------------------------------------------------------------------

def _upload(name, content, ctype="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=ctype)


def _attachment_errors(response) -> list[str]:
    section = re.search(r'<section class="card" id="attachments".*?</section>', text(response), re.S).group(0)
    return re.findall(r'<p class="error" role="alert">(.*?)</p>', section)


def test_a_pdf_uploaded_on_the_page_can_be_downloaded(world, member, lead_liaison):
    item = make_item(world, "handling", co=False)
    c = login(member)
    r = c.post(f"/items/{item.pk}/do/add_attachment/", {"file": _upload("调研报告.pdf", PDF)})
    assert (r.status_code, r["Location"]) == (302, f"/items/{item.pk}/#attachments")
    att = Attachment.objects.get(item=item)
    assert (att.name, att.size, att.content_type, att.by_id) == ("调研报告.pdf", len(PDF), "application/pdf", member.pk)
    assert_audit("add_attachment", item=item, actor=member, after={"name": "调研报告.pdf"})
    assert f'href="/items/{item.pk}/files/{att.pk}/"' in text(c.get(f"/items/{item.pk}/"))


def test_an_attachment_downloads_for_readers_only(world, member, lead_liaison, other_member, outsider_liaison):
    item = make_item(world, "handling", co=False)
    att = A.add_attachment(member, item.pk, file=_upload("调研报告.pdf", PDF))
    url = f"/items/{item.pk}/files/{att.pk}/"
    for user in (member, lead_liaison):
        r = login(user).get(url)
        assert r.status_code == 200
        assert b"".join(r.streaming_content) == PDF
        assert r["Content-Type"] == "application/pdf"
        assert r["Content-Disposition"].startswith("attachment;")
    for user in (other_member, outsider_liaison):
        r = login(user).get(url)
        assert r.status_code == 404 and "找不到该记录，或您无权查看。" in text(r)
    # The attachment's id under another item's address is not found either.
    other = make_item(world, "handling", co=False)
    assert login(member).get(f"/items/{other.pk}/files/{att.pk}/").status_code == 404


@pytest.mark.parametrize("name,content,message", [
    ("setup.exe", b"MZ\x90\x00binary", "不支持的文件类型。"),
    ("报告.pdf", b"this is not a pdf at all", "文件内容与扩展名不符。"),
    ("空.pdf", b"", None),
])
def test_a_bad_file_is_refused_with_a_message_and_nothing_is_kept(world, member, name, content, message):
    item = make_item(world, "handling", co=False)
    with unchanged():
        r = login(member).post(f"/items/{item.pk}/do/add_attachment/", {"file": _upload(name, content, "application/octet-stream")})
    assert r.status_code == 400
    errors = _attachment_errors(r)
    assert errors, "the refusal is shown beside the upload box"
    if message:
        assert errors[0].startswith(message)
    assert not Attachment.objects.exists()


# -- the draft form -------------------------------------------------------------------------------

def test_the_new_draft_form_offers_the_members_own_categories(world, member):
    r = login(member).get("/items/new/")
    assert r.status_code == 200
    html = text(r)
    assert "提出提案" in html
    cppcc_child = world.category("cppcc", 2)
    assert f'<option value="{cppcc_child.pk}">城市建设和管理 · 交通出行</option>' in html
    npc = world.category("npc", 0)
    assert f'value="{npc.pk}"' not in html


def test_a_member_creates_a_draft_and_invites_co_signers(world, member, cosigner):
    cat = world.category("cppcc", 2)
    r = login(member).post("/items/new/", {
        "title": "关于改善城东道路交通的提案", "reason": "早晚高峰拥堵。", "suggestions": "增设公交专用道。",
        "category": cat.pk, "cosigners": [world.cosigner_person.pk], "suggested_units": [world.co_unit.pk], "consent_publish": "true",
    })
    item = Item.objects.get()
    assert (r.status_code, r["Location"]) == (302, f"/items/{item.pk}/")
    assert (item.state, item.title, item.category_id, item.proposer_id, item.consent_publish) == (
        "draft", "关于改善城东道路交通的提案", cat.pk, world.member_person.pk, True)
    assert list(item.suggested_units.values_list("pk", flat=True)) == [world.co_unit.pk]
    assert list(CoSigner.objects.filter(item=item).values_list("person_id", "state")) == [(world.cosigner_person.pk, "invited")]
    assert_audit("create_draft", item=item, actor=member)
    assert_audit("invite_cosigners", item=item, actor=member, after={"invited": [world.cosigner_person.pk]})


@pytest.mark.parametrize("category", ["npc", "99999", "abc"])
def test_a_category_not_of_the_members_assembly_is_refused_beside_the_field(world, member, category):
    value = world.category("npc", 0).pk if category == "npc" else category
    with unchanged():
        r = login(member).post("/items/new/", {"title": "标题", "category": value})
    assert r.status_code == 400
    errors = field_errors(text(r))
    assert list(errors) == ["category"]
    assert not Item.objects.exists()


def test_a_draft_needs_a_title(world, member):
    with unchanged():
        r = login(member).post("/items/new/", {"title": "  ", "reason": "案由"})
    assert r.status_code == 400
    assert list(field_errors(text(r))) == ["title"]
    assert "案由" in text(r)  # what was typed stays


def test_a_co_signer_of_the_other_assembly_is_refused_and_no_draft_is_left(world, member):
    with unchanged():
        r = login(member).post("/items/new/", {"title": "标题", "cosigners": [world.deputy_person.pk]})
    assert r.status_code == 400
    assert list(field_errors(text(r))) == ["cosigners"]


def test_a_draft_whose_invitation_fails_is_not_kept_half_made(world, member):
    """Naming oneself as co-signer passes the form but the invitation refuses it: the draft
    created a moment before is rolled back with it, and the message stands beside the field."""
    with unchanged():
        r = login(member).post("/items/new/", {"title": "只保存一半？", "cosigners": [world.member_person.pk]})
    assert r.status_code == 400
    assert field_errors(text(r)) == {"cosigners": ["联名人须为本会别的在任委员/代表，且不能是领衔人本人。"]}
    assert not Item.objects.exists()


@pytest.mark.parametrize("persona", ["gov_office", "lead_liaison", "district_leader", "cppcc_office"])
def test_only_members_and_deputies_may_open_the_draft_form(world, persona):
    c = login(getattr(world, persona))
    for r in (c.get("/items/new/"), c.post("/items/new/", {"title": "不应保存"})):
        assert r.status_code == 403
        assert "只有委员、代表或其授权的集体账号可以提出提案/建议。" in alerts(r)
    assert not Item.objects.exists()


def test_a_deputy_files_a_suggestion_in_the_npc_session(world, deputy):
    r = login(deputy).post("/items/new/", {"title": "关于优化公交线路的建议", "category": world.category("npc", 0).pk})
    assert r.status_code == 302
    item = Item.objects.get()
    assert (item.assembly, item.session_id) == ("npc", world.npc_session.pk)


def test_the_proposer_edits_the_draft_and_invites_one_more(world, member):
    item = new_draft(world, title="旧标题")
    c = login(member)
    page = c.get(f"/items/{item.pk}/edit/")
    assert page.status_code == 200 and 'value="旧标题"' in text(page)
    r = c.post(f"/items/{item.pk}/edit/", {"title": "新标题", "reason": item.reason, "suggestions": item.suggestions,
                                           "category": item.category_id, "cosigners": [world.cosigner_person.pk]})
    assert (r.status_code, r["Location"]) == (302, f"/items/{item.pk}/")
    assert fresh(item).title == "新标题"
    assert_audit("edit_draft", item=item, actor=member, before={"title": "旧标题"}, after={"title": "新标题"})
    assert CoSigner.objects.filter(item=item, person=world.cosigner_person, state="invited").exists()


def test_the_edit_page_of_someone_elses_draft_is_not_found(world, other_member):
    item = new_draft(world)
    c = login(other_member)
    with unchanged():
        assert c.get(f"/items/{item.pk}/edit/").status_code == 404
        assert c.post(f"/items/{item.pk}/edit/", {"title": "篡改"}).status_code == 404
    assert fresh(item).title != "篡改"


def test_an_invited_co_signer_may_not_edit_the_draft(world, member, cosigner):
    item = _draft_with_invitation(world)
    c = login(cosigner)
    with unchanged():
        r = c.post(f"/items/{item.pk}/edit/", {"title": "篡改", "category": item.category_id})
    assert r.status_code == 403
    assert "您无权修改草稿。" in text(r)


def test_the_edit_page_is_not_offered_to_who_may_not_edit(world, cosigner, gov_office):
    draft = _draft_with_invitation(world)
    submitted = make_item(world, "submitted")
    assert login(cosigner).get(f"/items/{draft.pk}/edit/").status_code == 403
    assert login(gov_office).get(f"/items/{submitted.pk}/edit/").status_code == 403
    assert login(world.member).get(f"/items/{submitted.pk}/edit/").status_code == 409


def test_a_submitted_item_can_no_longer_be_edited(world, member):
    item = make_item(world, "submitted")
    with unchanged():
        r = login(member).post(f"/items/{item.pk}/edit/", {"title": "改标题", "category": item.category_id})
    assert r.status_code == 409
    assert "不能修改草稿" in text(r)
