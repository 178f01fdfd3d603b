"""Reply drafting that saves work (issue 13 point 4): a saved draft reopens with its text; a draft
the leader returned reopens with the leader's comment; re-handling opens with the previous reply
and the proposer's objection; the office's reply templates, filled in with the item's fields."""

import datetime

import pytest

from banli.audit.models import AuditRecord
from banli.drafting import actions as drafting
from banli.drafting.models import ReplyTemplate
from banli.drafting.placeholders import check, problems, render
from banli.drafting.selectors import fill, reply_form, reply_form_for, templates
from banli.errors import BanliError
from banli.proposals import actions
from banli.proposals.access import actor_for
from banli.proposals.selectors import item_detail
from tests.builders import fresh, lead_assignment, make_item, reply, reply_fields, today
from tests.checks import assert_audit

pytestmark = pytest.mark.django_db

LETTER = "{proposer}{person}：您提出的《{title}》（第{number}号）收悉。{unit}经研究，答复如下……\n{unit}\n{date}"


def _form(user, item, assignment=None):
    loaded = item_detail(user, item.pk)
    a = assignment or lead_assignment(item)
    return reply_form(actor_for(user), loaded, next(x for x in loaded.assignments.all() if x.pk == a.pk))


# -- the draft round trip -----------------------------------------------------------------------------

def test_a_first_reply_form_opens_empty(world, lead_liaison):
    item = make_item(world, state="handling")
    form = _form(lead_liaison, item)
    assert (form.source, form.values, form.reply, form.previous, form.editable) == ("", {}, None, None, True)


def test_a_saved_draft_reopens_with_every_field(world, lead_liaison):
    item = make_item(world, state="handling")
    lead = lead_assignment(item)
    planned = today() + datetime.timedelta(days=60)
    saved = actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk,
                                **reply_fields("B", body="初稿：拟于明年试点。", planned_date=planned, recommendation="withhold",
                                               withhold_reason="涉及在建项目招标信息"))

    form = _form(lead_liaison, item)

    assert form.source == "draft" and form.reply.pk == saved.pk and form.editable
    assert form.values == {
        "reply_type": "B", "body": "初稿：拟于明年试点。", "promise": "明年6月前完成试点。", "planned_date": planned.isoformat(),
        "reference_reason": "", "signatory": "张主任", "contact_person": "建委联络员", "contact_phone": "021-12345678",
        "recommendation": "withhold", "withhold_reason": "涉及在建项目招标信息",
    }
    # Saving it again edits the same draft: one reply, its text as last saved, an audit row per save.
    actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk, **{**reply_fields("B", planned_date=planned), "body": "二稿。"})
    assert _form(lead_liaison, item).values["body"] == "二稿。"
    assert fresh(item).replies.count() == 1
    assert AuditRecord.objects.filter(item=item, action="draft_reply").count() == 2


def test_a_draft_in_approval_is_shown_but_not_editable(world, lead_liaison):
    item = make_item(world, state="handling")
    reply(world, item, send=False)  # approved, not yet sent
    form = _form(lead_liaison, item)
    assert form.source == "in_approval" and not form.editable and form.values["body"].startswith("王委员")


def test_a_returned_draft_reopens_with_the_leaders_comment(world, lead_liaison, lead_head):
    item = make_item(world, state="handling")
    lead = lead_assignment(item)
    actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("A", body="答复初稿。"))
    actions.submit_reply(lead_liaison, item.pk, assignment=lead.pk)
    actions.return_reply(lead_head, item.pk, assignment=lead.pk, comment="请补充资金来源和完成时限。")

    form = _form(lead_liaison, item)

    assert form.source == "returned" and form.editable
    assert form.values["body"] == "答复初稿。"
    assert (form.returned.comment, form.returned.by, form.returned.level) == ("请补充资金来源和完成时限。", lead_head, "unit")
    # Once saved again it is the liaison's draft; the return stays in the reply's approvals.
    actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("A", body="修改稿。"))
    assert _form(lead_liaison, item).source == "returned"  # still returned until sent for approval again
    actions.submit_reply(lead_liaison, item.pk, assignment=lead.pk)
    assert _form(lead_liaison, item).source == "in_approval"


def test_a_first_form_carries_the_units_signatory_and_contact_over_from_its_last_reply(world, lead_liaison):
    done = make_item(world, state="handling")
    actions.draft_reply(lead_liaison, done.pk, assignment=lead_assignment(done).pk,
                        **reply_fields("A", signatory="周局长", contact_person="小吴", contact_phone="021-8888"))
    item = make_item(world, state="handling")
    form = reply_form_for(lead_liaison, item.pk, lead_assignment(item).pk)
    assert form.source == "" and form.values == {"signatory": "周局长", "contact_person": "小吴", "contact_phone": "021-8888"}
    # Only the unit's own replies: a unit that has replied to nothing yet starts empty.
    separate = make_item(world, state="handling", separate=True)
    spare = separate.assignments.get(unit=world.spare_unit)
    assert reply_form_for(world.spare_liaison, separate.pk, spare.pk).values == {}


# -- re-handling ----------------------------------------------------------------------------------------

def test_rehandling_opens_with_the_previous_reply_and_the_objection(world, lead_liaison):
    item = make_item(world, state="rehandling")
    first = fresh(item).replies.get(assignment=lead_assignment(item), round=1)

    form = _form(lead_liaison, item)

    assert form.source == "previous" and form.editable
    assert form.previous.pk == first.pk and form.values["body"] == first.body and form.values["reply_type"] == "A"
    assert (form.objection.agrees, form.objection.comment, form.objection.grade.code) == (False, "答复未回应核心诉求", "poor")
    # The second draft, once saved, is what the form opens with; the objection stays beside it.
    actions.draft_reply(lead_liaison, item.pk, assignment=lead_assignment(item).pk, **reply_fields("A", body="再次答复。"))
    again = _form(lead_liaison, item)
    assert again.source == "draft" and again.values["body"] == "再次答复。" and again.reply.round == 2
    assert again.previous.pk == first.pk and again.objection.comment == "答复未回应核心诉求"


def test_a_past_planned_date_is_not_carried_into_the_second_reply(world, lead_liaison):
    item = make_item(world, state="rehandling", reply_type="B")
    first = fresh(item).replies.get(round=1, assignment=lead_assignment(item))
    type(first).objects.filter(pk=first.pk).update(planned_date=today() - datetime.timedelta(days=1))
    assert _form(lead_liaison, item).values["planned_date"] == ""


def test_a_type_conversion_starts_from_the_sent_letter_but_not_its_type(world, lead_liaison):
    item = make_item(world, state="closed", reply_type="C")
    loaded = item_detail(lead_liaison, item.pk)
    a = next(x for x in loaded.assignments.all() if x.pk == lead_assignment(item).pk)
    form = reply_form(actor_for(lead_liaison), loaded, a)
    sent = fresh(item).replies.get(assignment=a)
    assert (form.action, form.source, form.editable) == ("convert_reply_type", "previous", True)
    assert form.values["body"] == sent.body and form.values["reply_type"] == "" and form.values["reference_reason"] == ""


# -- who reads a draft ----------------------------------------------------------------------------------

def test_only_the_unit_its_leader_and_the_office_read_the_draft(world, lead_liaison, co_liaison, member, gov_office, district_leader,
                                                                 lead_head, outsider_liaison):
    item = make_item(world, state="handling")
    lead = lead_assignment(item)
    actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("A", body="内部草稿。"))
    for reader in (lead_liaison, lead_head, district_leader, gov_office):
        assert reply_form_for(reader, item.pk, lead.pk).values["body"] == "内部草稿。"
    for reader, status in ((co_liaison, 403), (member, 403), (outsider_liaison, 404)):
        with pytest.raises(BanliError) as info:
            reply_form_for(reader, item.pk, lead.pk)
        assert info.value.status == status
    # Another unit cannot save over it either (the transition table's answer).
    with pytest.raises(BanliError) as info:
        actions.draft_reply(co_liaison, item.pk, assignment=lead.pk, **reply_fields("A", body="别的单位。"))
    assert info.value.code == "forbidden"
    assert fresh(item).replies.get().body == "内部草稿。"


# -- templates: placeholders ----------------------------------------------------------------------------

def test_placeholders_fill_in_one_pass_and_braces_can_be_written():
    values = {"title": "关于{unit}的建议", "unit": "区建委", "number": "0012"}
    assert render("《{title}》第{number}号，{承办单位}。{{不是占位符}}", values) == "《关于{unit}的建议》第0012号，区建委。{不是占位符}"


def test_unknown_placeholders_and_stray_braces_are_named():
    assert problems("{proposer}{phone}{title.__class__}{phone}") == (["phone", "title.__class__"], False)
    assert problems("只有一个{") == ([], True)
    with pytest.raises(BanliError) as info:
        check("{proposer}委员：{mobile}")
    assert info.value.field == "body" and "{mobile}" in info.value.zh and "{title}" in info.value.zh
    # Something that slipped past the check is left as typed when used, never a crash.
    assert render("{mobile} {0} {", {"title": "x"}) == "{mobile} {0} {"


def test_a_template_is_filled_with_the_items_fields(world, lead_liaison, gov_office):
    item = make_item(world, state="handling", title="关于加装电梯的建议")
    t = drafting.create_template(gov_office, reply_type="A", name="采纳答复", body=LETTER)
    loaded = item_detail(lead_liaison, item.pk)
    done = fill(t, loaded, lead_assignment(item))
    number = f"{fresh(item).number:04d}"
    d = today()
    assert done.reply_type == "A"
    assert done.body == (f"{item.proposer.name}委员：您提出的《关于加装电梯的建议》（第{number}号）收悉。{world.lead_unit.name}经研究，答复如下……\n"
                         f"{world.lead_unit.name}\n{d.year}年{d.month}月{d.day}日")


# -- templates: the office keeps them --------------------------------------------------------------------

def test_the_office_creates_edits_and_deactivates_a_template(world, gov_office, lead_liaison):
    t = drafting.create_template(gov_office, reply_type="B", name="列入计划", body="{proposer}委员：……", position=2)
    assert_audit("create_reply_template", actor=gov_office, target=t, after={"reply_type": "B", "name": "列入计划", "active": True})

    drafting.update_template(gov_office, t.pk, reply_type="B", name="列入计划（通用）", body="{proposer}委员：您好……", position=2)
    t.refresh_from_db()
    assert (t.name, t.body) == ("列入计划（通用）", "{proposer}委员：您好……")
    row = assert_audit("update_reply_template", actor=gov_office, target=t, before={"name": "列入计划"})
    assert set(row.after) == {"name", "body"}
    # Saved again unchanged: nothing written.
    drafting.update_template(gov_office, t.pk, reply_type="B", name="列入计划（通用）", body="{proposer}委员：您好……", position=2)
    assert AuditRecord.objects.filter(action="update_reply_template").count() == 1

    drafting.set_template_active(gov_office, t.pk, active=False)
    assert_audit("deactivate_reply_template", actor=gov_office, target=t, before={"active": True}, after={"active": False})
    assert list(templates(lead_liaison)) == []
    assert [x.pk for x in templates(gov_office, include_inactive=True)] == [t.pk]
    drafting.set_template_active(gov_office, t.pk, active=True)
    assert [x.pk for x in templates(lead_liaison, reply_type="B")] == [t.pk]
    assert list(templates(lead_liaison, reply_type="A")) == []


@pytest.mark.parametrize("data, field", [
    ({"body": "{proposer}委员：{phone}"}, "body"),
    ({"body": "{proposer"}, "body"),
    ({"body": "  "}, "body"),
    ({"name": ""}, "name"),
    ({"reply_type": "Z"}, "reply_type"),
    ({"position": "x"}, "position"),
])
def test_a_bad_template_is_refused_and_nothing_saved(world, gov_office, data, field):
    with pytest.raises(BanliError) as info:
        drafting.create_template(gov_office, **{"reply_type": "A", "name": "采纳", "body": "{title}", **data})
    assert info.value.field == field
    assert not ReplyTemplate.objects.exists() and not AuditRecord.objects.filter(action__endswith="reply_template").exists()


def test_two_active_templates_of_a_type_cannot_share_a_name(world, gov_office):
    drafting.create_template(gov_office, reply_type="A", name="采纳", body="{title}")
    with pytest.raises(BanliError) as info:
        drafting.create_template(gov_office, reply_type="A", name="采纳", body="{title}")
    assert info.value.field == "name"
    drafting.create_template(gov_office, reply_type="C", name="采纳", body="{title}")  # another type may
    # An inactive one may share it, but cannot come back while the new one is active.
    old = ReplyTemplate.objects.get(reply_type__code="A", name="采纳")
    drafting.set_template_active(gov_office, old.pk, active=False)
    drafting.create_template(gov_office, reply_type="A", name="采纳", body="{title}。")
    with pytest.raises(BanliError) as info:
        drafting.set_template_active(gov_office, old.pk, active=True)
    assert info.value.field == "name"
    old.refresh_from_db()
    assert not old.active


def test_only_the_office_keeps_templates_and_only_staff_read_them(world, gov_office, lead_liaison, lead_head, member):
    t = drafting.create_template(gov_office, reply_type="A", name="采纳", body="{title}")
    for user in (lead_liaison, lead_head, member):
        for attempt in (lambda: drafting.create_template(user, reply_type="A", name="另一个", body="{title}"),
                        lambda: drafting.update_template(user, t.pk, name="改名"),
                        lambda: drafting.set_template_active(user, t.pk, active=False)):
            with pytest.raises(BanliError) as info:
                attempt()
            assert info.value.status == 403
    t.refresh_from_db()
    assert (t.name, t.active, ReplyTemplate.objects.count()) == ("采纳", True, 1)
    with pytest.raises(BanliError) as info:
        list(templates(member))
    assert info.value.status == 403
