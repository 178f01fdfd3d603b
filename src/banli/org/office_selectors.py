"""Reads of the office's administration pages (系统管理): accounts with their roles, units with
their liaisons, district leaders' portfolios, terms and sessions, the calendar and the
notification floors. Each list is a fixed number of queries whatever its length (prefetches,
not a query per row)."""

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear

from banli.notify.models import ChannelMinimum
from banli.workdays.calendar import package_covers
from banli.workdays.models import CalendarDay, CalendarYear

from .models import Person, Session, SessionPolicy, StaffRole, Term, Unit, UnitLiaison

User = get_user_model()

ROLE_FILTERS = {
    "gov_office": Q(staff_roles__kind=StaffRole.Kind.GOV_OFFICE),
    "assembly_office": Q(staff_roles__kind=StaffRole.Kind.ASSEMBLY_OFFICE),
    "district_leader": Q(staff_roles__kind=StaffRole.Kind.DISTRICT_LEADER),
    "liaison": Q(liaison_posts__ended_on__isnull=True, liaison_posts__isnull=False),
    "unit_leader": Q(led_units__isnull=False),
    "person": Q(people__isnull=False),
    "superuser": Q(is_superuser=True),
}

_CURRENT_POSTS = UnitLiaison.objects.filter(ended_on__isnull=True).select_related("unit").only("id", "user_id", "unit__id", "unit__name")


def users(q: str = "", role: str = "", active: str = "") -> QuerySet:
    """Accounts matching the search (username, name, e-mail, or a person they act for), each
    with its roles, current liaison posts, units led and people; by name."""
    qs = User.objects.all()
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q)
                       | Q(people__name__icontains=q))
    if role in ROLE_FILTERS:
        qs = qs.filter(ROLE_FILTERS[role])
    if active in ("1", "0"):
        qs = qs.filter(is_active=active == "1")
    # Joins through roles and posts can repeat a user: keep each once.
    qs = qs.filter(pk__in=qs.values("pk")) if q or role in ROLE_FILTERS else qs
    return qs.order_by("-is_active", "first_name", "username").prefetch_related(
        Prefetch("staff_roles", queryset=StaffRole.objects.order_by("kind", "assembly")),
        Prefetch("liaison_posts", queryset=_CURRENT_POSTS, to_attr="current_posts"),
        Prefetch("led_units", queryset=Unit.objects.only("id", "name", "leader_id")),
        Prefetch("people", queryset=Person.objects.only("id", "name", "assembly", "user_id")),
    )


def user_detail(user_id):
    """One account with everything the office's page shows of it: roles, every liaison service
    (ended ones too), units led and supervised, the people it acts for."""
    return User.objects.filter(pk=user_id).prefetch_related(
        Prefetch("staff_roles", queryset=StaffRole.objects.order_by("kind", "assembly")),
        Prefetch("liaison_posts", queryset=UnitLiaison.objects.select_related("unit").order_by("-started_on", "-id"), to_attr="posts"),
        Prefetch("led_units", queryset=Unit.objects.only("id", "name", "leader_id")),
        Prefetch("portfolio_units", queryset=Unit.objects.only("id", "name", "supervising_leader_id")),
        Prefetch("people", queryset=Person.objects.only("id", "name", "assembly", "user_id", "sector")),
    ).first()


def linkable_people(user, q: str = "", limit: int = 20) -> QuerySet:
    """Members and deputies without an account, for linking to this one."""
    qs = Person.objects.filter(user__isnull=True, active=True)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(sector__icontains=q))
    return qs.order_by("assembly", "name")[:limit]


def people_named(raw_id) -> list:
    """The person a posted form names (none if the value is not an id)."""
    raw = str(raw_id or "")
    return list(Person.objects.filter(pk=int(raw))) if raw.isdigit() and len(raw) <= 18 else []


def units(q: str = "", kind: str = "", active: str = "") -> QuerySet:
    """Units with their leader, supervising leader and current liaisons."""
    qs = Unit.objects.select_related("leader", "supervising_leader")
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if active in ("1", "0"):
        qs = qs.filter(active=active == "1")
    current = UnitLiaison.objects.filter(ended_on__isnull=True).select_related("user").order_by("started_on")
    return qs.order_by("-active", "kind", "name").prefetch_related(Prefetch("liaisons", queryset=current, to_attr="current_liaisons"))


def unit_detail(unit_id):
    history = UnitLiaison.objects.select_related("user").order_by(F("ended_on").desc(nulls_first=True), "-started_on", "-id")
    return (Unit.objects.filter(pk=unit_id).select_related("leader", "supervising_leader")
            .prefetch_related(Prefetch("liaisons", queryset=history, to_attr="history")).first())


def active_users() -> QuerySet:
    """Accounts that may be named as a unit's leader or liaison, by name."""
    return User.objects.filter(is_active=True).order_by("first_name", "username").only("id", "username", "first_name", "last_name")


def district_leaders() -> QuerySet:
    return (User.objects.filter(staff_roles__kind=StaffRole.Kind.DISTRICT_LEADER).distinct()
            .order_by("-is_active", "first_name", "username")
            .prefetch_related(Prefetch("staff_roles", queryset=StaffRole.objects.filter(kind=StaffRole.Kind.DISTRICT_LEADER)),
                              Prefetch("portfolio_units", queryset=Unit.objects.order_by("kind", "name"))))


def unsupervised_units() -> QuerySet:
    return Unit.objects.filter(supervising_leader__isnull=True, active=True).order_by("kind", "name")


def terms() -> QuerySet:
    """Every term with its sessions, newest first."""
    return Term.objects.order_by("-starts_on", "assembly").prefetch_related(
        Prefetch("sessions", queryset=Session.objects.order_by("ordinal")))


def session_policy(session) -> SessionPolicy:
    return SessionPolicy.for_session(session)


def calendar_years(around: int) -> list[dict]:
    """The years the office may look at (those with entered days or a notice, and the current
    year with the next): for each, whether the package covers it, its notice row and its count of
    entered days. Two queries."""
    notices = {row.year: row for row in CalendarYear.objects.all()}
    counts = dict(CalendarDay.objects.annotate(y=ExtractYear("date")).values("y").annotate(n=Count("id")).values_list("y", "n"))
    years = sorted(set(notices) | set(counts) | {around, around + 1}, reverse=True)
    return [{"year": y, "package": package_covers(y), "notice": notices.get(y), "days": counts.get(y, 0),
             "has_data": package_covers(y) or bool(notices.get(y) and notices[y].complete)} for y in years]


def calendar_days(year: int) -> QuerySet:
    return CalendarDay.objects.filter(date__year=year).order_by("date")


def channel_minimums() -> QuerySet:
    return ChannelMinimum.objects.order_by("kind")
