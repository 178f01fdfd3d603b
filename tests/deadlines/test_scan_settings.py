"""The daily scan as of its own date (`run_scan --date`), and the reminder, escalation and
"no feedback" settings each session carries (DOMAIN.md §5, §4 rule 9: *default* numbers are
per-session settings, admin → 会次 → 办理时限设置)."""

import datetime
import io

import pytest
from django.core.management import call_command

from banli.audit.models import AuditRecord
from banli.deadlines.calendar import add_working_days
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
