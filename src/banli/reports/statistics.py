"""The figures of the yearly report (DOMAIN §6.1), as pure functions over the records: the same
records give the same figures, whoever asks and whenever. Each figure is computed for the period
and for the one before, as the records stood at the end of the report's 截至 day (asof.py), with
a fixed number of queries whatever the number of items.

What counts as received: an item registered (立案) in the period by then and not since rejected,
merged into another, converted to an opinion or withdrawn. Items are counted once each: by the
reply type in force and by the rating in force (asof.py says which). Shares of a breakdown add up
to 100 (largest remainder); single rates are rounded half up. A figure that is a breakdown's
share (the C share is the C row of the reply types) is that share wherever it is stated."""

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce

from banli.org.models import FeedbackGrade, ReplyType
from banli.proposals.models import Assignment, AssignmentRole, Feedback, Item, Reply

from . import asof
from .asof import NOT_RECEIVED, AsOf  # noqa: F401  (NOT_RECEIVED: part of this module's interface)
from .periods import Period, previous
from .rounding import rate, shares

TOP_UNITS = 5


def received(p: Period, prefix: str = "", at: AsOf | None = None) -> Q:
    """The period's received items as a filter (prefix: path to the item from another model)."""
    return asof.received(p, at or asof.as_of(), prefix)


def _breakdown(rows: list[dict]) -> list[dict]:
    for row, pct in zip(rows, shares([r["count"] for r in rows])):
        row["share"] = pct
    return rows


def _classified(items, at: AsOf) -> list[dict]:
    """The items grouped by what the figures ask of each (reply type and rating in force, key
    item, closed, contacts made): one pass, each per-item subquery evaluated once; the groups
    are few (a few dozen) whatever the number of items."""
    closed = Case(When(closed_at__lt=at.end, then=Value(True)), default=Value(False), output_field=BooleanField())
    return list(items.annotate(type_now=asof.latest_reply(at, "reply_type_id"), rating_now=asof.item_rating(at), key_now=asof.key_by(at),
                               closed_now=closed, contacts_now=asof.contacts_made(at))
                .values("type_now", "rating_now", "key_now", "closed_now", "contacts_now").annotate(n=Count("pk")).order_by())


def _sum(groups, test) -> int:
    return sum(g["n"] for g in groups if test(g))


def _figures(p: Period, at: AsOf, reply_types, grades) -> dict:
    items = Item.objects.filter(received(p, at=at))
    planned = {t.pk for t in reply_types if t.needs_planned_date}
    for_reference = {t.pk for t in reply_types if t.closure == ReplyType.Closure.FEEDBACK}
    groups = _classified(items, at)
    replied = [g for g in groups if g["type_now"] is not None]
    totals = {
        "received": _sum(groups, lambda g: True), "replied": _sum(replied, lambda g: True), "closed": _sum(groups, lambda g: g["closed_now"]),
        "key": _sum(groups, lambda g: g["key_now"]), "key_closed": _sum(groups, lambda g: g["key_now"] and g["closed_now"]),
        "b_open": _sum(replied, lambda g: g["type_now"] in planned and not g["closed_now"]),
        "c": _sum(replied, lambda g: g["type_now"] in for_reference),
        "rated": _sum(groups, lambda g: g["rating_now"]), "lapsed": _sum(groups, lambda g: g["rating_now"] == 0),
        "contacts": _sum(replied, lambda g: g["contacts_now"] == asof.ALL_CONTACTS),
    }
    # Categories: a sub-category counts under its top-level category.
    cats = (items.annotate(top=Coalesce("category__parent__name", "category__name"))
            .values("top").annotate(count=Count("pk")).order_by("-count", "top"))
    by_category = _breakdown([{"name": c["top"] or "未分类", "count": c["count"]} for c in cats])
    # Reply types: every active type, and a retired one only while items still stand under it,
    # so that the rows add up to the items replied.
    types = {t.pk: _sum(replied, lambda g, pk=t.pk: g["type_now"] == pk) for t in reply_types}
    by_type = _breakdown([{"code": t.code, "name": t.name, "name_en": t.name_en, "count": types[t.pk]}
                          for t in reply_types if t.active or types[t.pk]])
    # Units: every unit handling a received item; the largest share counts the items it leads.
    units = list(Assignment.objects.filter(received(p, "item__", at), asof.active_by(at))
                 .values("unit_id", "unit__name")
                 .annotate(led=Count("item", filter=Q(role__in=(AssignmentRole.LEAD, AssignmentRole.SEPARATE)), distinct=True),
                           items=Count("item", distinct=True))
                 .order_by("-led", "unit__name"))
    top = [{"id": u["unit_id"], "name": u["unit__name"], "items": u["led"], "share": rate(u["led"], totals["received"])}
           for u in units[:TOP_UNITS] if u["led"]]
    # Closed early (提前办结) is a planned-type (B) item's: done before its planned date. The flag is
    # also checked against the unit's reply then, as closures recorded before this rule flagged
    # any reply with a date.
    early = (Assignment.objects.filter(received(p, "item__", at), closed_early=True, closed_at__lt=at.end)
             .annotate(planned_now=asof.latest_reply(at, "reply_type__needs_planned_date", by="assignment"))
             .filter(planned_now=True).aggregate(n=Count("item", distinct=True))["n"])
    # Ratings: 不同意 and praise as given by then, on any reply (an item re-handled after 不同意
    # stays among the 不同意 items); re-handling as the rules start it (a first reply rated 不同意
    # or with a grade that sends it back), done once the unit's second reply is sent (an item
    # whose units re-handle separately is still in hand while any of them owes its second reply).
    second_sent = Exists(Reply.objects.filter(asof.sent_by(at), assignment=OuterRef("reply__assignment"), round__gte=2))
    rehandle = (Q(reply__round=1, lapsed=False) & (Q(agrees=False) | Q(grade__sends_to_rehandling=True)))
    fb = (Feedback.objects.filter(received(p, "item__", at), at__lt=at.end).annotate(second_sent=second_sent)
          .aggregate(disagreed=Count("item", filter=Q(agrees=False), distinct=True),
                     praised_items=Count("item", filter=Q(praise=True), distinct=True),
                     praised_units=Count("reply__assignment__unit", filter=Q(praise=True), distinct=True),
                     rehandled=Count("item", filter=rehandle, distinct=True),
                     rehandling=Count("item", filter=rehandle & Q(second_sent=False), distinct=True)))
    # Grades: each item once, by its rating in force; an item handled separately (分办) by the
    # rating given last (the unit table counts each unit's own).
    by_grade = _breakdown([{"code": g.code, "name": g.name, "name_en": g.name_en, "count": _sum(groups, lambda x, pk=g.pk: x["rating_now"] == pk)}
                           for g in grades])
    c_rows = [t for t in by_type if t["code"] in {x.code for x in reply_types if x.pk in for_reference}]
    return {
        "period": p.as_dict(),
        "received": totals["received"], "units_involved": len(units), "top_units": top,
        "by_category": by_category,
        "replied": totals["replied"], "by_reply_type": by_type,
        "closed": totals["closed"], "closure_rate": rate(totals["closed"], totals["received"]),
        "b_closed_early": early, "b_in_progress": totals["b_open"],
        "feedback": totals["rated"], "feedback_lapsed": totals["lapsed"], "by_grade": by_grade,
        "praised_items": fb["praised_items"], "praised_units": fb["praised_units"],
        "disagreed_items": fb["disagreed"],
        "rehandled_items": fb["rehandled"], "rehandled_done": fb["rehandled"] - fb["rehandling"], "rehandling_items": fb["rehandling"],
        # The C share is the C row of the breakdown by reply type (largest remainder), so the
        # prose, the tables and the tiles state one number for it.
        "c_items": totals["c"], "c_share": sum(r["share"] for r in c_rows),
        "contacts_all_three": totals["contacts"], "contacts_share": rate(totals["contacts"], totals["replied"]),
        "key_items": totals["key"], "key_closed": totals["key_closed"],
    }


def yearly_figures(p: Period, *, as_of=None) -> dict:
    """Everything the yearly report says, for the period and the one before (None if none), as
    the records stood at the end of the day as_of (default: today)."""
    at = asof.as_of(as_of)
    reply_types = list(ReplyType.objects.all())
    grades = list(FeedbackGrade.objects.all())
    before = previous(p)
    return {
        "as_of": at.day.isoformat(),
        "current": _figures(p, at, reply_types, grades),
        "previous": _figures(before, at, reply_types, grades) if before else None,
    }
