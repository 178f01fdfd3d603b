"""A district leader's portfolio at a glance (分管单位): for each unit the leader supervises, its
late items, how the proposers rated its replies and its key items, the unit doing worst first.

Nothing is counted here in a way of its own: the late milestones are the supervision list's
(banli.deadlines.selectors.open_deadlines, with its scope and visibility), the ratings are the
unit table's of the report (reports.service.units: the ratings in force, as the report and the
assessment count them, for the current session of each assembly), so the leader reads the same
numbers here as on the deadlines list and the report page."""

from __future__ import annotations

from django.db.models import F
from django.http import QueryDict

from banli.deadlines import selectors as deadlines
from banli.errors import forbidden
from banli.org.models import FeedbackGrade, Session, Unit
from banli.proposals.access import actor_for
from banli.proposals.models import Assignment, ItemState

from . import service
from .rounding import rate

# The grades counted as satisfied in the share the cards show: the best two of the scale
# (好、较好 by default; the names shown are those of the scale in force).
SATISFIED_GRADES = 2


def check_portfolio(user) -> None:
    if not actor_for(user).district_leader:
        raise forbidden("只有区领导可以查看分管单位概况。", "Only district leaders have a portfolio of units.")


def _late_by_unit(user) -> dict[int, list[dict]]:
    """Each unit's items with a late milestone: the item once, its late steps, its longest delay."""
    # Only what a card shows: a leader's late rows run to thousands in a long history, and reading
    # each whole item (dates, texts) cost more than the query.
    late = (deadlines.open_deadlines(user, QueryDict("late=1&party=unit")).select_related(None).select_related("item")
            .only("id", "kind", "due_on", "state", "unit", "item__id", "item__number", "item__title"))
    rows = deadlines.with_working_days(late)
    out: dict[int, dict[int, dict]] = {}
    for d in rows:
        if d.item is None:
            continue
        entry = out.setdefault(d.unit_id, {}).setdefault(d.item_id, {"item": d.item, "kinds": [], "days_late": 0})
        if d.get_kind_display() not in entry["kinds"]:
            entry["kinds"].append(d.get_kind_display())
        entry["days_late"] = max(entry["days_late"], d.days_late)
    return {u: sorted(items.values(), key=lambda e: (-e["days_late"], e["item"].pk)) for u, items in out.items()}


def _ratings_by_unit(user) -> tuple[list[tuple[str, str]], dict[int, dict]]:
    """The unit table's ratings for the current session of each assembly, added up per unit."""
    grades = list(FeedbackGrade.objects.values_list("code", "name"))
    out: dict[int, dict] = {}
    for s in Session.objects.filter(is_current=True).order_by("assembly"):
        for row in service.units(service.requested(user, {"kind": "session", "value": str(s.pk)}))["units"]:
            r = out.setdefault(row["id"], {"grades": dict.fromkeys(row["grades"], 0), "disagreed": 0, "praise": 0, "items": 0})
            for code, n in row["grades"].items():
                r["grades"][code] = r["grades"].get(code, 0) + n
            r["disagreed"] += row["disagreed"]
            r["praise"] += row["praise"]
            r["items"] += row["lead"] + row["separate"] + row["co"]
    return grades, out


def _key_items_by_unit(unit_ids) -> dict[int, list]:
    """Key items (重点提案) each unit handles now, open ones first."""
    out: dict[int, list] = {}
    seen = set()  # (unit, item): a unit may hold an item twice (lead, then co after an adjustment)
    rows = (Assignment.objects.filter(unit_id__in=unit_ids, item__is_key=True).exclude(state=Assignment.State.ENDED)
            .select_related("item").only("id", "unit", "item__id", "item__number", "item__title", "item__state")
            .order_by(F("item__closed_at").asc(nulls_first=True), "item_id"))
    for a in rows:
        if (a.unit_id, a.item_id) not in seen:
            seen.add((a.unit_id, a.item_id))
            out.setdefault(a.unit_id, []).append(a.item)
    return out


def portfolio(user) -> list[dict]:
    """One card per unit of the leader's portfolio, the worst first: most items late, then most
    unsatisfied ratings (a grade that sends the item back, or 不同意), then the lowest share
    satisfied."""
    check_portfolio(user)
    unit_ids = sorted(actor_for(user).portfolio_unit_ids)
    names = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    late = _late_by_unit(user)
    grades, ratings = _ratings_by_unit(user)
    poor = set(FeedbackGrade.objects.filter(sends_to_rehandling=True).values_list("code", flat=True))
    keys = _key_items_by_unit(unit_ids)
    cards = []
    for uid in unit_ids:
        r = ratings.get(uid, {"grades": {}, "disagreed": 0, "praise": 0, "items": 0})
        counts = [(code, name, r["grades"].get(code, 0)) for code, name in grades]
        rated = sum(n for _, _, n in counts)
        satisfied = sum(n for _, _, n in counts[:SATISFIED_GRADES])
        unhappy = sum(n for code, _, n in counts if code in poor) + r["disagreed"]
        key = keys.get(uid, [])
        cards.append({
            "id": uid, "name": names.get(uid, ""), "late": late.get(uid, []), "items": r["items"],
            "grades": counts, "rated": rated, "satisfied_share": rate(satisfied, rated), "satisfied_names": [n for _, n, _ in counts[:SATISFIED_GRADES]],
            "unhappy": unhappy, "disagreed": r["disagreed"], "praise": r["praise"],
            "key": key, "key_open": sum(1 for i in key if i.state != ItemState.CLOSED),
        })
    cards.sort(key=lambda c: (-len(c["late"]), -c["unhappy"], c["satisfied_share"] if c["rated"] else 101, c["name"]))
    return cards
