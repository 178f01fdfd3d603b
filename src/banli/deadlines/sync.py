"""Write an item's deadline rows from what its records imply (specs.py). Runs inside every item
action's transaction, so the rows never disagree with the records; running it again changes
nothing. A milestone met after its due date leaves a permanent OverdueEvent."""

from django.db.models import Prefetch
from django.utils import timezone

from banli.org.models import SessionPolicy
from banli.proposals.models import Assignment, Item, Reply
from banli.workdays.calendar import working_days_between

from .models.deadline import Deadline, OverdueEvent
from .specs import Spec, item_specs

PREFETCH = [
    "cosigners", "consultations", "messages",
    Prefetch("replies", queryset=Reply.objects.select_related("feedback")),
    Prefetch("assignments", queryset=Assignment.objects.select_related("co_opinion").prefetch_related(
        "adjustments", "progress_updates", "publication_records",
        Prefetch("replies", queryset=Reply.objects.select_related("reply_type", "feedback")))),
]


def sync_item(item_id: int, *, today=None) -> list[Deadline]:
    today = today or timezone.localdate()
    item = Item.objects.select_related("session").prefetch_related(*PREFETCH).get(pk=item_id)
    if item.state == "draft" and not item.submitted_at and not item.cosigners.all():
        return []
    specs = item_specs(item, SessionPolicy.for_session(item.session))
    existing = {d.key: d for d in Deadline.objects.filter(item_id=item_id).select_related("overdue")}
    rows, events = [], []
    for spec in specs:
        row = existing.pop(spec.key, None)
        known = _event_of(row)
        row, changed = apply_spec(spec, row or Deadline(key=spec.key, item_id=item_id), today)
        if changed:
            row.save()
        rows.append(row)
        event = overdue_event(row, known, today)
        if event is not None:
            events.append(event)
    # Milestones the records no longer imply (e.g. a removed message target) are waived, not deleted.
    for row in existing.values():
        if row.state in (Deadline.State.OPEN, Deadline.State.LATE):
            row.state, row.waived_reason = Deadline.State.WAIVED, "不再需要"
            row.save()
    for e in events:
        e.save()
    return rows


def apply_spec(spec: Spec, row: Deadline, today) -> tuple[Deadline, bool]:
    """Set the row from what the spec implies as of today; the row, and whether anything changed.
    Also used by the bench generator, which writes rows in bulk as sync_item would."""
    before = (row.kind, row.starts_on, row.due_on, row.state, row.met_on, row.waived_reason, row.assignment_id, row.unit_id)
    row.kind, row.starts_on, row.due_on = spec.kind, spec.starts_on, spec.due_on
    row.assignment_id, row.unit_id = spec.assignment_id, spec.unit_id
    if spec.met_on:
        row.state, row.met_on, row.waived_reason = Deadline.State.MET, spec.met_on, ""
    elif spec.waived:
        row.state, row.met_on, row.waived_reason = Deadline.State.WAIVED, None, spec.waived[:200]
    else:
        row.met_on, row.waived_reason = None, ""
        row.state = Deadline.State.LATE if today > spec.due_on else Deadline.State.OPEN
    after = (row.kind, row.starts_on, row.due_on, row.state, row.met_on, row.waived_reason, row.assignment_id, row.unit_id)
    return row, row.pk is None or before != after


def _event_of(row: Deadline | None) -> OverdueEvent | None:
    try:
        return row.overdue if row is not None else None  # select_related above: no query
    except OverdueEvent.DoesNotExist:
        return None


def overdue_event(row: Deadline, event: OverdueEvent | None, today) -> OverdueEvent | None:
    """The overdue record to write for a row past its due date (created once, then kept up to
    date), or None if nothing needs writing."""
    done = row.met_on
    late = (done or today) > row.due_on and row.state in (Deadline.State.MET, Deadline.State.LATE)
    if not late:
        return None
    days = working_days_between(row.due_on, done or today)
    if event is None:
        return OverdueEvent(deadline=row, kind=row.kind, unit_id=row.unit_id, item_id=row.item_id, due_on=row.due_on, done_on=done, days_late=days)
    if (event.done_on, event.days_late) != (done, days):
        event.done_on, event.days_late = done, days
        return event
    return None


def sync_question(question, *, today=None) -> Deadline:
    """The answer milestone of a Q&A question (有问必答): same rule as a message on an item."""
    from .specs import day

    today = today or timezone.localdate()
    spec = Spec(f"question:{question.pk}", "question", day(question.asked_at), _question_due(question.asked_at),
                met_on=day(question.answered_at), unit_id=question.to_unit_id)
    row = Deadline.objects.select_related("overdue").filter(key=spec.key).first()
    known = _event_of(row)
    row, changed = apply_spec(spec, row or Deadline(key=spec.key, question=question), today)
    if changed:
        row.save()
    event = overdue_event(row, known, today)
    if event is not None:
        event.save()
    return row


def _question_due(asked_at):
    """Questions sit outside any session: the current sessions' answer limit applies (the
    strictest, if the two assemblies differ), else the default limit."""
    policies = list(SessionPolicy.objects.filter(session__is_current=True)) or [SessionPolicy()]
    return min(p.due("message", asked_at) for p in policies)
