"""Reads: the letterhead in force, and the assignments behind a batch of notices."""

from django.db.models import Case, IntegerField, Value, When

from banli.errors import invalid
from banli.params import id_param
from banli.proposals import selectors as item_selectors
from banli.proposals.models import Assignment

from .models import Letterhead

# The office prints a session's notices in a week (300 or so); a larger batch is asked in parts.
MAX_NOTICES = 1000
ROLE_ORDER = Case(When(role="lead", then=Value(0)), When(role="separate", then=Value(1)), default=Value(2), output_field=IntegerField())


def letterhead() -> Letterhead:
    """The office's letterhead, or the defaults until it saves one."""
    return Letterhead.objects.order_by("id").first() or Letterhead()


def batch_notices(user, params) -> list[tuple[Assignment, list[Assignment]]]:
    """Each active assignment of the items the list shows with these filters (of one unit when the
    list is filtered by unit), with its item's other active assignments: three queries whatever the
    number of items (the items' ids inside the first)."""
    items = item_selectors.item_list(user, params).prefetch_related(None).order_by().values("pk")
    rows = list(Assignment.objects.filter(item_id__in=items).exclude(state=Assignment.State.ENDED)
                .select_related("item__proposer", "item__category", "item__session__term", "unit")
                .order_by("item__session_id", "item__number", "item_id", ROLE_ORDER, "id")[:MAX_NOTICES + 1])
    if len(rows) > MAX_NOTICES:
        raise invalid(None, f"一次最多打印 {MAX_NOTICES} 份交办单，请按会次或承办单位筛选后分批打印。",
                      f"At most {MAX_NOTICES} notices at a time: filter by session or unit and print in parts.")
    by_item = {}
    for a in rows:
        by_item.setdefault(a.item_id, []).append(a)
    unit = id_param(params, "unit")
    if unit:
        # The other units of each item still appear on the notice (主办、会办单位).
        mine = [a for a in rows if a.unit_id == unit]
        return [(a, by_item[a.item_id]) for a in mine]
    return [(a, by_item[a.item_id]) for a in rows]
