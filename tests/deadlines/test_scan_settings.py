"""The daily scan as of its own date (`run_scan --date`), and the reminder, escalation and
"no feedback" settings each session carries (DOMAIN.md §5, §4 rule 9: *default* numbers are
per-session settings, admin → 会次 → 办理时限设置)."""

import datetime
import io

import pytest
from django.core.management import call_command

from banli.audit.models import AuditRecord
from banli.workdays.calendar import add_working_days
from banli.deadlines.models import Deadline
from banli.deadlines.scan import run_scan
from banli.proposals import actions
from banli.proposals.models import Feedback
from tests.builders import fresh, make_item

pytestmark = pytest.mark.django_db


def _replied(world, **kw):
    """An item whose reply went out today, and the due date of the proposer's rating."""
    item = make_item(world, "replied", co=False, reply_type="C", **kw)
    reply = item.replies.get()
    return item, reply, Deadline.objects.get(key=f"feedback:{reply.pk}").due_on


# -- "no feedback" as of the scan's date ---------------------------------------------------------

def test_a_scan_dated_after_the_lapse_records_no_feedback(world, django_capture_on_commit_callbacks):
    item, reply, due = _replied(world)
    # Four late working days of asking again: not yet.
    assert run_scan(add_working_days(due, 4))["feedback_lapsed"] == 0
    assert not Feedback.objects.filter(reply=reply).exists()
    lapsed_on = add_working_days(due, 5)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_scan(lapsed_on)["feedback_lapsed"] == 1
    fb = Feedback.objects.get(reply=reply)
    assert (fb.lapsed, fb.grade, fb.by) == (True, None, None)
    audit = AuditRecord.objects.get(item=item, action="record_no_feedback")
    assert audit.actor is None and audit.after["as_of"] == lapsed_on.isoformat()
    assert fresh(item).state == "closed"  # type C closes once the window has lapsed
    assert run_scan(lapsed_on)["feedback_lapsed"] == 0


def test_a_scan_dated_before_the_lapse_records_nothing(world):
    item, reply, due = _replied(world)
    assert run_scan(due)["feedback_lapsed"] == 0
    assert run_scan(add_working_days(due, 2))["feedback_lapsed"] == 0
    assert not Feedback.objects.filter(reply=reply).exists() and fresh(item).state == "replied"


def test_run_scan_date_reaches_the_no_feedback_step(world):
    item, reply, due = _replied(world)
    out = io.StringIO()
    call_command("run_scan", date=add_working_days(due, 5).isoformat(), stdout=out)
    assert "feedback_lapsed=1" in out.getvalue()
    assert Feedback.objects.get(reply=reply).lapsed


def test_the_office_records_no_feedback_as_of_today_only(world, gov_office):
    item, reply, due = _replied(world)
    with pytest.raises(ValueError):
        actions.record_no_feedback(gov_office, item.pk, reply_id=reply.pk, on=due + datetime.timedelta(days=60))
    assert not Feedback.objects.filter(reply=reply).exists()


# -- reminders, escalation and the asking-again are settings of each session ------------------------

def _policy(session, **values):
    from banli.org.models import SessionPolicy

    policy = SessionPolicy.for_session(session)
    for k, v in values.items():
        setattr(policy, k, v)
    policy.save()
    return policy


def _signing_due_on(world, due, **kw):
    """An assigned item whose lead unit's signing falls due on `due` (a fixed date: the scan
    judges by its own date, whatever the wall clock says)."""
    from django.utils import timezone

    from banli.deadlines.sync import sync_item
    from banli.proposals.models import Assignment

    item = make_item(world, "assigned", co=False, **kw)
    lead = item.assignments.get()
    start = due
    while add_working_days(start, 5) != due:
        start -= datetime.timedelta(days=1)
    Assignment.objects.filter(pk=lead.pk).update(assigned_at=timezone.make_aware(datetime.datetime.combine(start, datetime.time(10))))
    sync_item(item.pk)
    row = Deadline.objects.get(key=f"sign:{lead.pk}")
    assert row.due_on == due
    return item, row


def _stages(row, first, last, capture):
    from banli.deadlines.models import ReminderLog

    day = first
    while day <= last:
        with capture(execute=True):
            run_scan(day)
        day += datetime.timedelta(days=1)
    return {day: stage for day, stage in ReminderLog.objects.filter(deadline=row).values_list("on_date", "stage")}


def test_reminder_days_and_escalation_follow_each_sessions_settings(world, django_capture_on_commit_callbacks):
    from banli.notify.models import Notification

    due = datetime.date(2025, 6, 18)  # a Wednesday with no holiday within two weeks either side
    _policy(world.cppcc_session, remind_first_working_days=3, remind_second_working_days=2, escalate_after_working_days=2)
    changed, changed_row = _signing_due_on(world, due)
    kept, kept_row = _signing_due_on(world, due, assembly="npc")  # the NPC session keeps the defaults
    first, last = add_working_days(due, -7), add_working_days(due, 6)
    changed_stages = _stages(changed_row, first, last, django_capture_on_commit_callbacks)
    kept_stages = {d: s for d, s in _stages(kept_row, first, last, django_capture_on_commit_callbacks).items()}
    wd = lambda n: add_working_days(due, n)  # noqa: E731

    assert {d: s for d, s in changed_stages.items() if d < due} == {wd(-3): "before5", wd(-2): "before1"}
    assert {d: s for d, s in kept_stages.items() if d < due} == {wd(-5): "before5", wd(-1): "before1"}
    assert changed_stages[due] == kept_stages[due] == "due"
    assert [changed_stages[wd(n)] for n in range(1, 7)] == ["late"] + ["escalated"] * 5
    assert [kept_stages[wd(n)] for n in range(1, 7)] == ["late"] * 4 + ["escalated"] * 2
    # Escalation tells the unit leader and the office as well: from the 2nd late day here, the 5th there.
    told = lambda item: set(Notification.objects.filter(kind="reminder_escalated", item=item).values_list("recipient__username", flat=True))  # noqa: E731
    assert {"lead_head", "gov_office"} <= told(changed) and {"lead_head", "gov_office"} <= told(kept)


def test_no_feedback_is_recorded_after_each_sessions_asking_again(world):
    _policy(world.cppcc_session, no_feedback_after_working_days=2)
    changed, changed_reply, due = _replied(world)
    kept, kept_reply, kept_due = _replied(world, assembly="npc")
    assert kept_due == due
    assert run_scan(add_working_days(due, 1))["feedback_lapsed"] == 0
    assert run_scan(add_working_days(due, 2))["feedback_lapsed"] == 1
    assert Feedback.objects.get(reply=changed_reply).lapsed and not Feedback.objects.filter(reply=kept_reply).exists()
    assert run_scan(add_working_days(due, 4))["feedback_lapsed"] == 0
    assert run_scan(add_working_days(due, 5))["feedback_lapsed"] == 1
    assert Feedback.objects.get(reply=kept_reply).lapsed


def test_a_question_follows_the_current_session_of_the_askers_assembly(world, django_capture_on_commit_callbacks):
    """A question (有问必答) belongs to no session: its reminders follow the current session of the
    asker's assembly (the defaults where there is none)."""
    _policy(world.cppcc_session, remind_first_working_days=2, remind_second_working_days=0)
    _policy(world.npc_session, remind_first_working_days=9, remind_second_working_days=8)
    q = actions.ask_question(world.member, subject="关于电梯补贴", body="补贴标准是什么？", to_unit_id=world.lead_unit.pk)
    row = Deadline.objects.get(key=f"question:{q.pk}")
    stages = _stages(row, add_working_days(row.due_on, -2), add_working_days(row.due_on, -1), django_capture_on_commit_callbacks)
    assert stages == {add_working_days(row.due_on, -2): "before5"}  # the second reminder is off (0)


def test_the_reminders_take_a_fixed_number_of_queries_whatever_the_sessions(world, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from banli.deadlines import scan

    due = datetime.date(2025, 6, 18)
    _policy(world.cppcc_session, remind_first_working_days=3)
    _signing_due_on(world, due)

    def queries(day):
        with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks(execute=False):
            scan.send_reminders(day, scan.Policies.load())
        return len(ctx)

    add_working_days(due, 1)  # the calendar's table is cached before counting
    one = queries(add_working_days(due, -3))
    _policy(world.npc_session, remind_first_working_days=4)
    _signing_due_on(world, due, assembly="npc")
    _signing_due_on(world, add_working_days(due, 1))
    assert queries(add_working_days(due, -2)) == one  # three rows in two sessions, two kinds of settings
