"""The proposer's rating, re-handling, "no feedback" after the window, and mediation (rule 9)."""

import datetime

import pytest
from django.utils import timezone

from banli.deadlines.sync import sync_item
from banli.proposals import actions
from banli.proposals.models import CoUnitGrade, Feedback, ItemState, Mediation, Reply
from tests.builders import co_assignment, fresh, last_reply, lead_assignment, make_item, rate, reply, today
from tests.checks import assert_audit, notified, refused


def test_good_feedback_on_a_evaluates_the_item(world, member):
    item = make_item(world, state="replied", reply_type="A")
    r = last_reply(item)

    fb = actions.give_feedback(member, item.pk, reply_id=r.pk, grade="good", agrees=True, comment="办理认真", praise=True,
                               co_grades={world.co_unit.pk: "fair"})

    fb.refresh_from_db()
    assert (fb.reply, fb.item, fb.grade.name, fb.agrees, fb.praise, fb.lapsed, fb.by) == (r, item, "好", True, True, False, member)
    assert [(g.unit, g.grade.name) for g in CoUnitGrade.objects.filter(feedback=fb)] == [(world.co_unit, "较好")]
    item = fresh(item)
    assert item.state == ItemState.EVALUATED
    assert lead_assignment(item).reply_round == 1  # no re-handling
    assert_audit("give_feedback", item=item, actor=member, target=fb, before={"state": "replied"},
                 after={"state": "evaluated", "grade": "good", "agrees": True, "praise": True, "co_grades": {str(world.co_unit.pk): "fair"}})
    with refused("already_rated"):
        actions.give_feedback(member, item.pk, reply_id=r.pk, grade="poor", agrees=False)


@pytest.mark.parametrize("grade, agrees", [("poor", True), ("good", False), ("poor", False)])
def test_poor_grade_or_disagreement_sends_it_to_rehandling(world, member, grade, agrees, django_capture_on_commit_callbacks):
    item = make_item(world, state="replied", reply_type="A")

    with django_capture_on_commit_callbacks(execute=True):
        rate(world, item, grade=grade, agrees=agrees, comment="没有解决实际问题")

    item = fresh(item)
    assert item.state == ItemState.REHANDLING
    lead = lead_assignment(item)
    assert (lead.reply_round, lead.replied_round) == (2, 1)
    assert_audit("give_feedback", item=item, actor=member, before={"state": "replied"}, after={"state": "rehandling", "grade": grade})
    assert notified("rehandling", item) == {"lead_liaison", "lead_head"}


def test_second_reply_and_no_second_rehandling(world, member, lead_liaison):
    item = make_item(world, state="rehandling", reply_type="A")
    lead = lead_assignment(item)
    # The unit contacts the proposer again and sends a second reply.
    actions.record_consultation(lead_liaison, item.pk, assignment=lead.pk, kind="during", form="visit", held_on=today(), participants="王委员")
    second = reply(world, item, lead, "A", body="再次答复：已追加资金")

    assert second.round == 2 and Reply.objects.filter(item=item, state="sent").count() == 2
    item = fresh(item)
    assert item.state == ItemState.REPLIED
    assert_audit("send_reply", item=item, after={"state": "replied", "round": 2}, count=2)

    # Rated poorly again: evaluated, not a third round.
    actions.give_feedback(member, item.pk, reply_id=second.pk, grade="poor", agrees=False, comment="仍不满意")

    item = fresh(item)
    assert item.state == ItemState.EVALUATED
    assert lead_assignment(item).reply_round == 2
    assert Feedback.objects.filter(item=item).count() == 2


def test_feedback_on_c_closes_the_item(world, member):
    item = make_item(world, state="replied", reply_type="C")

    rate(world, item, grade="average", agrees=True)

    item = fresh(item)
    assert item.state == ItemState.CLOSED and item.closed_at is not None
    assert lead_assignment(item).closed_at is not None
    assert_audit("give_feedback", item=item, after={"state": "closed", "grade": "average"})


def test_disagreement_with_a_c_reply_reopens_handling_instead_of_closing(world, member, lead_liaison):
    item = make_item(world, state="replied", reply_type="C")

    rate(world, item, grade="average", agrees=False, comment="应当可以解决")

    item = fresh(item)
    assert item.state == ItemState.REHANDLING and item.closed_at is None
    lead = lead_assignment(item)
    assert lead.closed_at is None and lead.reply_round == 2
    # The unit takes another look and this time plans it: tracked as B from now on.
    reply(world, item, lead, "B")
    rate(world, item, grade="good", agrees=True)
    assert fresh(item).state == ItemState.EVALUATED and fresh(item).reply_type.code == "B"
    actions.report_progress(lead_liaison, item.pk, assignment=lead.pk, text="已列入明年计划")


def test_only_the_lead_proposer_rates(world, cosigner, other_member, lead_liaison):
    item = make_item(world, state="replied", cosigners=[cosigner])
    r = last_reply(item)
    with refused("forbidden"):  # co-signers do not rate
        actions.give_feedback(cosigner, item.pk, reply_id=r.pk, grade="good", agrees=True)
    with refused("forbidden"):
        actions.give_feedback(lead_liaison, item.pk, reply_id=r.pk, grade="good", agrees=True)
    with refused("not_found"):
        actions.give_feedback(other_member, item.pk, reply_id=r.pk, grade="good", agrees=True)


@pytest.mark.parametrize("kw, field", [
    ({"grade": "excellent"}, "grade"),
    ({"agrees": None}, "agrees"),
    ({"co_grades": {"LEAD": "good"}}, "co_grades"),  # the lead unit is not a co-handling unit
    ({"co_grades": {"CO": "splendid"}}, "co_grades"),
    ({"reply_id": 999999}, "reply_id"),
])
def test_feedback_input_is_checked(world, member, kw, field):
    item = make_item(world, state="replied")
    data = {"reply_id": last_reply(item).pk, "grade": "good", "agrees": True, **kw}
    if "co_grades" in kw:
        ids = {"LEAD": world.lead_unit.pk, "CO": world.co_unit.pk}
        data["co_grades"] = {ids[k]: v for k, v in kw["co_grades"].items()}
    with refused("invalid", field=field):
        actions.give_feedback(member, item.pk, **data)


def test_no_rating_before_the_reply(world, member):
    item = make_item(world, state="handling")
    with refused("nothing_to_rate"):
        actions.give_feedback(member, item.pk, reply_id=1, grade="good", agrees=True)


def _backdate(reply, days):
    Reply.objects.filter(pk=reply.pk).update(sent_at=timezone.now() - datetime.timedelta(days=days))
    sync_item(reply.item_id)  # the feedback window is the reply's deadline row, as a step or the daily scan would set it


def test_no_feedback_is_recorded_only_after_the_window(world, gov_office):
    item = make_item(world, state="replied", reply_type="A")
    r = last_reply(item)
    with refused("feedback_window_open"):
        actions.record_no_feedback(gov_office, item.pk, reply_id=r.pk)

    _backdate(r, 60)  # well past 15 working days, whatever the holidays
    fb = actions.record_no_feedback(gov_office, item.pk, reply_id=r.pk)

    fb.refresh_from_db()
    # Never a made-up grade.
    assert (fb.lapsed, fb.grade, fb.agrees, fb.by) == (True, None, None, gov_office)
    assert not CoUnitGrade.objects.filter(feedback=fb).exists()
    assert fresh(item).state == ItemState.EVALUATED
    assert_audit("record_no_feedback", item=item, actor=gov_office, target=fb, before={"state": "replied"},
                 after={"state": "evaluated", "lapsed": True})
    with refused("already_rated"):
        actions.record_no_feedback(gov_office, item.pk, reply_id=r.pk)


def test_no_feedback_on_c_closes_it(world, gov_office):
    item = make_item(world, state="replied", reply_type="C")
    r = last_reply(item)
    _backdate(r, 60)

    actions.record_no_feedback(gov_office, item.pk, reply_id=r.pk)

    assert fresh(item).state == ItemState.CLOSED
    assert Feedback.objects.get(reply=r).grade is None


def test_only_the_office_records_no_feedback(world, lead_liaison, member):
    item = make_item(world, state="replied")
    r = last_reply(item)
    _backdate(r, 60)
    with refused("forbidden"):
        actions.record_no_feedback(lead_liaison, item.pk, reply_id=r.pk)
    with refused("forbidden"):
        actions.record_no_feedback(member, item.pk, reply_id=r.pk)


@pytest.mark.parametrize("who", ["gov_office", "cppcc_office"])
def test_mediation_meeting_is_recorded(world, who):
    item = make_item(world, state="rehandling")
    user = getattr(world, who)

    m = actions.record_mediation(user, item.pk, held_on=today(), participants="区府办、政协提案委、建委、王委员",
                                 outcome="建委承诺三个月内再次答复")

    m.refresh_from_db()
    assert (m.item, m.held_on, m.by) == (item, today(), user)
    assert m.outcome == "建委承诺三个月内再次答复"
    assert_audit("record_mediation", item=item, actor=user, target=m, after={"held_on": str(today())})
    assert fresh(item).state == ItemState.REHANDLING


def test_mediation_refusals(world, gov_office, lead_liaison, npc_office):
    item = make_item(world, state="rehandling")
    kw = {"held_on": today(), "participants": "各方", "outcome": "达成一致"}
    with refused("invalid", field="held_on"):
        actions.record_mediation(gov_office, item.pk, **{**kw, "held_on": today() + datetime.timedelta(days=3)})
    with refused("invalid", field="outcome"):
        actions.record_mediation(gov_office, item.pk, **{**kw, "outcome": ""})
    with refused("forbidden"):
        actions.record_mediation(lead_liaison, item.pk, **kw)
    with refused("not_found"):  # the other assembly's office
        actions.record_mediation(npc_office, item.pk, **kw)
    assert not Mediation.objects.exists()


def test_co_grades_reach_only_the_co_handling_units(world, member):
    item = make_item(world, state="replied", co=True)
    fb = rate(world, item, grade="good", agrees=True, co_grades={co_assignment(item).unit_id: "poor"})
    # A poor grade for a co-handling unit counts in its assessment but does not re-open the lead's reply.
    assert CoUnitGrade.objects.get(feedback=fb).grade.code == "poor"
    assert fresh(item).state == ItemState.EVALUATED
