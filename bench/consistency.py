"""Does each bench item's state agree with its rows, as the actions would leave it? The state its
replying units' rows imply is the domain's own rule (banli.proposals.derived.derived_state, fed
by the settle step's unit_facts); the rest are the invariants of numbering, dates, approvals,
consultations and signing."""

from __future__ import annotations

from django.db.models import Count, Max, Prefetch

from banli.org.models import ReplyType, Session
from banli.proposals.actions.settle import unit_facts
from banli.proposals.derived import derived_state
from banli.proposals.models import Assignment, ClosureReport, Consultation, Item, ItemState, Reply, ReplyApproval

S = ItemState
NUMBERED_LIVE = {S.REGISTERED, S.ASSIGNED, S.HANDLING, S.REPLIED, S.EVALUATED, S.REHANDLING, S.CLOSED}


def check_consistency(item_ids=None) -> list[str]:
    """Problems found (empty if none): states against rows, numbering, dates."""
    problems = []
    qs = Item.objects.all() if item_ids is None else Item.objects.filter(pk__in=item_ids)
    qs = qs.prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.prefetch_related(
            Prefetch("replies", queryset=Reply.objects.select_related("feedback", "reply_type").prefetch_related("approvals")),
            "closure_reports")),
        "consultations", "replies",
    )
    for item in qs.iterator(chunk_size=500):
        p = f"item {item.pk} ({item.state})"
        active = [a for a in item.assignments.all() if a.state != Assignment.State.ENDED]
        answering = [a for a in active if a.role in ("lead", "separate")]
        sent = [r for r in item.replies.all() if r.state == Reply.State.SENT]
        if item.state in NUMBERED_LIVE and not item.number:
            problems.append(f"{p}: registered but no number")
        if item.state in (S.DRAFT, S.SUBMITTED, S.NOT_REGISTERED, S.MERGED, S.CONVERTED) and item.number:
            problems.append(f"{p}: numbered without registration")
        if item.state != S.DRAFT and not item.submitted_at:
            problems.append(f"{p}: no submitted_at")
        if item.state == S.MERGED and not item.merged_into_id:
            problems.append(f"{p}: merged into nothing")
        if sent and not item.replied_at:
            problems.append(f"{p}: sent reply but no replied_at")
        if item.state == S.CLOSED and (not sent or not item.closed_at):
            problems.append(f"{p}: closed without a sent reply or closed_at")
        if item.state in (S.ASSIGNED, S.HANDLING, S.REPLIED, S.EVALUATED, S.REHANDLING, S.CLOSED):
            if not answering or sum(a.role == "lead" for a in active) > 1:
                problems.append(f"{p}: bad assignment shape")
                continue
            derived = derived_state(item.state, unit_facts(item.assignments.all()))
            if derived in (S.ASSIGNED, S.HANDLING):
                # The signing step's to say (banli.proposals.actions.assignment): handling once every unit has signed.
                derived = S.HANDLING if all(a.state == Assignment.State.SIGNED for a in active) else S.ASSIGNED
            if derived != item.state:
                problems.append(f"{p}: rows say {derived}")
            if sent:
                last = max((r for a in answering for r in a.replies.all() if r.state == Reply.State.SENT), key=lambda r: r.sent_at)
                if item.reply_type_id != last.reply_type_id or item.replied_at != last.sent_at:
                    problems.append(f"{p}: reply_type/replied_at do not follow the latest sent reply")
            for a in answering:
                for r in a.replies.all():
                    levels = {x.level for x in r.approvals.all() if x.decision == ReplyApproval.Decision.APPROVED}
                    if r.state == Reply.State.SENT and ("unit" not in levels or (r.reply_type.needs_leader_approval and "district" not in levels)):
                        problems.append(f"{p}: reply {r.pk} sent without its approvals")
                    if r.state == Reply.State.SENT and r.reply_type.closure != ReplyType.Closure.FEEDBACK and not r.planned_date:
                        problems.append(f"{p}: reply {r.pk} promises without a date")
                if a.closed_at:
                    last = [r for r in a.replies.all() if r.state == Reply.State.SENT][-1]
                    if last.reply_type.closure != ReplyType.Closure.FEEDBACK and not any(c.state == ClosureReport.State.APPROVED for c in a.closure_reports.all()):
                        problems.append(f"{p}: unit {a.unit_id} closed without an approved closure report")
                    if last.reply_type.closure == ReplyType.Closure.FEEDBACK and not hasattr(last, "feedback"):
                        problems.append(f"{p}: reference reply closed without feedback")
                first = [r for r in a.replies.all() if r.state == Reply.State.SENT and r.round == 1]
                if a.role == "lead" and first:
                    met = [c for c in item.consultations.all() if c.unit_id == a.unit_id and c.kind == "before" and c.form in Consultation.FACE_TO_FACE]
                    if not met or min(c.held_on for c in met) > first[0].sent_at.date():
                        problems.append(f"{p}: lead reply sent before meeting the proposer")
        if item.state in (S.HANDLING, S.REPLIED, S.EVALUATED, S.REHANDLING, S.CLOSED) and any(a.state != Assignment.State.SIGNED for a in active):
            problems.append(f"{p}: an active unit has not signed")
    dup = Item.objects.filter(number__isnull=False).values("session_id", "number").annotate(n=Count("id")).filter(n__gt=1)
    for row in dup[:10]:
        problems.append(f"session {row['session_id']}: number {row['number']} used {row['n']} times")
    for s in Session.objects.annotate(top=Max("items__number")):
        if (s.top or 0) != s.last_number:
            problems.append(f"session {s.pk}: last_number {s.last_number} but highest number {s.top}")
    return problems
