"""Progress updates, closure reports and their approval, reopening (rules 10-11)."""

from banli.params import parse_date

from ..models import Assignment, ClosureReport, ItemState, ProgressUpdate, Reply
from .audiences import tell
from .common import item_action, begin, now, require_text, today
from .common import invalid
from .settle import settle_item


@item_action
def report_progress(user, item_id, *, assignment, text) -> ProgressUpdate:
    step = begin(user, "report_progress", item_id, assignment_id=assignment)
    step.check()
    p = ProgressUpdate.objects.create(item=step.item, assignment=step.assignment, text=require_text(text, "text", "进展情况", "The progress"), by=user)
    step.audit(target=p, after={"unit": step.assignment.unit_id})
    tell(step, "report_progress", f"{step.assignment.unit.name}报送了办理进展：{step.item.title}")
    return p


@item_action
def file_closure_report(user, item_id, *, assignment, text, done_on) -> ClosureReport:
    step = begin(user, "file_closure_report", item_id, assignment_id=assignment)
    step.check()
    done_on = parse_date(done_on, "done_on")
    if done_on > today():
        raise invalid("done_on", "完成日期不能晚于今天。", "The completion date cannot be in the future.")
    r = ClosureReport.objects.create(item=step.item, assignment=step.assignment, text=require_text(text, "text", "办结情况", "The report"), done_on=done_on, filed_by=user)
    step.audit(target=r, after={"done_on": done_on})
    tell(step, "file_closure_report", f"办结报告待审核：{step.item.title}", units=[step.assignment.unit])
    return r


def _pending_report(step) -> ClosureReport:
    return ClosureReport.objects.select_for_update().get(assignment=step.assignment, state=ClosureReport.State.PENDING)


@item_action
def approve_closure_report(user, item_id, *, assignment, comment="") -> ClosureReport:
    step = begin(user, "approve_closure_report", item_id, assignment_id=assignment)
    a: Assignment = step.assignment
    step.check()
    r = _pending_report(step)
    r.state, r.decided_by, r.decided_at, r.comment = ClosureReport.State.APPROVED, user, now(), (comment or "").strip()
    r.save()
    last = [x for x in a.replies.all() if x.state == Reply.State.SENT][-1]
    # A planned-type (B) reply done before its planned date is "closed early" (提前办结, rule 11).
    # An A reply that promises something by a date has a planned date too: finishing it early is
    # not what the report counts as B closed early.
    a.closed_at = now()
    a.closed_early = bool(last.reply_type.needs_planned_date and last.planned_date and r.done_on < last.planned_date)
    a.save(update_fields=["closed_at", "closed_early"])
    before = step.item.state
    state = settle_item(step.item)
    step.audit(target=r, before={"state": before}, after={"state": state, "closed_early": a.closed_early})
    if state == ItemState.CLOSED:
        tell(step, "closed", f"已办结：{step.item.title}")
    return r


@item_action
def return_closure_report(user, item_id, *, assignment, comment) -> ClosureReport:
    step = begin(user, "return_closure_report", item_id, assignment_id=assignment)
    step.check()
    r = _pending_report(step)
    r.state, r.decided_by, r.decided_at = ClosureReport.State.RETURNED, user, now()
    r.comment = require_text(comment, "comment", "退回意见", "A comment")
    r.save()
    step.audit(target=r, before={"state": "pending"}, after={"state": r.state}, note=r.comment)
    tell(step, "return_closure_report", f"办结报告被退回：{step.item.title}", units=[step.assignment.unit])
    return r


@item_action
def reopen(user, item_id, *, reason):
    step = begin(user, "reopen", item_id)
    step.check()
    reason = require_text(reason, "reason", "重新打开的理由", "A reason")
    Assignment.objects.filter(item=step.item, closed_at__isnull=False).update(closed_at=None, closed_early=False)
    before = step.advance(closed_at=None)
    step.audit(before=before, after={"state": ItemState.EVALUATED}, note=reason)
    tell(step, "reopen", f"区府办重新打开：{step.item.title}。理由：{reason}",
         units=[a.unit for a in step.item.assignments.all() if a.active and a.answers])
    return step.item
