"""Which milestones an item's records imply, with their due dates and when each was met.
Pure reading: sync.py writes the rows. One place holds the rules of DOMAIN.md §4 and §5."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from banli.org.models import SessionPolicy
from banli.proposals.models import has_related
from banli.workdays.calendar import add_months

from .models.deadline import Milestone as M


@dataclass
class Spec:
    key: str
    kind: str
    starts_on: datetime.date
    due_on: datetime.date
    met_on: datetime.date | None = None
    waived: str = ""
    assignment_id: int | None = None
    unit_id: int | None = None


def day(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


def months(start, n):
    return add_months(day(start), n)


REPLIED_STATES = {"replied", "evaluated", "closed"}
ENDED_REASON = {"withdrawn": "已撤回", "merged": "已并案", "converted": "已转为意见建议", "not_registered": "不予立案"}


def item_specs(item, policy: SessionPolicy) -> list[Spec]:
    """Every milestone of one item. Reads relations the caller prefetched (see sync.PREFETCH)."""
    out: list[Spec] = []
    ended = ENDED_REASON.get(item.state, "")

    # Co-signers confirm within the window; submission settles it (unconfirmed names drop).
    invites = list(item.cosigners.all())
    if invites:
        first = min(c.invited_at for c in invites)
        settled = item.submitted_at or (max(c.responded_at for c in invites) if all(c.responded_at for c in invites) else None)
        out.append(Spec(f"cosign:{item.pk}", M.COSIGN, day(first), policy.due("cosign", first), met_on=day(settled)))

    if item.submitted_at:
        decided = item.registered_at or (item.updated_at if item.state != "submitted" else None)
        out.append(Spec(f"register:{item.pk}", M.REGISTER, day(item.submitted_at), policy.due("register", item.submitted_at),
                        met_on=day(decided)))

    for a in item.assignments.all():
        out += assignment_specs(item, a, policy)

    ended_units = {a.pk for a in item.assignments.all() if a.state == "ended"}
    for r in item.replies.all():
        if r.sent_at and not r.is_conversion:
            fb = r.feedback if has_related(r, "feedback") else None
            s = Spec(f"feedback:{r.pk}", M.FEEDBACK, day(r.sent_at), policy.due("feedback", r.sent_at), met_on=day(fb.at) if fb else None)
            if fb is None and r.assignment_id in ended_units:
                s.waived = "交办已调整撤出"  # the proposer can no longer rate a withdrawn unit's reply
            out.append(s)

    # A unit taken off the item can no longer answer there: its clock stops, as a feedback clock does.
    handling_units = {a.unit_id for a in item.assignments.all() if a.state != "ended"}
    for m in item.messages.all():
        if m.side == "proposer" and m.to_unit_id:
            s = Spec(f"message:{m.pk}", M.MESSAGE, day(m.at), policy.due("message", m.at), met_on=day(m.answered_at), unit_id=m.to_unit_id)
            if not m.answered_at and m.to_unit_id not in handling_units:
                s.waived = "交办已调整撤出"
            out.append(s)

    if ended:
        for s in out:
            if s.met_on is None and s.kind != M.REGISTER:
                s.waived = ended
    return out


def assignment_specs(item, a, policy) -> list[Spec]:
    out = []
    unit = a.unit_id
    common = {"assignment_id": a.pk, "unit_id": unit}
    adjustments = list(a.adjustments.all())
    responded = a.signed_at or min((r.requested_at for r in adjustments), default=None)
    sign = Spec(f"sign:{a.pk}", M.SIGN, day(a.assigned_at), policy.due("sign", a.assigned_at), met_on=day(responded), **common)
    out.append(sign)
    for r in adjustments:
        out.append(Spec(f"adjust:{r.pk}", M.ADJUST_DECISION, day(r.requested_at), policy.due("adjust_decision", r.requested_at),
                        met_on=day(r.decided_at), assignment_id=a.pk))
    replies = [r for r in a.replies.all() if r.sent_at]
    if a.role == "co":
        op = a.co_opinion if has_related(a, "co_opinion") else None
        s = Spec(f"co_opinion:{a.pk}", M.CO_OPINION, day(a.assigned_at), policy.due("co_opinion", a.assigned_at), **common)
        if op is not None:
            s.met_on, s.waived = (None, "区府办豁免：" + op.waiver_reason[:80]) if op.waived else (day(op.at), "")
        elif item.state in REPLIED_STATES:
            # A unit added after the lead replied has no reply left to inform (the opinion is refused now).
            s.waived = "主办单位已答复"
        out.append(s)
    else:
        first = min((r.sent_at for r in replies if r.round == 1 and not r.is_conversion), default=None)
        if a.signed_at:
            met = min((c.held_on for c in item.consultations.all()
                       if c.unit_id == unit and c.kind == "before" and c.form in ("visit", "meeting", "site")), default=None)
            s = Spec(f"consult:{a.pk}", M.CONSULT, day(a.signed_at), policy.due("consult", a.signed_at), met_on=met, **common)
            if met is None and first is not None:
                s.waived = "已答复"  # a meeting before the reply can no longer be held
            out.append(s)
        out.append(Spec(f"reply:{a.pk}", M.REPLY, day(a.assigned_at), a.reply_due or policy.due("reply", a.assigned_at),
                        met_on=day(first), **common))
        if a.reply_round >= 2:
            bad = [r.feedback.at for r in replies if r.round == 1 and has_related(r, "feedback")]
            if bad:
                second = min((r.sent_at for r in replies if r.round == 2), default=None)
                out.append(Spec(f"second_reply:{a.pk}", M.SECOND_REPLY, day(bad[0]), policy.due("rehandle", bad[0]),
                                met_on=day(second), **common))
        out += progress_specs(a, replies, common)
        if first is not None:
            out.append(publication_spec(a, first, policy))
    if a.state == "ended":
        for s in out:
            if s.met_on is None and not s.waived:
                s.waived = "交办已调整撤出"
    return out


def publication_spec(a, first_reply, policy) -> Spec:
    """The office decides on publishing each replying unit's reply (rule 13; per unit, rule 3)."""
    decided = min((p.at for p in a.publication_records.all() if p.kind in ("publish", "withhold")), default=None)
    return Spec(f"publish:{a.pk}", M.PUBLICATION, day(first_reply), policy.due("publication", first_reply), met_on=day(decided),
                assignment_id=a.pk)


def progress_specs(a, replies, common) -> list[Spec]:
    """A replied A item reports monthly, B quarterly, until closed: one rolling milestone. The
    clock follows the reply in force and stops while the unit owes a second reply (rule 9): the
    update would be refused then."""
    if not replies or a.role == "co" or a.replied_round < a.reply_round:
        return []
    every = replies[-1].reply_type.progress_every_months
    if not every:
        return []
    start = replies[-1].sent_at
    updates = sorted(p.at for p in a.progress_updates.all() if p.at >= start)
    out, prev = [], start
    for n, at in enumerate(updates):
        out.append(Spec(f"progress:{a.pk}:{n}", M.PROGRESS, day(prev), months(prev, every), met_on=day(at), **common))
        prev = at
    tail = Spec(f"progress:{a.pk}:{len(updates)}", M.PROGRESS, day(prev), months(prev, every), **common)
    if a.closed_at:
        tail.waived = "已办结"
    out.append(tail)
    return out
