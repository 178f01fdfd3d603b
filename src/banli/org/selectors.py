"""Reads of the organisation (DESIGN.md "Reads are selectors")."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from .models import Person, StaffRole, Unit

PEOPLE_SEARCH_LIMIT = 20


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


def search_people(q: str = "", assembly: str | None = None) -> QuerySet[Person]:
    """The co-signer picker: active members/deputies whose name or sector contains q, by name,
    at most PEOPLE_SEARCH_LIMIT."""
    qs = Person.objects.filter(active=True)
    if assembly:
        qs = qs.filter(assembly=assembly)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(sector__icontains=q))
    return qs.order_by("name")[:PEOPLE_SEARCH_LIMIT]
