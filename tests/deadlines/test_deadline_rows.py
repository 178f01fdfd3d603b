"""Deadline rows follow the records, action by action; late milestones leave permanent overdue
events; the daily scan reminds on DOMAIN.md §5's schedule and never twice on a day."""

import datetime

import pytest
from django.utils import timezone

from banli.workdays.calendar import add_months, add_working_days, is_working_day, working_days_between
from banli.deadlines.models import Deadline, OverdueEvent, ReminderLog
from banli.deadlines.scan import run_scan
from banli.deadlines.sync import sync_item
from banli.notify.models import Notification
from banli.proposals import actions
from banli.proposals.models import Assignment
from tests.builders import co_assignment, fresh, lead_assignment, make_item, rate

pytestmark = pytest.mark.django_db


def row(key):
    return Deadline.objects.get(key=key)


def local(dt):
    return timezone.localtime(dt).date()


def test_assignment_opens_signing_deadlines_and_signing_meets_them(world):
    item = make_item(world, "assigned")
    lead, co = lead_assignment(item), co_assignment(item)
    d = row(f"sign:{lead.pk}")
    assert (d.kind, d.unit_id, d.state) == ("sign", world.lead_unit.pk, "open")
    assert d.due_on == add_working_days(local(lead.assigned_at), 5)
    assert row(f"co_opinion:{co.pk}").due_on == add_months(local(co.assigned_at), 1)
    assert row(f"reply:{lead.pk}").due_on == lead.reply_due
    assert not Deadline.objects.filter(key=f"consult:{lead.pk}").exists()  # opens at signing

    actions.sign(world.lead_liaison, item.pk, assignment=lead.pk)
    lead.refresh_from_db()
    d.refresh_from_db()
    assert (d.state, d.met_on) == ("met", local(lead.signed_at))
    consult = row(f"consult:{lead.pk}")
    assert consult.state == "open" and consult.due_on == add_working_days(local(lead.signed_at), 15)
    assert not OverdueEvent.objects.exists()


def test_late_signing_leaves_a_permanent_overdue_event(world):
    item = make_item(world, "assigned", co=False)
    lead = lead_assignment(item)
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Assignment.objects.filter(pk=lead.pk).update(assigned_at=long_ago)
    sync_item(item.pk)
    d = row(f"sign:{lead.pk}")
    assert d.state == "late"
    event = OverdueEvent.objects.get(deadline=d)
    assert (event.kind, event.unit_id, event.item_id, event.done_on) == ("sign", world.lead_unit.pk, item.pk, None)
    assert event.label == "超期接收"
    assert event.days_late == working_days_between(d.due_on, timezone.localdate())

    actions.sign(world.lead_liaison, item.pk, assignment=lead.pk)
    d.refresh_from_db()
    event.refresh_from_db()
    assert d.state == "met" and event.done_on == timezone.localdate()
    assert event.days_late == working_days_between(d.due_on, timezone.localdate()) > 0
    # Permanent: later steps never remove it.
    actions.record_consultation(world.lead_liaison, item.pk, assignment=lead.pk, kind="before", form="visit", held_on=timezone.localdate(), participants="双方")
    assert OverdueEvent.objects.filter(deadline=d).count() == 1


def test_an_approved_extension_moves_the_reply_deadline(world):
    item = make_item(world, "handling", co=False)
    lead = lead_assignment(item)
    new_due = lead.reply_due + datetime.timedelta(days=30)
    actions.request_extension(world.lead_liaison, item.pk, assignment=lead.pk, requested_due=new_due, reason="需要调研")
    assert row(f"reply:{lead.pk}").due_on == lead.reply_due
    actions.decide_extension(world.gov_office, item.pk, assignment=lead.pk, approve=True, note="同意")
    assert row(f"reply:{lead.pk}").due_on == new_due


def test_reply_feedback_and_progress_milestones(world):
    item = make_item(world, "replied", co=False, reply_type="A")
    lead = lead_assignment(item)
    reply = item.replies.get()
    assert row(f"reply:{lead.pk}").state == "met"
    fb = row(f"feedback:{reply.pk}")
    assert fb.state == "open" and fb.unit_id is None and fb.due_on == add_working_days(local(reply.sent_at), 15)
    # The office decides on publishing each replying unit's reply (rule 3), 20 working days from it.
    publish = row(f"publish:{lead.pk}")
    assert (publish.kind, publish.assignment_id, publish.due_on) == ("publication", lead.pk, add_working_days(local(reply.sent_at), 20))
    progress = row(f"progress:{lead.pk}:0")
    assert progress.due_on == add_months(local(reply.sent_at), 1)  # type A: monthly

    rate(world, item, grade="good")
    assert row(f"feedback:{reply.pk}").state == "met"
    actions.report_progress(world.lead_liaison, item.pk, assignment=lead.pk, text="已开工")
    assert row(f"progress:{lead.pk}:0").state == "met"
    assert row(f"progress:{lead.pk}:1").state == "open"


def test_withdrawal_waives_what_is_still_open(world):
    item = make_item(world, "handling", co=False)
    actions.request_withdrawal(world.member, item.pk, reason="已解决")
    actions.decide_withdrawal(world.cppcc_office, item.pk, approve=True)
    open_rows = Deadline.objects.filter(item=item, state__in=["open", "late"])
    assert not open_rows.exists()
    assert Deadline.objects.filter(item=item, state="waived").exists()


def test_repeated_sync_changes_nothing(world):
    item = make_item(world, "evaluated", reply_type="B")
    before = list(Deadline.objects.filter(item=item).order_by("key").values())
    sync_item(item.pk)
    sync_item(item.pk)
    assert list(Deadline.objects.filter(item=item).order_by("key").values()) == before


def _sign_deadline_due_on(world, due):
    """An assigned item whose lead unit's signing deadline falls on `due`."""
    item = make_item(world, "assigned", co=False)
    lead = lead_assignment(item)
    start = due
    while add_working_days(start, 5) != due:
        start -= datetime.timedelta(days=1)
    Assignment.objects.filter(pk=lead.pk).update(assigned_at=timezone.make_aware(datetime.datetime.combine(start, datetime.time(10))))
    sync_item(item.pk)
    d = row(f"sign:{lead.pk}")
    assert d.due_on == due
    return item, d


def test_the_whole_reminder_schedule_across_national_day(world, django_capture_on_commit_callbacks):
    """Due on 2025-09-30, the last working day before the 2025 National Day holiday (Oct 1-8 off;
    Sun Sep 28 and Sat Oct 11 swapped working days): reminders 5 and 1 working days before, on the
    day, every working day while late, escalation from the 5th late working day, nothing on days off."""
    D = datetime.date
    assert is_working_day(D(2025, 9, 28)) and not is_working_day(D(2025, 10, 3)) and is_working_day(D(2025, 10, 11))
    item, d = _sign_deadline_due_on(world, datetime.date(2025, 9, 30))
    day = datetime.date(2025, 9, 15)
    while day <= datetime.date(2025, 10, 20):
        with django_capture_on_commit_callbacks(execute=True):
            run_scan(day)
        day += datetime.timedelta(days=1)
    stages = dict(ReminderLog.objects.filter(deadline=d).values_list("on_date", "stage"))
    # 5 working days before: Sep 24 (Sep 28, a Sunday, is one of the five); 1 before: Sep 29.
    assert stages[D(2025, 9, 24)] == "before5" and stages[D(2025, 9, 29)] == "before1" and stages[D(2025, 9, 30)] == "due"
    assert D(2025, 9, 23) not in stages and D(2025, 9, 28) not in stages
    assert stages[D(2025, 10, 9)] == "late"  # first working day after the holiday
    assert stages[D(2025, 10, 11)] == "late"  # the swapped working Saturday counts
    assert stages[D(2025, 10, 13)] == "late"
    assert stages[D(2025, 10, 14)] == "escalated"  # late working days: Oct 9, 10, 11, 13, 14
    assert not any(D(2025, 10, n) in stages for n in range(1, 9)) and D(2025, 10, 12) not in stages
    assert all(is_working_day(day) for day in stages), "no reminders on days off"
    late_days = [day for day, s in stages.items() if s in ("late", "escalated")]
    assert late_days == sorted(day for day in late_days) and len(late_days) == working_days_between(D(2025, 9, 30), D(2025, 10, 20))
    # Escalation tells the unit leader and the office as well as the liaison.
    escalated = Notification.objects.filter(kind="reminder_escalated", item=item)
    assert {n.recipient.username for n in escalated} >= {"lead_liaison", "lead_head", "gov_office"}
    plain = Notification.objects.filter(kind="reminder_before5", item=item)
    assert {n.recipient.username for n in plain} == {"lead_liaison"}


def test_the_scan_is_idempotent(world, django_capture_on_commit_callbacks):
    item, d = _sign_deadline_due_on(world, add_working_days(timezone.localdate(), 1))
    today = timezone.localdate()
    while not is_working_day(today):
        today -= datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = run_scan(today)
    counts = (ReminderLog.objects.count(), Notification.objects.count(), OverdueEvent.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        second = run_scan(today)
    assert first["reminded"] >= 1 and second["reminded"] == 0
    assert (ReminderLog.objects.count(), Notification.objects.count(), OverdueEvent.objects.count()) == counts


def test_the_scan_marks_late_and_records_the_overdue_event(world):
    item, d = _sign_deadline_due_on(world, add_working_days(timezone.localdate(), 8))
    later = d.due_on + datetime.timedelta(days=9)
    run_scan(later)
    d.refresh_from_db()
    event = OverdueEvent.objects.get(deadline=d)
    assert d.state == "late" and event.days_late == working_days_between(d.due_on, later) and event.done_on is None
    run_scan(later + datetime.timedelta(days=7))
    event.refresh_from_db()
    assert event.days_late == working_days_between(d.due_on, later + datetime.timedelta(days=7))


def test_a_question_has_an_answer_deadline_met_by_the_answer(world):
    q = actions.ask_question(world.member, subject="关于电梯补贴", body="补贴标准是什么？", to_unit_id=world.lead_unit.pk)
    d = Deadline.objects.get(key=f"question:{q.pk}")
    assert (d.kind, d.unit_id, d.state) == ("question", world.lead_unit.pk, "open")
    assert d.due_on == add_working_days(local(q.asked_at), 3)
    actions.answer_question(world.lead_liaison, q.pk, answer="按每台15万元补贴。")
    d.refresh_from_db()
    assert d.state == "met" and d.met_on == timezone.localdate()
    # The unit sees it on its supervision list while open; late answers leave an overdue record.
    late_q = actions.ask_question(world.member, subject="迟答", body="？", to_unit_id=world.lead_unit.pk)
    type(late_q).objects.filter(pk=late_q.pk).update(asked_at=timezone.now() - datetime.timedelta(days=20))
    late_q.refresh_from_db()
    actions.answer_question(world.lead_liaison, late_q.pk, answer="答复")
    event = OverdueEvent.objects.get(deadline__key=f"question:{late_q.pk}")
    assert event.label == "超期答复提问" and event.unit_id == world.lead_unit.pk and event.days_late > 0


def test_the_scan_records_no_feedback_after_asking_again(world, django_capture_on_commit_callbacks):
    from banli.audit.models import AuditRecord
    from banli.proposals.models import Feedback, Reply

    item = make_item(world, "replied", co=False, reply_type="C")
    reply = item.replies.get()
    Reply.objects.filter(pk=reply.pk).update(sent_at=timezone.now() - datetime.timedelta(days=60))
    sync_item(item.pk)
    today = timezone.localdate()
    while not is_working_day(today):
        today -= datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        result = run_scan(today)
    assert result["feedback_lapsed"] == 1
    fb = Feedback.objects.get(reply=reply)
    assert fb.lapsed and fb.grade is None and fb.agrees is None and fb.by is None
    assert fresh(item).state == "closed"  # a C reply closes once feedback is in or lapsed
    row = AuditRecord.objects.get(item=item, action="record_no_feedback")
    assert row.actor is None and row.after["lapsed"] is True
    assert Deadline.objects.get(key=f"feedback:{reply.pk}").state == "met"
    # The proposer was asked again before: late reminders went to them.
    assert Notification.objects.filter(recipient=world.member, kind__startswith="reminder_", item=item).exists()
    assert run_scan(today)["feedback_lapsed"] == 0


def test_no_feedback_is_not_recorded_while_the_proposer_is_still_being_asked(world):
    from banli.proposals.models import Feedback, Reply

    item = make_item(world, "replied", co=False)
    reply = item.replies.get()
    # Sent 16 working days ago: the 15-day window has just lapsed; the asking-again days have not.
    sent = add_working_days(timezone.localdate(), -16)
    Reply.objects.filter(pk=reply.pk).update(sent_at=timezone.make_aware(datetime.datetime.combine(sent, datetime.time(10))))
    sync_item(item.pk)
    assert run_scan(timezone.localdate())["feedback_lapsed"] == 0
    assert not Feedback.objects.filter(reply=reply).exists()


def test_each_limit_counts_in_the_unit_the_session_sets(world):
    """The office can count a limit in working days, calendar days or months (admin: 会次 → 办理时限设置)."""
    from banli.org.models import SessionPolicy

    policy = SessionPolicy.for_session(world.cppcc_session)
    policy.sign_working_days, policy.sign_unit = 10, "days"
    policy.reply_months, policy.reply_unit = 40, "working_days"
    policy.save()
    item = make_item(world, "assigned", co=False)
    lead = lead_assignment(item)
    start = local(lead.assigned_at)
    assert row(f"sign:{lead.pk}").due_on == start + datetime.timedelta(days=10)
    assert lead.reply_due == add_working_days(start, 40) == row(f"reply:{lead.pk}").due_on
    assert policy.describe("reply") == "40工作日"
    # The limit on extensions follows its own unit too.
    policy.reply_max_months, policy.reply_max_unit = 50, "working_days"
    policy.save()
    from banli.errors import BanliError

    actions.sign(world.lead_liaison, item.pk, assignment=lead.pk)
    with pytest.raises(BanliError) as refused:
        actions.request_extension(world.lead_liaison, item.pk, assignment=lead.pk, requested_due=add_working_days(start, 51), reason="调研")
    assert "50工作日" in refused.value.zh
    actions.request_extension(world.lead_liaison, item.pk, assignment=lead.pk, requested_due=add_working_days(start, 50), reason="调研")
