"""A district leader's portfolio at a glance (分管单位): for each unit the leader supervises, its
late items, how the proposers rated its replies and its key items, the unit doing worst first.

Nothing is counted here in a way of its own: the late milestones are the supervision list's
(banli.deadlines.selectors.open_deadlines, with its scope and visibility), the ratings are the
unit table's of the report (reports.service.ratings, counted by units.py: the ratings in force, as the report and the
assessment count them, for the current session of each assembly), so the leader reads the same
numbers here as on the deadlines list and the report page."""

from __future__ import annotations

from django.db.models import F
from django.http import QueryDict
from django.utils import timezone

from banli.deadlines import selectors as deadlines
from banli.deadlines.models import Milestone
from banli.errors import forbidden
from banli.org.models import FeedbackGrade, Session, Unit
from banli.proposals.access import actor_for
from banli.proposals.models import Assignment, Item, ItemState
from banli.workdays.calendar import working_days_between

from . import service
from .rounding import rate

# The grades counted as satisfied in the share the cards show: the best two of the scale
# (好、较好 by default; the names shown are those of the scale in force).
SATISFIED_GRADES = 2
# What a card lists (the figures count them all; the deadlines list, linked, lists every late one).
LATE_SHOWN = 5
KEY_SHOWN = 5


def check_portfolio(user) -> None:
    if not actor_for(user).district_leader:
        raise forbidden("只有区领导可以查看分管单位概况。", "Only district leaders have a portfolio of units.")


def _late_by_unit(user) -> dict[int, dict]:
    """Each unit's items with a late milestone: how many (each item once), and the LATE_SHOWN late
    longest with their late steps and delay. A card is read on a phone; the deadlines list, which
    the card links to, has them all. In a province's ten years a leader's units hold ~20,000 late
    milestones: they are read as bare tuples in due order (the earliest due of an item is its
    delay), and only the items shown are read whole (_with_items; issue 16: 2-3 s when every late item of ten
    years was a model with its working days counted, and every one was listed on the card)."""
    rows = (deadlines.open_deadlines(user, QueryDict("late=1&party=unit")).select_related(None)
            .values_list("unit_id", "item_id", "kind", "due_on"))
    by_unit: dict[int, dict[int, dict]] = {}
    for unit_id, item_id, kind, due_on in rows:
        if item_id is None:
            continue
        entry = by_unit.setdefault(unit_id, {}).setdefault(item_id, {"item_id": item_id, "kinds": [], "due_on": due_on})
        if kind not in entry["kinds"]:
            entry["kinds"].append(kind)
        entry["due_on"] = min(entry["due_on"], due_on)
    today = timezone.localdate()
    out = {}
    for unit_id, items in by_unit.items():
        shown = sorted(items.values(), key=lambda e: (e["due_on"], e["item_id"]))[:LATE_SHOWN]
        for e in shown:
            e["kinds"] = [Milestone(k).label for k in e["kinds"]]
            e["days_late"] = working_days_between(e["due_on"], today)
        out[unit_id] = {"count": len(items), "shown": shown}
    return out


def _ratings_by_unit(user, unit_ids) -> tuple[list[tuple[str, str]], dict[int, dict]]:
    """The unit table's ratings for the current session of each assembly, added up per unit: the
    leader's units only, and only the counts shown (service.ratings; drawn anew after every
    change, the whole table of both sessions took 0.8-1 s at 100k items, issue 16)."""
    grades = list(FeedbackGrade.objects.values_list("code", "name"))
    out: dict[int, dict] = {}
    for s in Session.objects.filter(is_current=True).order_by("assembly"):
        for row in service.ratings(service.requested(user, {"kind": "session", "value": str(s.pk)}), unit_ids).values():
            r = out.setdefault(row["id"], {"grades": dict.fromkeys(row["grades"], 0), "disagreed": 0, "praise": 0, "items": 0})
            for code, n in row["grades"].items():
                r["grades"][code] = r["grades"].get(code, 0) + n
            r["disagreed"] += row["disagreed"]
            r["praise"] += row["praise"]
            r["items"] += row["lead"] + row["separate"] + row["co"]
    return grades, out


def _key_items_by_unit(unit_ids) -> dict[int, dict]:
    """Key items (重点提案) each unit handles: how many, how many still open, and the KEY_SHOWN
    first, open ones first (their ids: _with_items reads them). Read as bare tuples: ten years of
    key items in a long history."""
    seen: dict[int, dict[int, object]] = {}  # a unit may hold an item twice (lead, then co after an adjustment)
    rows = (Assignment.objects.filter(unit_id__in=unit_ids, item__is_key=True).exclude(state=Assignment.State.ENDED)
            .order_by(F("item__closed_at").asc(nulls_first=True), "item_id").values_list("unit_id", "item_id", "item__state"))
    for unit_id, item_id, state in rows:
        seen.setdefault(unit_id, {}).setdefault(item_id, state)
    return {u: {"count": len(items), "open": sum(1 for st in items.values() if st != ItemState.CLOSED), "shown": list(items)[:KEY_SHOWN]}
            for u, items in seen.items()}


def _with_items(late, keys) -> None:
    """The items the cards show, read whole in one query: each late entry gets its item, each
    unit's key item ids become the items."""
    ids = {e["item_id"] for u in late.values() for e in u["shown"]} | {i for u in keys.values() for i in u["shown"]}
    items = Item.objects.filter(pk__in=ids).only("id", "number", "title", "state").in_bulk() if ids else {}
    for u in late.values():
        for e in u["shown"]:
            e["item"] = items[e["item_id"]]
    for u in keys.values():
        u["shown"] = [items[i] for i in u["shown"]]


def portfolio(user) -> list[dict]:
    """One card per unit of the leader's portfolio, the worst first: most items late, then most
    unsatisfied ratings (a grade that sends the item back, or 不同意), then the lowest share
    satisfied."""
    check_portfolio(user)
    unit_ids = sorted(actor_for(user).portfolio_unit_ids)
    names = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    late = _late_by_unit(user)
    grades, ratings = _ratings_by_unit(user, unit_ids)
    poor = set(FeedbackGrade.objects.filter(sends_to_rehandling=True).values_list("code", flat=True))
    keys = _key_items_by_unit(unit_ids)
    _with_items(late, keys)
    cards = []
    for uid in unit_ids:
        r = ratings.get(uid, {"grades": {}, "disagreed": 0, "praise": 0, "items": 0})
        counts = [(code, name, r["grades"].get(code, 0)) for code, name in grades]
        rated = sum(n for _, _, n in counts)
        satisfied = sum(n for _, _, n in counts[:SATISFIED_GRADES])
        unhappy = sum(n for code, _, n in counts if code in poor) + r["disagreed"]
        late_here, key = late.get(uid, {"count": 0, "shown": []}), keys.get(uid, {"count": 0, "open": 0, "shown": []})
        cards.append({
            "id": uid, "name": names.get(uid, ""), "late": late_here["shown"], "late_count": late_here["count"], "items": r["items"],
            "grades": counts, "rated": rated, "satisfied_share": rate(satisfied, rated), "satisfied_names": [n for _, n, _ in counts[:SATISFIED_GRADES]],
            "unhappy": unhappy, "disagreed": r["disagreed"], "praise": r["praise"],
            "key": key["shown"], "key_count": key["count"], "key_open": key["open"],
        })
    cards.sort(key=lambda c: (-c["late_count"], -c["unhappy"], c["satisfied_share"] if c["rated"] else 101, c["name"]))
    return cards
