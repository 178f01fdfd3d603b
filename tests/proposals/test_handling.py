"""Consultations with the proposer (rule 5) and co-handling opinions (rule 6)."""

import datetime

import pytest

from banli.proposals import actions
from banli.proposals.models import Assignment, Consultation, CoOpinion, ItemState, Reply
from tests.builders import co_assignment, consult, fresh, lead_assignment, make_item, reply, reply_fields, today
from tests.checks import assert_audit, notified, refused


def test_consultation_kinds_and_forms(world, lead_liaison):
    item = make_item(world, state="handling")
    lead = lead_assignment(item)
    # Met two days ago: the unit had the item by then (a consultation cannot precede the assignment).
    Assignment.objects.filter(pk=lead.pk).update(assigned_at=lead.assigned_at - datetime.timedelta(days=5))
    held = today() - datetime.timedelta(days=2)
    combos = [(kind, form) for kind in Consultation.Kind.values for form in Consultation.Form.values]

    for n, (kind, form) in enumerate(combos, 1):
        c = actions.record_consultation(lead_liaison, item.pk, assignment=lead.pk, kind=kind, form=form, held_on=held.isoformat(),
                                        participants="王委员、建委副主任", proposer_views="希望尽快启动")

        c.refresh_from_db()
        assert (c.item, c.unit, c.kind, c.form, c.held_on, c.recorded_by) == (item, world.lead_unit, kind, form, held, lead_liaison)
        assert c.proposer_views == "希望尽快启动"
        assert_audit("record_consultation", item=item, actor=lead_liaison, target=c, count=n,
                     after={"kind": kind, "form": form, "held_on": str(held), "unit": world.lead_unit.pk})
    assert len(combos) == 15  # 办前/办中/办后 × 登门、座谈、现场、电话、网络


@pytest.mark.parametrize("field, value", [("kind", "chat"), ("form", "letter"), ("held_on", "tomorrow"), ("participants", " ")])
def test_consultation_input_is_checked(world, lead_liaison, field, value):
    item = make_item(world, state="handling")
    data = {"kind": "before", "form": "visit", "held_on": today(), "participants": "王委员", field: value}
    with refused("invalid", field=field):
        actions.record_consultation(lead_liaison, item.pk, assignment=lead_assignment(item).pk, **data)


def test_a_consultation_cannot_be_recorded_for_a_future_date(world, lead_liaison):
    item = make_item(world, state="handling")
    with refused("invalid", field="held_on"):
        actions.record_consultation(lead_liaison, item.pk, assignment=lead_assignment(item).pk, kind="before", form="visit",
                                    held_on=today() + datetime.timedelta(days=1), participants="王委员")


def test_consultation_needs_a_signed_assignment_of_ones_own_unit(world, lead_liaison, co_liaison, outsider_liaison):
    item = make_item(world, state="assigned")
    lead = lead_assignment(item)
    kw = {"kind": "before", "form": "visit", "held_on": today(), "participants": "王委员"}
    with refused("not_signed"):
        actions.record_consultation(lead_liaison, item.pk, assignment=lead.pk, **kw)
    with refused("forbidden"):
        actions.record_consultation(co_liaison, item.pk, assignment=lead.pk, **kw)
    with refused("not_found"):
        actions.record_consultation(outsider_liaison, item.pk, assignment=lead.pk, **kw)


def test_the_lead_meets_the_proposer_once_signed_even_before_the_co_unit_signs(world, lead_liaison):
    item = make_item(world, state="assigned")
    lead = lead_assignment(item)
    actions.sign(lead_liaison, item.pk, assignment=lead.pk)
    assert fresh(item).state == ItemState.ASSIGNED

    c = consult(world, item, lead)

    assert Consultation.objects.get(pk=c.pk).unit == world.lead_unit


def test_co_handling_unit_sends_its_opinion_to_the_lead(world, co_liaison, django_capture_on_commit_callbacks):
    item = make_item(world, state="handling")
    co = co_assignment(item)

    with django_capture_on_commit_callbacks(execute=True):
        op = actions.send_co_opinion(co_liaison, item.pk, assignment=co.pk, text="同意主办意见，配合做好交通组织。")

    op.refresh_from_db()
    assert (op.assignment, op.text, op.waived, op.by) == (co, "同意主办意见，配合做好交通组织。", False, co_liaison)
    assert_audit("send_co_opinion", item=item, actor=co_liaison, target=op, after={"unit": world.co_unit.pk})
    assert notified("send_co_opinion", item) == {"lead_liaison", "lead_head"}
    with refused("opinion_exists"):
        actions.send_co_opinion(co_liaison, item.pk, assignment=co.pk, text="再次提交")


def test_co_opinion_refusals(world, lead_liaison, co_liaison):
    item = make_item(world, state="assigned")
    co = co_assignment(item)
    with refused("not_signed"):
        actions.send_co_opinion(co_liaison, item.pk, assignment=co.pk, text="意见")
    actions.sign(co_liaison, item.pk, assignment=co.pk)
    with refused("invalid", field="text"):
        actions.send_co_opinion(co_liaison, item.pk, assignment=co.pk, text="")
    actions.sign(lead_liaison, item.pk, assignment=lead_assignment(item).pk)
    with refused("not_co_unit"):
        actions.send_co_opinion(lead_liaison, item.pk, assignment=lead_assignment(item).pk, text="主办不写会办意见")


def _approved_lead_reply(world, item):
    """A lead reply approved and ready to go, with the proposer already met."""
    lead = lead_assignment(item)
    consult(world, item, lead)
    reply(world, item, lead, "A", send=False)
    return lead


def test_the_lead_reply_waits_for_every_co_opinion(world, lead_liaison, co_liaison):
    item = make_item(world, state="handling")
    lead = lead_assignment(item)
    consult(world, item, lead)
    actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("A"))
    actions.submit_reply(lead_liaison, item.pk, assignment=lead.pk)
    actions.approve_reply(world.lead_head, item.pk, assignment=lead.pk)

    with refused("co_opinions_missing") as info:
        actions.send_reply(lead_liaison, item.pk, assignment=lead.pk)
    assert world.co_unit.name in info.value.zh

    actions.send_co_opinion(co_liaison, item.pk, assignment=co_assignment(item).pk, text="同意")
    actions.send_reply(lead_liaison, item.pk, assignment=lead.pk)
    assert fresh(item).state == ItemState.REPLIED


def test_the_office_waives_a_missing_opinion_with_a_reason(world, gov_office, lead_liaison, django_capture_on_commit_callbacks):
    item = make_item(world, state="handling")
    lead = lead_assignment(item)
    consult(world, item, lead)
    actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("A"))
    actions.submit_reply(lead_liaison, item.pk, assignment=lead.pk)
    actions.approve_reply(world.lead_head, item.pk, assignment=lead.pk)
    co = co_assignment(item)
    with refused("invalid", field="reason"):
        actions.waive_co_opinion(gov_office, item.pk, assignment=co.pk, reason="")
    with refused("forbidden"):
        actions.waive_co_opinion(lead_liaison, item.pk, assignment=co.pk, reason="我们等不及了")

    with django_capture_on_commit_callbacks(execute=True):
        op = actions.waive_co_opinion(gov_office, item.pk, assignment=co.pk, reason="会办单位机构调整，经协调豁免")

    op.refresh_from_db()
    assert (op.waived, op.waiver_reason, op.text, op.by) == (True, "会办单位机构调整，经协调豁免", "", gov_office)
    assert_audit("waive_co_opinion", item=item, actor=gov_office, target=op, after={"waived": True, "unit": world.co_unit.pk})
    assert notified("waive_co_opinion", item) == {"lead_liaison", "lead_head", "co_liaison", "co_head"}
    with refused("opinion_exists"):
        actions.waive_co_opinion(gov_office, item.pk, assignment=co.pk, reason="再次豁免")
    # Waived: the co unit cannot send one after all, and the lead can now reply.
    with refused("opinion_exists"):
        actions.send_co_opinion(world.co_liaison, item.pk, assignment=co.pk, text="迟到的意见")
    actions.send_reply(lead_liaison, item.pk, assignment=lead.pk)
    assert fresh(item).state == ItemState.REPLIED


def test_an_opinion_in_cannot_be_waived(world, gov_office, co_liaison):
    item = make_item(world, state="handling")
    co = co_assignment(item)
    actions.send_co_opinion(co_liaison, item.pk, assignment=co.pk, text="同意")
    with refused("opinion_exists"):
        actions.waive_co_opinion(gov_office, item.pk, assignment=co.pk, reason="多余")
    with refused("not_co_unit"):
        actions.waive_co_opinion(gov_office, item.pk, assignment=lead_assignment(item).pk, reason="主办不适用")


@pytest.mark.parametrize("kind, form, by_lead", [
    ("before", "phone", True),  # not face to face
    ("before", "online", True),
    ("during", "visit", True),  # face to face, but not the meeting before the reply
    ("before", "visit", False),  # the co-handling unit met them, not the lead
])
def test_no_reply_without_a_face_to_face_meeting_before(world, lead_liaison, co_liaison, kind, form, by_lead):
    item = make_item(world, state="handling", co=True)
    lead, co = lead_assignment(item), co_assignment(item)
    actions.send_co_opinion(co_liaison, item.pk, assignment=co.pk, text="同意")
    consult(world, item, lead if by_lead else co, kind=kind, form=form)
    actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("A"))
    actions.submit_reply(lead_liaison, item.pk, assignment=lead.pk)
    actions.approve_reply(world.lead_head, item.pk, assignment=lead.pk)

    with refused("no_consultation"):
        actions.send_reply(lead_liaison, item.pk, assignment=lead.pk)
    assert Reply.objects.get(item=item).state == Reply.State.APPROVED

    consult(world, item, lead, kind="before", form="meeting")
    actions.send_reply(lead_liaison, item.pk, assignment=lead.pk)
    assert fresh(item).state == ItemState.REPLIED


def test_a_separate_unit_replies_on_its_own_after_meeting_the_proposer(world):
    """分办: each unit replies on its own and, like a lead unit, meets the proposer first (rule 5:
    its meeting clock runs from its signing); the co-opinion rule binds the lead only."""
    item = make_item(world, state="handling", separate=True)
    for a in item.assignments.all():
        r = actions.draft_reply(world.liaison_of(a.unit), item.pk, assignment=a.pk, **reply_fields("A"))
        actions.submit_reply(world.liaison_of(a.unit), item.pk, assignment=a.pk)
        actions.approve_reply(world.head_of(a.unit), item.pk, assignment=a.pk)
        with refused("no_consultation"):
            actions.send_reply(world.liaison_of(a.unit), item.pk, assignment=a.pk)
        consult(world, item, a)
        actions.send_reply(world.liaison_of(a.unit), item.pk, assignment=a.pk)
        assert Reply.objects.get(pk=r.pk).state == Reply.State.SENT
    assert fresh(item).state == ItemState.REPLIED
    assert not CoOpinion.objects.filter(assignment__item=item).exists()
