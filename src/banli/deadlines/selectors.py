"""Reads for supervision: open milestones (late first) and overdue events, scoped by who asks.
The office sees all; a unit its own; a district leader the portfolio's units and the key items
supervised; an assembly office the registration reviews of its assembly."""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from banli.errors import invalid
from banli.params import id_param
from banli.proposals.access import actor_for

from .models import Deadline, Milestone, OverdueEvent


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
        cond |= Q(**{f"{item_prefix}key_leader": user})
    if a.assembly_offices:
        cond |= Q(kind=Milestone.REGISTER, **{f"{item_prefix}assembly__in": a.assembly_offices})
    return cond


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


def open_deadlines(user, params) -> QuerySet[Deadline]:
    qs = _common_filters(Deadline.objects.filter(state__in=(Deadline.State.OPEN, Deadline.State.LATE)), user, params)
    if params.get("late") in ("1", "true", "yes"):
        qs = qs.filter(state=Deadline.State.LATE)
    late_first = Case(When(state=Deadline.State.LATE, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.select_related("item", "unit").order_by(late_first, "due_on", "id")


def overdue_events(user, params) -> QuerySet[OverdueEvent]:
    qs = _common_filters(OverdueEvent.objects.all(), user, params)
    year = id_param(params, "year")
    if year:
        qs = qs.filter(due_on__year=year)
    return qs.select_related("item", "unit").order_by("-due_on", "id")
