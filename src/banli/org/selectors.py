"""Reads of the organisation (DESIGN.md "Reads are selectors")."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from .models import Person, StaffRole, Unit, UnitLiaison

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


def role_rows(user) -> list[tuple]:
    """(part, role kind, role assembly, id, unit leader, supervising leader, unit active) rows: part 1
    a staff role, 2 a unit led or supervised, 3 a unit served as liaison now (its id), 4 a member or
    deputy record (its id). Written as SQL because the ORM unites querysets only of one shape; the
    NULLs are typed for PostgreSQL, which matches the parts' columns by type. Read once per request
    (kept on the user object): the reader's roles (banli.proposals.access.actor_for) and the
    second-factor rule (banli.org.twofactor) both come from these rows, one query in all."""
    cached = getattr(user, "_banli_role_rows", None)
    if cached is not None:
        return cached
    qn = connection.ops.quote_name
    role, unit, liaison, person = (qn(m._meta.db_table) for m in (StaffRole, Unit, UnitLiaison, Person))
    none_text, none_int, none_bool = "CAST(NULL AS VARCHAR(40))", "CAST(NULL AS INTEGER)", "CAST(NULL AS BOOLEAN)"
    sql = (f"SELECT 1, kind, assembly, {none_int}, {none_int}, {none_int}, {none_bool} FROM {role} WHERE user_id = %s "
           f"UNION ALL SELECT 2, {none_text}, {none_text}, id, leader_id, supervising_leader_id, active FROM {unit} "
           f"WHERE leader_id = %s OR supervising_leader_id = %s "
           f"UNION ALL SELECT 3, {none_text}, {none_text}, unit_id, {none_int}, {none_int}, {none_bool} FROM {liaison} "
           f"WHERE user_id = %s AND ended_on IS NULL "
           f"UNION ALL SELECT 4, {none_text}, {none_text}, id, {none_int}, {none_int}, {none_bool} FROM {person} WHERE user_id = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk] * 5)
        user._banli_role_rows = rows = cursor.fetchall()
    return rows
