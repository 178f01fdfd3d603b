"""The reply: draft per type, unit-leader and district-leader approval, sending, extensions (rule 7)."""

import datetime

import pytest

from banli.workdays.calendar import add_months
from banli.proposals import actions
from banli.proposals.models import ExtensionRequest, ItemState, Reply, ReplyApproval
from tests.builders import (
    answering_assignments, co_assignment, consult, fresh, lead_assignment, make_item, reply, reply_fields, send_co_opinions, today,
)
from tests.checks import assert_audit, audit_rows, notified, refused


def _ready(world, item):
    """Meet the proposer and collect the co-opinions, so only the reply itself is left."""
    lead = lead_assignment(item)
    consult(world, item, lead)
    send_co_opinions(world, item)
    return lead


@pytest.mark.parametrize("code", ["A", "B", "C"])
def test_draft_a_reply_of_each_type(world, lead_liaison, code):
    item = make_item(world, state="handling")
    lead = lead_assignment(item)

    r = actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk, **reply_fields(code))

    r.refresh_from_db()
    assert (r.item, r.assignment, r.reply_type.code, r.state, r.round, r.drafted_by) == (item, lead, code, "draft", 1, lead_liaison)
    assert r.signatory == "张主任" and r.contact_person == "建委联络员"
    if code == "B":
        assert r.planned_date == today() + datetime.timedelta(days=90)
    if code == "C":
        assert r.reference_reason.startswith("受规划条件限制")
    assert_audit("draft_reply", item=item, actor=lead_liaison, target=r, after={"reply_type": code, "round": 1, "conversion": False})


@pytest.mark.parametrize("code, over, field", [
    ("B", {"planned_date": None}, "planned_date"),  # B needs a planned completion date
    ("C", {"reference_reason": ""}, "reference_reason"),  # C needs its reason
    ("A", {"promise": "年内完成"}, "planned_date"),  # a promise says by when
    ("B", {"planned_date": datetime.date(2000, 1, 1)}, "planned_date"),  # not in the past
    ("Z", {}, "reply_type"),
    ("A", {"body": " "}, "body"),
    ("A", {"signatory": ""}, "signatory"),
    ("A", {"recommendation": "withhold"}, "withhold_reason"),  # recommending to withhold needs a reason
])
def test_reply_drafts_are_checked_per_type(world, lead_liaison, code, over, field):
    item = make_item(world, state="handling")
    with refused("invalid", field=field):
        actions.draft_reply(lead_liaison, item.pk, assignment=lead_assignment(item).pk, **reply_fields(code, **over))


def test_redrafting_edits_the_same_draft(world, lead_liaison):
    item = make_item(world, state="handling")
    lead = lead_assignment(item)
    first = actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("A"))

    second = actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("B", body="修改后的答复"))

    assert first.pk == second.pk and Reply.objects.filter(item=item).count() == 1
    second.refresh_from_db()
    assert (second.reply_type.code, second.body) == ("B", "修改后的答复")
    assert_audit("draft_reply", item=item, before={"reply_type": "A"}, after={"reply_type": "B"}, count=2)


def test_only_the_lead_or_separate_unit_replies(world, co_liaison, outsider_liaison):
    item = make_item(world, state="handling")
    with refused("not_replying_unit"):
        actions.draft_reply(co_liaison, item.pk, assignment=co_assignment(item).pk, **reply_fields("A"))
    with refused("not_found"):
        actions.draft_reply(outsider_liaison, item.pk, assignment=lead_assignment(item).pk, **reply_fields("A"))


def test_type_c_goes_to_the_unit_head_then_the_district_leader(world, lead_liaison, lead_head, district_leader,
                                                               django_capture_on_commit_callbacks):
    item = make_item(world, state="handling")
    lead = _ready(world, item)
    r = actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("C"))

    with django_capture_on_commit_callbacks(execute=True):
        actions.submit_reply(lead_liaison, item.pk, assignment=lead.pk)
    assert Reply.objects.get(pk=r.pk).state == Reply.State.PENDING_UNIT
    assert_audit("submit_reply", item=item, actor=lead_liaison, target=r, before={"state": "draft"}, after={"state": "pending_unit"})
    assert notified("submit_reply", item) == {"lead_head"}
    with refused("no_reply_here"):
        actions.submit_reply(lead_liaison, item.pk, assignment=lead.pk)
    with refused("reply_in_approval"):  # no changes while it is being approved
        actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("C", body="偷偷改"))

    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_reply(lead_head, item.pk, assignment=lead.pk, comment="同意")
    assert Reply.objects.get(pk=r.pk).state == Reply.State.PENDING_LEADER
    assert_audit("approve_reply", item=item, actor=lead_head, before={"state": "pending_unit"}, after={"state": "pending_leader", "level": "unit"})
    assert notified("approve_reply", item) == {"district_leader"}
    with refused("no_reply_here"):
        actions.approve_reply(lead_head, item.pk, assignment=lead.pk)
    with refused("no_reply_here"):  # the leader's approval is still missing
        actions.send_reply(lead_liaison, item.pk, assignment=lead.pk)

    actions.leader_approve_reply(district_leader, item.pk, assignment=lead.pk, comment="同意留作参考")

    assert Reply.objects.get(pk=r.pk).state == Reply.State.APPROVED
    assert [(a.level, a.decision, a.by) for a in ReplyApproval.objects.filter(reply=r)] == [
        ("unit", "approved", lead_head), ("district", "approved", district_leader)]
    assert_audit("leader_approve_reply", item=item, actor=district_leader, before={"state": "pending_leader"},
                 after={"state": "approved", "level": "district"})
    with refused("no_reply_here"):
        actions.leader_approve_reply(district_leader, item.pk, assignment=lead.pk)


def test_a_c_reply_is_approved_by_the_units_own_district_leader_only(world, lead_liaison, lead_head, other_leader, co_head):
    item = make_item(world, state="handling")
    lead = _ready(world, item)
    actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("C"))
    actions.submit_reply(lead_liaison, item.pk, assignment=lead.pk)
    with refused("forbidden"):  # the head of another unit
        actions.approve_reply(co_head, item.pk, assignment=lead.pk)
    with refused("forbidden"):
        actions.approve_reply(lead_liaison, item.pk, assignment=lead.pk)
    actions.approve_reply(lead_head, item.pk, assignment=lead.pk)
    with refused("not_found"):  # not in their portfolio
        actions.leader_approve_reply(other_leader, item.pk, assignment=lead.pk)
    with refused("forbidden"):
        actions.leader_approve_reply(lead_head, item.pk, assignment=lead.pk)


def test_type_a_skips_the_district_leader(world, lead_liaison, lead_head, district_leader):
    item = make_item(world, state="handling")
    lead = _ready(world, item)
    r = actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("A"))
    actions.submit_reply(lead_liaison, item.pk, assignment=lead.pk)

    actions.approve_reply(lead_head, item.pk, assignment=lead.pk)

    assert Reply.objects.get(pk=r.pk).state == Reply.State.APPROVED
    assert [a.level for a in ReplyApproval.objects.filter(reply=r)] == ["unit"]
    # Nothing waits for the district leader: their "approval" writes nothing.
    with refused("no_reply_here"):
        actions.leader_approve_reply(district_leader, item.pk, assignment=lead.pk)
    assert not ReplyApproval.objects.filter(reply=r, level="district").exists()


def test_unit_head_returns_the_reply_with_a_comment(world, lead_liaison, lead_head, django_capture_on_commit_callbacks):
    item = make_item(world, state="handling")
    lead = lead_assignment(item)
    r = actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("A"))
    actions.submit_reply(lead_liaison, item.pk, assignment=lead.pk)
    with refused("invalid", field="comment"):
        actions.return_reply(lead_head, item.pk, assignment=lead.pk, comment="")

    with django_capture_on_commit_callbacks(execute=True):
        actions.return_reply(lead_head, item.pk, assignment=lead.pk, comment="请补充资金来源")

    assert Reply.objects.get(pk=r.pk).state == Reply.State.DRAFT
    approval = ReplyApproval.objects.get(reply=r)
    assert (approval.level, approval.decision, approval.comment, approval.by) == ("unit", "returned", "请补充资金来源", lead_head)
    row = assert_audit("return_reply", item=item, actor=lead_head, before={"state": "pending_unit"}, after={"state": "draft"})
    assert row.note == "请补充资金来源"
    assert notified("return_reply", item) == {"lead_liaison", "lead_head"}
    with refused("no_reply_here"):
        actions.return_reply(lead_head, item.pk, assignment=lead.pk, comment="再退一次")
    # Back in draft: the liaison revises and submits again.
    actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("A", body="补充了资金来源的答复"))
    actions.submit_reply(lead_liaison, item.pk, assignment=lead.pk)
    assert Reply.objects.get(pk=r.pk).state == Reply.State.PENDING_UNIT


def test_district_leader_returns_a_c_reply(world, lead_liaison, lead_head, district_leader):
    item = make_item(world, state="handling")
    lead = lead_assignment(item)
    r = actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("C"))
    actions.submit_reply(lead_liaison, item.pk, assignment=lead.pk)
    actions.approve_reply(lead_head, item.pk, assignment=lead.pk)

    actions.leader_return_reply(district_leader, item.pk, assignment=lead.pk, comment="能否列入明年计划？")

    assert Reply.objects.get(pk=r.pk).state == Reply.State.DRAFT
    assert ReplyApproval.objects.filter(reply=r, level="district", decision="returned").count() == 1
    assert_audit("leader_return_reply", item=item, actor=district_leader, after={"state": "draft", "level": "district"})


def test_sending_the_reply_moves_the_item_to_replied(world, lead_liaison, django_capture_on_commit_callbacks):
    item = make_item(world, state="handling")
    lead = _ready(world, item)
    r = actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("B"))
    actions.submit_reply(lead_liaison, item.pk, assignment=lead.pk)
    actions.approve_reply(world.lead_head, item.pk, assignment=lead.pk)

    with django_capture_on_commit_callbacks(execute=True):
        actions.send_reply(lead_liaison, item.pk, assignment=lead.pk)

    r.refresh_from_db()
    item = fresh(item)
    assert r.state == Reply.State.SENT and r.sent_at is not None
    assert item.state == ItemState.REPLIED and item.reply_type.code == "B" and item.replied_at == r.sent_at
    assert lead_assignment(item).replied_round == 1
    assert_audit("send_reply", item=item, actor=lead_liaison, target=r, before={"state": "handling", "reply_type": None},
                 after={"state": "replied", "reply_type": "B", "round": 1})
    assert notified("replied", item) == {"member"}
    with refused("wrong_state"):
        actions.send_reply(lead_liaison, item.pk, assignment=lead.pk)
    with refused("wrong_state"):
        actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("A"))


def test_the_reply_cannot_be_sent_before_approval(world, lead_liaison):
    item = make_item(world, state="handling")
    lead = _ready(world, item)
    actions.draft_reply(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("A"))
    with refused("no_reply_here"):
        actions.send_reply(lead_liaison, item.pk, assignment=lead.pk)
    actions.submit_reply(lead_liaison, item.pk, assignment=lead.pk)
    with refused("no_reply_here"):
        actions.send_reply(lead_liaison, item.pk, assignment=lead.pk)
    with refused("forbidden"):  # the head approves; the liaison sends
        actions.send_reply(world.lead_head, item.pk, assignment=lead.pk)


def test_with_separate_units_the_item_is_replied_once_all_have_sent(world):
    item = make_item(world, state="handling", separate=True)
    first, second = answering_assignments(item)
    reply(world, item, first, "A")
    assert fresh(item).state == ItemState.HANDLING
    reply(world, item, second, "C")
    assert fresh(item).state == ItemState.REPLIED


def test_extension_request_within_the_maximum(world, lead_liaison, gov_office, django_capture_on_commit_callbacks):
    item = make_item(world, state="handling")
    lead = lead_assignment(item)
    latest = add_months(today(), 6)  # default: at most 6 months from assignment
    assert lead.reply_due == add_months(today(), 3)

    with django_capture_on_commit_callbacks(execute=True):
        req = actions.request_extension(lead_liaison, item.pk, assignment=lead.pk, requested_due=latest.isoformat(), reason="需待年度预算批复")

    req.refresh_from_db()
    assert (req.state, req.requested_due, req.previous_due, req.requested_by) == ("pending", latest, lead.reply_due, lead_liaison)
    assert_audit("request_extension", item=item, actor=lead_liaison, target=req, after={"requested_due": str(latest)})
    assert notified("request_extension", item) == {"gov_office"}
    with refused("extension_pending"):
        actions.request_extension(lead_liaison, item.pk, assignment=lead.pk, requested_due=latest, reason="再次申请")

    with django_capture_on_commit_callbacks(execute=True):
        actions.decide_extension(gov_office, item.pk, assignment=lead.pk, approve=True, note="同意")

    req.refresh_from_db()
    assert req.state == ExtensionRequest.State.APPROVED and req.decided_by == gov_office
    assert lead_assignment(item).reply_due == latest
    assert_audit("decide_extension", item=item, actor=gov_office, target=req, before={"reply_due": str(add_months(today(), 3))},
                 after={"reply_due": str(latest), "state": "approved"})
    assert notified("decide_extension", item) == {"lead_liaison", "lead_head"}
    with refused("no_extension"):  # nothing pending any more: the table no longer offers it
        actions.decide_extension(gov_office, item.pk, assignment=lead.pk, approve=True)


@pytest.mark.parametrize("due, field", [
    (lambda: add_months(today(), 6) + datetime.timedelta(days=1), "requested_due"),  # beyond the maximum
    (lambda: add_months(today(), 3), "requested_due"),  # not later than the deadline in force
    (lambda: "31/12", "requested_due"),
])
def test_extension_beyond_the_maximum_is_refused(world, lead_liaison, due, field):
    item = make_item(world, state="handling")
    with refused("invalid", field=field):
        actions.request_extension(lead_liaison, item.pk, assignment=lead_assignment(item).pk, requested_due=due(), reason="理由")


def test_refused_extension_keeps_the_deadline(world, lead_liaison, gov_office):
    item = make_item(world, state="handling")
    lead = lead_assignment(item)
    actions.request_extension(lead_liaison, item.pk, assignment=lead.pk, requested_due=add_months(today(), 4), reason="需要更多时间")
    with refused("forbidden"):
        actions.decide_extension(lead_liaison, item.pk, assignment=lead.pk, approve=True)

    actions.decide_extension(gov_office, item.pk, assignment=lead.pk, approve=False, note="请按期答复")

    assert lead_assignment(item).reply_due == add_months(today(), 3)
    assert ExtensionRequest.objects.get(assignment=lead).state == ExtensionRequest.State.REFUSED
    assert len(audit_rows("decide_extension", item)) == 1


def test_no_extension_once_replied(world, lead_liaison):
    item = make_item(world, state="replied")
    with refused("wrong_state"):
        actions.request_extension(lead_liaison, item.pk, assignment=lead_assignment(item).pk, requested_due=add_months(today(), 4), reason="晚了")
