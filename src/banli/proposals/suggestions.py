"""Suggestions for the busy weeks (reads only): the items like the one being registered or drafted,
and the units to assign it to, each with its reason.

- Registering, the assembly office sees the items of the same session most like this one (and of
  the session before: the same subject filed again), ranked, with the words they share, and which
  of them it may merge into (by number, 第N号).
- Drafting, a proposer sees the published items like theirs (what anyone may read: the public
  rule, banli.portal.rules) and their own earlier items: never another member's unpublished item.
- Assigning, the office sees the proposer's suggested units and the units that led the most like
  items of the last sessions, with the unit's recent record (of its latest lead items, those still
  open and how many of their replies came on time).

The similarity itself is banli.search.similar, read through the same index as the lists."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from banli.deadlines.models import Deadline, Milestone
from banli.org.models import WORDING, Session, Unit
from banli.portal.rules import public_items
from banli.search.similar import Similar, similar

from .access import visible_items
from .actions.registration import MERGE_REFUSED
from .models import Assignment, AssignmentRole, Item, ItemState

SHOWN = 5
HISTORY_SESSIONS = 3  # "past years": the sessions of the assembly before the item's own
ROW_FIELDS = ("number", "session_id", "session__name", "state", "proposer__name")
# What an item may be merged into: the merge action's rule.
MERGE_TARGET_STATES = frozenset(set(ItemState.values) - set(MERGE_REFUSED))


def _earlier_sessions(session: Session, n: int) -> list[int]:
    return list(Session.objects.filter(assembly=session.assembly, opens_on__lt=session.opens_on)
                .order_by("-opens_on", "-id").values_list("pk", flat=True)[:n])


def _body(item) -> str:
    return f"{item.reason}\n{item.suggestions}"


def similar_to_item(user, item: Item, *, limit: int = SHOWN) -> list[Similar]:
    """For the office registering `item`: the readable items of its session and the one before
    most like it, best first; row["mergeable"] says whether it may be merged into that one."""
    sessions = [item.session_id, *_earlier_sessions(item.session, 1)]
    pool = visible_items(user).filter(assembly=item.assembly).exclude(state=ItemState.DRAFT)
    found = similar(pool, title=item.title, body=_body(item), fields=ROW_FIELDS, session_ids=sessions,
                    exclude=[item.pk], limit=limit)
    for s in found:
        s.row["mergeable"] = s.row["session_id"] == item.session_id and s.row["state"] in MERGE_TARGET_STATES
        s.row["same_session"] = s.row["session_id"] == item.session_id
    return found


def similar_to_draft(user, *, assembly: str, title: str, body: str = "", exclude=(), limit: int = SHOWN) -> list[Similar]:
    """For a proposer drafting: published items like the text, and the proposer's own earlier
    items (visible_items: theirs), best first. Only what the reader may already read."""
    if len(title.strip()) < 4:
        return []
    public = similar(public_items().filter(assembly=assembly), title=title, body=body, fields=ROW_FIELDS, scope="public",
                     exclude=exclude, limit=limit)
    for s in public:
        s.row["public"] = True
    own = similar(visible_items(user).filter(assembly=assembly).exclude(pk__in=[s.item_id for s in public]),
                  title=title, body=body, fields=ROW_FIELDS, exclude=exclude, limit=limit)
    return sorted(public + own, key=lambda s: (-s.score, -s.item_id))[:limit]


@dataclass
class UnitSuggestion:
    unit: Unit
    weight: float
    reasons: list[str] = field(default_factory=list)
    suggested_by_proposer: bool = False
    record: dict = field(default_factory=dict)


def _history(item: Item, limit: int = 12) -> list[Similar]:
    """The most like items of the assembly's last sessions before this one, whoever may read them:
    only their units are shown, as the office (who assigns) reads every item anyway."""
    sessions = _earlier_sessions(item.session, HISTORY_SESSIONS)
    if not sessions:
        return []
    pool = Item.objects.filter(assembly=item.assembly).exclude(state__in=(ItemState.DRAFT, ItemState.SUBMITTED))
    return similar(pool, title=item.title, body=_body(item), fields=("number", "session__name"), session_ids=sessions,
                   exclude=[item.pk], limit=limit)


def unit_suggestions(item: Item, *, limit: int = SHOWN, today: datetime.date | None = None,
                     with_proposer: bool = True) -> list[UnitSuggestion]:
    """The units to assign `item` to, most likely first: the proposer's suggested units, then the
    units that led the most like past items (weighted by how alike). At most a dozen queries.
    with_proposer=False leaves the proposer's suggestions out (bench.suggest measures both)."""
    weights: dict[int, UnitSuggestion] = {}
    suggested = list(item.suggested_units.all()) if with_proposer else []
    for u in suggested:
        weights[u.pk] = UnitSuggestion(u, 1.0, [f"{WORDING[item.assembly]['person']}建议"], suggested_by_proposer=True)
    history = _history(item)
    if history:
        by_item = {s.item_id: s for s in history}
        leads = (Assignment.objects.filter(item_id__in=by_item, role__in=(AssignmentRole.LEAD, AssignmentRole.SEPARATE))
                 .exclude(state=Assignment.State.ENDED).select_related("unit").order_by("item_id", "id"))
        for a in leads:
            s = by_item[a.item_id]
            entry = weights.setdefault(a.unit_id, UnitSuggestion(a.unit, 0.0))
            entry.weight += s.score
            if len(entry.reasons) < 3:
                entry.reasons.append(f"办理过{s.row['session__name']}第{s.row['number'] or 0:04d}号（相似度{s.score:.0%}）")
    # The proposer's suggestion first among equals; a unit no longer active is not suggested.
    ranked = sorted((e for e in weights.values() if e.unit.active),
                    key=lambda e: (-(e.weight + (0.5 if e.suggested_by_proposer else 0)), e.unit.name))[:limit]
    records = recent_records([e.unit.pk for e in ranked], today=today)
    for e in ranked:
        e.record = records[e.unit.pk]
    return ranked


RECENT = 50  # a unit's record: its latest lead items, however many it handles a year


def recent_records(unit_ids, *, today: datetime.date | None = None) -> dict[int, dict]:
    """Each unit's latest RECENT lead (or separate) items: how many are still open, and of their
    replies due by today, how many came on time. Bounded work whatever the unit's history (a
    province's busiest bureau leads thousands a year): one short query per unit (at most SHOWN)
    and one for the deadlines."""
    today = today or timezone.localdate()
    out = {}
    by_assignment = {}
    for unit_id in unit_ids:
        rows = list(Assignment.objects.filter(unit_id=unit_id, role__in=(AssignmentRole.LEAD, AssignmentRole.SEPARATE))
                    .exclude(state=Assignment.State.ENDED).order_by("-id").values_list("id", "closed_at")[:RECENT])
        out[unit_id] = {"led": len(rows), "open": sum(1 for _, closed in rows if closed is None), "replies_due": 0, "on_time": 0}
        by_assignment.update({pk: unit_id for pk, _ in rows})
    if by_assignment:
        for assignment_id, due_on, met_on in (Deadline.objects.filter(assignment_id__in=by_assignment, kind__in=(Milestone.REPLY, Milestone.SECOND_REPLY),
                                                                      due_on__lte=today).exclude(state=Deadline.State.WAIVED)
                                              .values_list("assignment_id", "due_on", "met_on")):
            record = out[by_assignment[assignment_id]]
            record["replies_due"] += 1
            record["on_time"] += met_on is not None and met_on <= due_on
    return out
