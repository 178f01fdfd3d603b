"""Reads of the organisation (DESIGN.md "Reads are selectors")."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery

from .models import StaffRole, Unit


def district_leaders() -> QuerySet:
    """Active users holding the district-leader role (区领导), by id, each with `title` (the
    role's 职务) and `portfolio`: the active units they supervise, in the units' own order. Two
    queries whatever their number: mark_key's leader_id is one of these ids."""
    roles = StaffRole.objects.filter(user=OuterRef("pk"), kind=StaffRole.Kind.DISTRICT_LEADER)
    return (
        get_user_model().objects.filter(Exists(roles), is_active=True)
        .annotate(title=Subquery(roles.order_by("id").values("title")[:1]))
        .prefetch_related(Prefetch("portfolio_units", queryset=Unit.objects.filter(active=True).only("id", "name", "kind",
                                                                                                       "supervising_leader_id"),
                                   to_attr="portfolio"))
        .only("id", "username", "first_name", "last_name")
        .order_by("id")
    )
