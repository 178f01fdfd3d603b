"""The figures of the yearly report (DOMAIN §6.1), as pure functions over the records: the same
records give the same figures, whoever asks and whenever. Each figure is computed for the period
and for the one before, with a fixed number of queries whatever the number of items.

What counts as received: an item registered (立案) in the period and not since rejected, merged
into another, converted to an opinion or withdrawn. Shares of a breakdown add up to 100 (largest
remainder); single rates are rounded half up."""

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from banli.org.models import FeedbackGrade, ReplyType
from banli.proposals.models import Assignment, AssignmentRole, Feedback, Item, ItemState

from .periods import Period, previous
from .rounding import rate, shares

NOT_RECEIVED = (ItemState.DRAFT, ItemState.SUBMITTED, ItemState.NOT_REGISTERED, ItemState.MERGED, ItemState.CONVERTED, ItemState.WITHDRAWN)
TOP_UNITS = 5


def received(p: Period, prefix: str = "") -> Q:
    """The period's received items, as a filter (prefix: path to the item from another model)."""
    return p.items(prefix) & Q(**{f"{prefix}registered_at__isnull": False}) & ~Q(**{f"{prefix}state__in": NOT_RECEIVED})


def _breakdown(rows: list[dict]) -> list[dict]:
    for row, pct in zip(rows, shares([r["count"] for r in rows])):
        row["share"] = pct
    return rows


def _figures(p: Period, reply_types, grades) -> dict:
    items = Item.objects.filter(received(p))
    is_c = Q(reply_type__closure=ReplyType.Closure.FEEDBACK)
    is_b = Q(reply_type__needs_planned_date=True)
    totals = items.aggregate(
        received=Count("pk"), replied=Count("pk", filter=Q(replied_at__isnull=False)),
        closed=Count("pk", filter=Q(state=ItemState.CLOSED)), key=Count("pk", filter=Q(is_key=True)),
        key_closed=Count("pk", filter=Q(is_key=True, state=ItemState.CLOSED)),
        b_open=Count("pk", filter=is_b & ~Q(state=ItemState.CLOSED)), c=Count("pk", filter=is_c),
    )
    # Categories: a sub-category counts under its top-level category.
    cats = (items.annotate(top=Coalesce("category__parent__name", "category__name"))
            .values("top").annotate(count=Count("pk")).order_by("-count", "top"))
    by_category = _breakdown([{"name": c["top"] or "未分类", "count": c["count"]} for c in cats])
    types = dict(items.filter(reply_type__isnull=False).values_list("reply_type__code").annotate(n=Count("pk")))
    by_type = _breakdown([{"code": t.code, "name": t.name, "name_en": t.name_en, "count": types.get(t.code, 0)} for t in reply_types])
    # Units: every unit handling a received item; the largest share counts the items it leads.
    units = list(Assignment.objects.filter(received(p, "item__")).exclude(state=Assignment.State.ENDED)
                 .values("unit_id", "unit__name")
                 .annotate(led=Count("item", filter=Q(role__in=(AssignmentRole.LEAD, AssignmentRole.SEPARATE)), distinct=True),
                           items=Count("item", distinct=True))
                 .order_by("-led", "unit__name"))
    top = [{"id": u["unit_id"], "name": u["unit__name"], "items": u["led"], "share": rate(u["led"], totals["received"])}
           for u in units[:TOP_UNITS] if u["led"]]
    early = Assignment.objects.filter(received(p, "item__"), closed_early=True).aggregate(n=Count("item", distinct=True))["n"]
    fb = Feedback.objects.filter(received(p, "item__"))
    fb_totals = fb.aggregate(
        given=Count("pk", filter=Q(lapsed=False)), lapsed=Count("pk", filter=Q(lapsed=True)),
        disagreed=Count("item", filter=Q(agrees=False), distinct=True),
        praised_items=Count("item", filter=Q(praise=True), distinct=True),
        praised_units=Count("reply__assignment__unit", filter=Q(praise=True), distinct=True),
    )
    by_grade_n = dict(fb.filter(lapsed=False).values_list("grade__code").annotate(n=Count("pk")))
    by_grade = _breakdown([{"code": g.code, "name": g.name, "name_en": g.name_en, "count": by_grade_n.get(g.code, 0)} for g in grades])
    return {
        "period": p.as_dict(),
        "received": totals["received"], "units_involved": len(units), "top_units": top,
        "by_category": by_category,
        "replied": totals["replied"], "by_reply_type": by_type,
        "closed": totals["closed"], "closure_rate": rate(totals["closed"], totals["received"]),
        "b_closed_early": early, "b_in_progress": totals["b_open"],
        "feedback": fb_totals["given"], "feedback_lapsed": fb_totals["lapsed"], "by_grade": by_grade,
        "praised_items": fb_totals["praised_items"], "praised_units": fb_totals["praised_units"],
        "disagreed_items": fb_totals["disagreed"],
        "c_items": totals["c"], "c_share": rate(totals["c"], totals["replied"]),
        "key_items": totals["key"], "key_closed": totals["key_closed"],
    }


def yearly_figures(p: Period, *, as_of=None) -> dict:
    """Everything the yearly report says, for the period and the one before (None if none)."""
    reply_types = list(ReplyType.objects.filter(active=True))
    grades = list(FeedbackGrade.objects.all())
    before = previous(p)
    return {
        "as_of": (as_of or timezone.localdate()).isoformat(),
        "current": _figures(p, reply_types, grades),
        "previous": _figures(before, reply_types, grades) if before else None,
    }
