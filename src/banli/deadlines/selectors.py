"""Reads for supervision: open milestones (late first) and overdue events, scoped by who asks.
The office sees all; a unit its own; a district leader the portfolio's units and the key items
supervised; an assembly office the registration reviews of its assembly. Within that scope a
milestone of an item is listed only if the reader may read the item (banli.proposals.access):
the office reads no drafts, so the co-signing milestones of drafts are left out for it, or, when
asked (drafts=1), listed without their titles."""

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banli.errors import invalid
from banli.params import id_param
from banli.proposals.access import actor_for, readable_item
from banli.proposals.models import Item, ItemState
from banli.workdays.calendar import working_days_between

from .models import Deadline, Milestone, OverdueEvent

# Whom a milestone waits on (the list's "责任方"): a unit's steps carry the unit; the assembly
# office reviews registration; the proposer and co-signers confirm and rate; the office decides
# adjustments and publication and answers the Q&A questions put to it (everything else). As a
# filter (PARTIES) and for a row already read (party_of): the same rule, written twice, tested alike.
PROPOSER_KINDS = (Milestone.COSIGN, Milestone.FEEDBACK)
PARTIES = {
    "unit": Q(unit__isnull=False),
    "gov_office": Q(unit__isnull=True) & ~Q(kind=Milestone.REGISTER) & ~Q(kind__in=PROPOSER_KINDS),
    "assembly_office": Q(unit__isnull=True, kind=Milestone.REGISTER),
    "proposer": Q(unit__isnull=True, kind__in=PROPOSER_KINDS),
}
PARTY_LABELS = {"unit": _("承办单位"), "gov_office": _("区府办"), "assembly_office": _("提案委、代表工委"), "proposer": _("提案人、联名人")}


def party_of(d: Deadline) -> str:
    if d.unit_id is not None:
        return "unit"
    if d.kind == Milestone.REGISTER:
        return "assembly_office"
    return "proposer" if d.kind in PROPOSER_KINDS else "gov_office"

# The item's conditions below are asked as `item IN (ids by an index)`, not through a join: a join
# made PostgreSQL read every item to filter a leader's few thousand milestones (86 ms of a count).
DRAFT_COSIGN = Q(kind=Milestone.COSIGN, item__in=Item.objects.filter(state=ItemState.DRAFT).values("pk"))


def _scope(user, *, unit_field="unit_id", item_prefix="item__") -> Q | None:
    """None means everything; an empty Q-match means nothing."""
    a = actor_for(user)
    if a.gov_office or a.is_admin:
        return None
    cond = Q(pk__in=[])
    units = set(a.unit_ids) | (set(a.portfolio_unit_ids) if a.district_leader else set())
    if units:
        cond |= Q(**{f"{unit_field}__in": units})
    if a.district_leader:
        cond |= Q(**{f"{item_prefix}in": Item.objects.filter(key_leader=user).values("pk")})
    if a.assembly_offices:
        cond |= Q(kind=Milestone.REGISTER, **{f"{item_prefix}assembly__in": a.assembly_offices})
    return cond


def _readable(user) -> Q:
    """Milestones of items this user may read, and those of no item (Q&A questions, in scope)."""
    a = actor_for(user)
    if a.gov_office or a.is_admin:
        # Not among the few drafts (an index range), rather than a join to the item's state,
        # which PostgreSQL answered by hashing every item of the history to count the page.
        return Q(item__isnull=True) | ~Q(item__in=Item.objects.filter(state=ItemState.DRAFT).values("pk"))
    return Q(item__isnull=True) | readable_item(user)


def _common_filters(qs, user, params):
    """Scope by who asks, then the filters both lists take."""
    scope = _scope(user)
    if scope is not None:
        qs = qs.filter(scope)
    unit, item = id_param(params, "unit"), id_param(params, "item")
    if unit:
        qs = qs.filter(unit_id=unit)
    if item:
        qs = qs.filter(item_id=item)
    if params.get("kind"):
        if params["kind"] not in Milestone.values:
            raise invalid("kind", "未知的办理环节。", "Unknown milestone kind.")
        qs = qs.filter(kind=params["kind"])
    return qs


def _flag(params, name) -> bool:
    return params.get(name) in ("1", "true", "yes", "on")


def open_deadlines(user, params) -> QuerySet[Deadline]:
    """Open milestones, late first and the longest late first. Filters: unit, item, kind, party
    (PARTIES), late=1 (late only), drafts=1 (with the co-signing milestones of drafts)."""
    qs = _common_filters(Deadline.objects.filter(state__in=(Deadline.State.OPEN, Deadline.State.LATE)), user, params)
    readable = _readable(user)
    if _flag(params, "drafts"):
        a = actor_for(user)
        qs = qs.filter(readable | (DRAFT_COSIGN if (a.gov_office or a.is_admin) else Q(pk__in=[])))
    else:
        qs = qs.filter(readable).exclude(DRAFT_COSIGN)
    party = params.get("party")
    if party:
        if party not in PARTIES:
            raise invalid("party", "未知的责任方。", "Unknown responsible party.")
        qs = qs.filter(PARTIES[party])
    if _flag(params, "late"):
        qs = qs.filter(state=Deadline.State.LATE)
    # Late first: the state's own order ("late" < "open", the only two states here), so that the
    # index (state, due_on) gives the first page without sorting every open milestone.
    return qs.select_related("item", "unit").order_by("state", "due_on", "id")


def with_working_days(rows, today=None) -> list[Deadline]:
    """Each row with `days_late` (working days past its due date, 0 if not yet due) and `days_left`
    (working days until it, 0 once due), as the scan counts them: the working days after the due
    date up to today. Worked out once per due date: a page's rows share a few."""
    today = today or timezone.localdate()
    late, left = {}, {}
    rows = list(rows)
    for d in rows:
        if d.due_on not in late:
            late[d.due_on] = working_days_between(d.due_on, today)
            left[d.due_on] = working_days_between(today, d.due_on)
        d.days_late, d.days_left = late[d.due_on], left[d.due_on]
        d.party = party_of(d)
    return rows


def overdue_events(user, params) -> QuerySet[OverdueEvent]:
    qs = _common_filters(OverdueEvent.objects.all(), user, params)
    year = id_param(params, "year")
    if year:
        qs = qs.filter(due_on__year=year)
    return qs.select_related("item", "unit").order_by("-due_on", "id")
