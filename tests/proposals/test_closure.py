"""Progress updates, closure reports, reopening and conversion of a for-reference reply (rules 10-12)."""

import datetime

import pytest

from banli.proposals import actions
from banli.proposals.models import Assignment, ClosureReport, ItemState, ProgressUpdate, Reply, ReplyApproval
from tests.builders import close_by_report, co_assignment, fresh, lead_assignment, make_item, rate, reply, reply_fields, today
from tests.checks import assert_audit, notified, refused


@pytest.mark.parametrize("code, state", [("A", "replied"), ("A", "evaluated"), ("B", "replied"), ("B", "evaluated")])
def test_progress_updates_for_a_and_b(world, lead_liaison, code, state, django_capture_on_commit_callbacks):
    item = make_item(world, state=state, reply_type=code)
    lead = lead_assignment(item)

    with django_capture_on_commit_callbacks(execute=True):
        p = actions.report_progress(lead_liaison, item.pk, assignment=lead.pk, text="已完成3台电梯的加装。")

    p.refresh_from_db()
    assert (p.item, p.assignment, p.text, p.by) == (item, lead, "已完成3台电梯的加装。", lead_liaison)
    assert_audit("report_progress", item=item, actor=lead_liaison, target=p, after={"unit": world.lead_unit.pk})
    assert notified("report_progress", item) == {"member"}
    assert fresh(item).state == state


def test_no_progress_updates_for_c(world, lead_liaison):
    item = make_item(world, state="replied", reply_type="C")
    with refused("no_progress_due"):
        actions.report_progress(lead_liaison, item.pk, assignment=lead_assignment(item).pk, text="进展")


def test_progress_refusals(world, lead_liaison, co_liaison):
    item = make_item(world, state="evaluated")
    with refused("invalid", field="text"):
        actions.report_progress(lead_liaison, item.pk, assignment=lead_assignment(item).pk, text="")
    with refused("no_progress_due"):  # the co-handling unit reports nothing
        actions.report_progress(co_liaison, item.pk, assignment=co_assignment(item).pk, text="配合中")
    close_by_report(world, item)
    with refused("wrong_state"):
        actions.report_progress(lead_liaison, item.pk, assignment=lead_assignment(item).pk, text="办结后")
    assert not ProgressUpdate.objects.exists()


def test_closure_report_approved_by_the_unit_head_closes_an_a_item(world, lead_liaison, lead_head, django_capture_on_commit_callbacks):
    item = make_item(world, state="evaluated", reply_type="A")
    lead = lead_assignment(item)

    with django_capture_on_commit_callbacks(execute=True):
        report = actions.file_closure_report(lead_liaison, item.pk, assignment=lead.pk, text="试点已完成", done_on=today().isoformat())

    report.refresh_from_db()
    assert (report.state, report.done_on, report.filed_by) == ("pending", today(), lead_liaison)
    assert_audit("file_closure_report", item=item, actor=lead_liaison, target=report, after={"done_on": str(today())})
    assert notified("file_closure_report", item) == {"lead_head"}
    assert fresh(item).state == ItemState.EVALUATED
    with refused("report_pending"):
        actions.file_closure_report(lead_liaison, item.pk, assignment=lead.pk, text="再次报送", done_on=today())

    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_closure_report(lead_head, item.pk, assignment=lead.pk, comment="同意办结")

    report.refresh_from_db()
    assert (report.state, report.decided_by, report.comment) == ("approved", lead_head, "同意办结")
    lead.refresh_from_db()
    assert lead.closed_at is not None and lead.closed_early is False
    item = fresh(item)
    assert item.state == ItemState.CLOSED and item.closed_at is not None
    assert_audit("approve_closure_report", item=item, actor=lead_head, target=report, before={"state": "evaluated"},
                 after={"state": "closed", "closed_early": False})
    assert notified("closed", item) == {"member", "gov_office"}
    with refused("wrong_state"):
        actions.approve_closure_report(lead_head, item.pk, assignment=lead.pk)


def test_closure_report_refusals(world, lead_liaison, lead_head):
    replied = make_item(world, state="replied", reply_type="A")
    with refused("not_rated"):  # the proposer has not rated yet
        actions.file_closure_report(lead_liaison, replied.pk, assignment=lead_assignment(replied).pk, text="完成", done_on=today())
    item = make_item(world, state="evaluated", reply_type="A")
    lead = lead_assignment(item)
    with refused("invalid", field="done_on"):
        actions.file_closure_report(lead_liaison, item.pk, assignment=lead.pk, text="完成", done_on=today() + datetime.timedelta(days=1))
    with refused("no_report"):
        actions.approve_closure_report(lead_head, item.pk, assignment=lead.pk)
    actions.file_closure_report(lead_liaison, item.pk, assignment=lead.pk, text="完成", done_on=today())
    with refused("forbidden"):  # the liaison files, the head approves
        actions.approve_closure_report(lead_liaison, item.pk, assignment=lead.pk)


@pytest.mark.parametrize("days_ahead, early", [(90, True), (0, False)])
def test_b_done_before_the_planned_date_is_closed_early(world, days_ahead, early):
    item = make_item(world, state="handling", reply_type="B")
    reply(world, item, lead_assignment(item), "B", planned_date=today() + datetime.timedelta(days=days_ahead))
    rate(world, item)

    close_by_report(world, item, done_on=today())

    assert lead_assignment(item).closed_early is early
    assert fresh(item).state == ItemState.CLOSED
    assert_audit("approve_closure_report", item=item, after={"state": "closed", "closed_early": early})


def test_unit_head_returns_the_closure_report(world, lead_liaison, lead_head, django_capture_on_commit_callbacks):
    item = make_item(world, state="evaluated", reply_type="A")
    lead = lead_assignment(item)
    report = actions.file_closure_report(lead_liaison, item.pk, assignment=lead.pk, text="基本完成", done_on=today())
    with refused("invalid", field="comment"):
        actions.return_closure_report(lead_head, item.pk, assignment=lead.pk, comment="")

    with django_capture_on_commit_callbacks(execute=True):
        actions.return_closure_report(lead_head, item.pk, assignment=lead.pk, comment="请附验收材料")

    report.refresh_from_db()
    assert (report.state, report.comment, report.decided_by) == ("returned", "请附验收材料", lead_head)
    row = assert_audit("return_closure_report", item=item, actor=lead_head, target=report, before={"state": "pending"},
                       after={"state": "returned"})
    assert row.note == "请附验收材料"
    assert notified("return_closure_report", item) == {"lead_liaison", "lead_head"}
    assert fresh(item).state == ItemState.EVALUATED
    with refused("no_report"):
        actions.return_closure_report(lead_head, item.pk, assignment=lead.pk, comment="再退")
    # Filed again, and approved this time.
    actions.file_closure_report(lead_liaison, item.pk, assignment=lead.pk, text="已完成，附验收材料", done_on=today())
    actions.approve_closure_report(lead_head, item.pk, assignment=lead.pk)
    assert fresh(item).state == ItemState.CLOSED
    assert ClosureReport.objects.filter(item=item).count() == 2


def test_office_reopens_a_closed_item_with_a_reason(world, gov_office, lead_liaison, django_capture_on_commit_callbacks):
    item = make_item(world, state="closed", reply_type="A")
    with refused("invalid", field="reason"):
        actions.reopen(gov_office, item.pk, reason="")
    with refused("forbidden"):
        actions.reopen(lead_liaison, item.pk, reason="我们想重开")

    with django_capture_on_commit_callbacks(execute=True):
        actions.reopen(gov_office, item.pk, reason="群众反映电梯未投入使用")

    item = fresh(item)
    assert item.state == ItemState.EVALUATED and item.closed_at is None
    assert lead_assignment(item).closed_at is None
    row = assert_audit("reopen", item=item, actor=gov_office, before={"state": "closed"}, after={"state": "evaluated"})
    assert row.note == "群众反映电梯未投入使用"
    assert notified("reopen", item) == {"lead_liaison", "lead_head"}
    with refused("wrong_state"):
        actions.reopen(gov_office, item.pk, reason="再开一次")
    # The unit closes it again with a new report.
    close_by_report(world, item)
    assert fresh(item).state == ItemState.CLOSED
    assert ClosureReport.objects.filter(item=item, state="approved").count() == 2


def test_a_c_item_closes_on_feedback_and_needs_no_closure_report(world, lead_liaison):
    item = make_item(world, state="closed", reply_type="C")
    assert lead_assignment(item).closed_at is not None
    with refused("wrong_state"):
        actions.file_closure_report(lead_liaison, item.pk, assignment=lead_assignment(item).pk, text="完成", done_on=today())


def test_a_reopened_c_item_is_closed_again_by_a_closure_report(world, lead_liaison, lead_head, gov_office):
    item = make_item(world, state="closed", reply_type="C")
    actions.reopen(gov_office, item.pk, reason="委员再次反映，需补充办理")
    assert fresh(item).state == ItemState.EVALUATED
    close_by_report(world, item)
    assert fresh(item).state == ItemState.CLOSED
    assert_audit("approve_closure_report", item=item, actor=lead_head, after={"state": "closed"})


def test_conversion_of_c_into_a_is_then_tracked_as_a(world, lead_liaison, lead_head, district_leader, django_capture_on_commit_callbacks):
    item = make_item(world, state="closed", reply_type="C")
    lead = lead_assignment(item)
    with refused("invalid", field="reply_type"):  # C converts into A or B only
        actions.convert_reply_type(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("C"))

    conv = actions.convert_reply_type(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("A", body="条件已成熟，已列入今年实施"))

    conv.refresh_from_db()
    assert (conv.is_conversion, conv.reply_type.code, conv.state, conv.round) == (True, "A", "draft", 1)
    assert_audit("convert_reply_type", item=item, actor=lead_liaison, target=conv, after={"reply_type": "A", "conversion": True})
    assert fresh(item).state == ItemState.CLOSED  # nothing changes until it is sent
    # The same approvals as a new reply of type A: the unit head, not the district leader.
    actions.submit_reply(lead_liaison, item.pk, assignment=lead.pk)
    actions.approve_reply(lead_head, item.pk, assignment=lead.pk)
    assert Reply.objects.get(pk=conv.pk).state == Reply.State.APPROVED
    assert [a.level for a in ReplyApproval.objects.filter(reply=conv)] == ["unit"]

    with django_capture_on_commit_callbacks(execute=True):
        actions.send_reply(lead_liaison, item.pk, assignment=lead.pk)

    item = fresh(item)
    assert item.state == ItemState.EVALUATED and item.reply_type.code == "A" and item.closed_at is None
    lead = lead_assignment(item)
    assert lead.closed_at is None and lead.replied_round == 1
    assert_audit("send_reply", item=item, actor=lead_liaison, before={"state": "closed"}, after={"state": "evaluated", "reply_type": "A"}, count=2)
    # Tracked as A: monthly progress, then a closure report approved by the unit head.
    actions.report_progress(lead_liaison, item.pk, assignment=lead.pk, text="已开工")
    close_by_report(world, item)
    assert fresh(item).state == ItemState.CLOSED
    with refused("not_reference_type"):  # now an A item: nothing more to convert
        actions.convert_reply_type(lead_liaison, item.pk, assignment=lead.pk, **reply_fields("B"))


def test_conversion_only_for_c(world, lead_liaison):
    item = make_item(world, state="evaluated", reply_type="A")
    with refused("not_reference_type"):
        actions.convert_reply_type(lead_liaison, item.pk, assignment=lead_assignment(item).pk, **reply_fields("B"))
    assert not Assignment.objects.filter(item=item, closed_at__isnull=False).exists()
