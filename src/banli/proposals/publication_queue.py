"""The office's publication queue (rule 13, 公开审核): every replying unit's reply that awaits the
decision to publish it or not, with the proposer's consent and the unit's recommendation side by
side and the decision's deadline; and the batch of decisions taken from it.

Both are for whoever the transition table lets take `decide_publication` on any item (the
government office): the queue spans all items, so only a standing that needs no particular item
counts. The batch runs the one action, `actions.decide_publication`, once per row, each in its
own transaction: a refused row leaves the others done, and says why in the action's own words.
The proposer's consent is the item's, for all of its replies (不同意公开件由区政府办公室加强审核)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from banli.deadlines.models import Deadline, Milestone
from banli.errors import BanliError, forbidden, invalid, not_found
from banli.params import id_param
from banli.workdays.calendar import working_days_between

from . import workflow
from .access import Actor, actor_for
from .actions import decide_publication
from .models import Assignment, AssignmentRole, Item, Publication, PublicationRecord, Reply

ACTION = "decide_publication"
LIMIT = 300  # rows shown at once, soonest deadline first; the totals are always given
RECENT = 10  # the office's latest decisions, for context
MAX_BATCH = 200  # decisions in one batch (a page never offers more rows than LIMIT; the API's list takes 200)
CONSENT_GROUPS = ("yes", "no")  # the proposer consented; did not consent or has not said (加强审核)
P = Publication


# -- who may ------------------------------------------------------------------------------------

def _standing(actor: Actor) -> set[str]:
    """The actor's relations in workflow.item_relations that hold for every item at once."""
    return {"gov_office"} if actor.gov_office else set()


def may_decide(user) -> bool:
    """Whether the user may work the queue: the table's `who` for decide_publication, as far as it
    needs no particular item (pages ask it to show the menu entry)."""
    return bool(_standing(actor_for(user)) & workflow.TABLE[ACTION].who)


def check_may_decide(user) -> None:
    if not may_decide(user):
        t = workflow.TABLE[ACTION]
        raise forbidden(f"您无权{t.zh}。", f"You may not {t.en}.")


# -- the queue ----------------------------------------------------------------------------------

@dataclass
class QueueRow:
    """One replying unit's reply awaiting the decision."""

    assignment: Assignment  # with .item (and its proposer) and .unit
    reply: Reply | None  # the reply in force: the unit's latest sent one (type, date, recommendation)
    due_on: datetime.date | None  # the decision's deadline row (publish:<assignment id>)
    limit_days: int | None  # working days from the first reply to the due date (the session's limit, 20 by default)
    days_left: int | None  # working days after today up to the due date; 0 on the day
    days_late: int | None  # working days past the due date

    @property
    def item(self) -> Item:
        return self.assignment.item

    @property
    def unit(self):
        return self.assignment.unit

    @property
    def consent(self) -> bool | None:
        return self.item.consent_publish

    @property
    def consented(self) -> bool:
        return self.consent is True

    @property
    def late(self) -> bool:
        return self.days_late is not None

    @property
    def recommendation(self) -> str | None:
        return self.reply.recommendation if self.reply else None

    @property
    def publish_recommended(self) -> bool:
        return self.recommendation == Reply.Recommendation.PUBLISH

    @property
    def withhold_reason(self) -> str:
        return self.reply.withhold_reason if self.reply else ""


@dataclass
class Queue:
    rows: list[QueueRow]  # soonest deadline first (the late ones lead)
    recent: list[PublicationRecord]  # latest decisions, newest first
    total: int  # rows matching the filters, of which `rows` are the first LIMIT
    consented_total: int
    params: dict = field(default_factory=dict)  # the filters as understood

    @property
    def not_consented_total(self) -> int:
        return self.total - self.consented_total

    @property
    def consented(self) -> list[QueueRow]:
        return [r for r in self.rows if r.consented]

    @property
    def not_consented(self) -> list[QueueRow]:
        return [r for r in self.rows if not r.consented]

    @property
    def truncated(self) -> bool:
        return len(self.rows) < self.total


def _parse(params) -> dict:
    consent = params.get("consent") or ""
    if consent and consent not in CONSENT_GROUPS:
        raise invalid("consent", "筛选条件“consent”应为 yes（同意公开）或 no（不同意或未表态）。",
                      "Filter 'consent' must be yes (consented) or no (did not consent, or has not said).")
    late = (params.get("late") or "").lower() in ("1", "true", "yes", "on")
    return {"consent": consent, "unit": id_param(params, "unit"), "late": late}


def awaiting():
    """Replying units whose reply awaits the office's decision, with the decision's due date
    (the same rows as the office's to-do card, on items the table lets it decide on)."""
    deadline = Deadline.objects.filter(assignment=OuterRef("pk"), kind=Milestone.PUBLICATION)
    return (Assignment.objects
            .filter(role__in=(AssignmentRole.LEAD, AssignmentRole.SEPARATE), replied_round__gte=1, publication=P.UNDECIDED,
                    item__state__in=workflow.TABLE[ACTION].from_states)
            .exclude(state=Assignment.State.ENDED)
            .annotate(publish_starts=Subquery(deadline.values("starts_on")[:1]), publish_due=Subquery(deadline.values("due_on")[:1])))


def publication_queue(user, params=None) -> Queue:
    """The queue as the page and the API show it. A fixed number of queries whatever the rows:
    the totals, the rows, their replies, the latest decisions."""
    check_may_decide(user)
    p = _parse(params or {})
    today = timezone.localdate()
    qs = awaiting()
    if p["consent"] == "yes":
        qs = qs.filter(item__consent_publish=True)
    elif p["consent"] == "no":
        qs = qs.exclude(item__consent_publish=True)  # False or not said: NULLs stay (exclude, not filter)
    if p["unit"]:
        qs = qs.filter(unit_id=p["unit"])
    if p["late"]:
        qs = qs.filter(publish_due__lt=today)
    counts = qs.aggregate(total=Count("pk"), consented=Count("pk", filter=Q(item__consent_publish=True)))
    # What the rows show, not the letters' texts.
    sent = (Reply.objects.filter(state=Reply.State.SENT).select_related("reply_type").order_by("id")
            .only("id", "assignment_id", "round", "sent_at", "recommendation", "withhold_reason", "reply_type__code", "reply_type__name",
                  "reply_type__name_en"))
    assignments = (qs.select_related("item__proposer", "unit").defer("item__reason", "item__suggestions", "note", "end_reason")
                   .prefetch_related(Prefetch("replies", queryset=sent, to_attr="sent_replies"))
                   .order_by(F("publish_due").asc(nulls_last=True), "item_id", "id")[:LIMIT]) if counts["total"] else []
    rows = [_row(a, today) for a in assignments]
    return Queue(rows=rows, recent=recent_decisions(), total=counts["total"], consented_total=counts["consented"], params=p)


def _row(a: Assignment, today: datetime.date) -> QueueRow:
    due, starts = a.publish_due, a.publish_starts
    left = late = None
    if due is not None:
        if due >= today:
            left = working_days_between(today, due)
        else:
            late = working_days_between(due, today)
    limit = working_days_between(starts, due) if due is not None and starts is not None else None
    reply = a.sent_replies[-1] if a.sent_replies else None
    return QueueRow(assignment=a, reply=reply, due_on=due, limit_days=limit, days_left=left, days_late=late)


def recent_decisions(limit: int = RECENT) -> list[PublicationRecord]:
    """The office's latest decisions on publication (publish, withhold, revoke), newest first."""
    kinds = (PublicationRecord.Kind.PUBLISH, PublicationRecord.Kind.WITHHOLD, PublicationRecord.Kind.REVOKE)
    return list(PublicationRecord.objects.filter(kind__in=kinds).select_related("item", "assignment__unit", "by").order_by("-id")[:limit])


# -- the batch ----------------------------------------------------------------------------------

@dataclass
class Decision:
    assignment: int
    publish: bool
    reason: str = ""


@dataclass
class Outcome:
    """What became of one row of a batch: done (or already so), or refused with the reason."""

    assignment_id: int
    publish: bool
    assignment: Assignment | None = None  # with .item and .unit, when it exists
    record: PublicationRecord | None = None  # the decision written; None when refused or already so
    error: BanliError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def changed(self) -> bool:
        return self.record is not None

    @property
    def item(self) -> Item | None:
        return self.assignment.item if self.assignment else None


def _decision(d) -> Decision:
    if isinstance(d, Decision):
        return d
    if isinstance(d, dict):
        return Decision(d["assignment"], bool(d["publish"]), d.get("reason") or "")
    assignment, publish, *rest = d
    return Decision(assignment, bool(publish), (rest[0] if rest else "") or "")


def decide_publications(user, decisions) -> list[Outcome]:
    """Run decide_publication for each (assignment id, publish, reason), each in its own
    transaction, and say per row what became of it. Someone without the standing is refused as a
    whole; a row that cannot be decided (no consent to publish, a withholding without a reason,
    a reply decided otherwise since the queue was read, a missing assignment) is refused alone."""
    check_may_decide(user)
    rows = [_decision(d) for d in decisions]
    if not rows:
        raise invalid("decisions", "请选择要决定的答复。", "Choose the replies to decide on.")
    if len(rows) > MAX_BATCH:
        raise invalid("decisions", f"一次最多决定 {MAX_BATCH} 件。", f"At most {MAX_BATCH} decisions at a time.")
    ids = {r.assignment for r in rows}
    found = {a.pk: a for a in Assignment.objects.filter(pk__in=ids).select_related("item", "unit")}
    return [_decide_one(user, d, found.get(d.assignment)) for d in rows]


def _decide_one(user, d: Decision, a: Assignment | None) -> Outcome:
    out = Outcome(assignment_id=d.assignment, publish=d.publish, assignment=a)
    if a is None:
        out.error = not_found()
        return out
    wanted = P.PUBLISHED if d.publish else P.WITHHELD
    try:
        with transaction.atomic():
            # Lock the item as the action does, then ask whether the reply still awaits a decision:
            # a stale page must not turn over what a colleague decided meanwhile.
            list(Item.objects.select_for_update().filter(pk=a.item_id).values_list("pk", flat=True))
            now = Assignment.objects.filter(pk=a.pk).values_list("publication", flat=True).first()
            if now == wanted:
                return out  # decided so already: the action would refuse it, the row says so
            if now != P.UNDECIDED:
                raise _decided_already(now)
            out.record = decide_publication(user, a.item_id, assignment=a.pk, publish=d.publish, reason=d.reason)
    except BanliError as err:
        out.error = err
    return out


def _decided_already(state: str) -> BanliError:
    zh = {P.PUBLISHED: "公开", P.WITHHELD: "不公开", P.REVOKED: "撤销公开"}.get(state, state)
    en = {P.PUBLISHED: "published", P.WITHHELD: "withheld", P.REVOKED: "revoked"}.get(state, state)
    return BanliError("already_decided", f"该答复已决定为“{zh}”，未作改动；如需改变，请在提案/建议页面办理。",
                      f"This reply has been {en} meanwhile; nothing was changed. To change it, use the item's page.", status=409)
