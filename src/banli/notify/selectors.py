"""Reads of a person's own inbox and channel choice. Everyone reads only their own rows.

The inbox is read in groups: one per day and kind ("今天 · 新交办 · 12 条"). Notifications about
work the person's to-do list carries (banli.notify.todo) are listed but are not counted as unread."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Q, QuerySet, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from .messages import Label, kind_label
from .models import ChannelMinimum, Notification, NotificationPreference
from .todo import carried_kinds, not_unread

SHOWN_PER_GROUP = 10  # listed in an opened group; the rest through the group's own list


def inbox(user, *, unread_only: bool = False, kind: str = "", day: datetime.date | None = None) -> QuerySet[Notification]:
    """The person's notifications, newest first (one group's when kind and day are given)."""
    qs = Notification.objects.filter(recipient=user).select_related("item").order_by("-id")
    if kind:
        qs = qs.filter(kind=kind)
    if day:
        qs = qs.filter(created_at__gte=_start(day), created_at__lt=_start(day + datetime.timedelta(days=1)))
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user) -> int:
    """Unread notifications that are news: those about work on the person's to-do list are not."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).exclude(kind__in=carried_kinds(user)).count()


@dataclass
class Group:
    day: datetime.date
    kind: str
    label: Label
    total: int
    unread: int  # unread news; 0 for a group the to-do list carries or kept for the record
    quiet: str  # "todo": the to-do list carries this kind for this person; "record": kept for the record; "": news
    latest_id: int
    notes: list = field(default_factory=list)  # the newest SHOWN_PER_GROUP

    @property
    def more(self) -> int:
        return max(self.total - len(self.notes), 0)


def inbox_groups(user, *, unread_only: bool = False) -> list[Group]:
    """The person's notifications as groups by day and kind: groups with unread news first (the
    latest day first, then the latest group), then the rest in the same order. One query whatever the number of notifications; the
    notifications themselves are fetched for the groups shown (fill_groups)."""
    quiet = not_unread(user)
    qs = Notification.objects.filter(recipient=user)
    rows = (qs.annotate(day=TruncDate("created_at")).values("day", "kind")
            .annotate(total=Count("id"), unread=Count("id", filter=Q(read_at__isnull=True)), latest=Max("id")).order_by())
    groups = [Group(day=r["day"], kind=r["kind"], label=kind_label(r["kind"]), total=r["total"],
                    unread=0 if r["kind"] in quiet else r["unread"], quiet=quiet.get(r["kind"], ""), latest_id=r["latest"])
              for r in rows]
    if unread_only:
        groups = [g for g in groups if g.unread]
    groups.sort(key=lambda g: (g.unread == 0, -g.day.toordinal(), -g.latest_id))
    return groups


def fill_groups(user, groups: list[Group]) -> list[Group]:
    """The newest notifications of each of these groups, in one query (a window per group)."""
    if not groups:
        return groups
    which = Q()
    for g in groups:
        which |= Q(kind=g.kind, created_at__gte=_start(g.day), created_at__lt=_start(g.day + datetime.timedelta(days=1)))
    notes = (Notification.objects.filter(recipient=user).filter(which)
             .annotate(day=TruncDate("created_at"),
                       rank=Window(RowNumber(), partition_by=[TruncDate("created_at"), F("kind")], order_by=F("id").desc()))
             .filter(rank__lte=SHOWN_PER_GROUP).order_by("-id"))
    by_group = {(g.day, g.kind): g for g in groups}
    for n in notes:
        by_group[(n.day, n.kind)].notes.append(n)
    return groups


def _start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def preference(user) -> NotificationPreference:
    """The person's choice; without a row, the defaults (in-app only), unsaved."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def office_minimums() -> dict[str, list[str]]:
    """kind -> the channels the office requires for it, whatever a person chose."""
    return {m.kind: sorted(m.channels()) for m in ChannelMinimum.objects.all() if m.channels()}
