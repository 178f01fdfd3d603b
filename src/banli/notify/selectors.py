"""Reads of a person's own inbox and channel choice. Everyone reads only their own rows."""

from django.db.models import QuerySet

from .models import ChannelMinimum, Notification, NotificationPreference


def inbox(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The person's notifications, newest first."""
    qs = Notification.objects.filter(recipient=user).select_related("item").order_by("-id")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def preference(user) -> NotificationPreference:
    """The person's choice; without a row, the defaults (in-app only), unsaved."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def office_minimums() -> dict[str, list[str]]:
    """kind -> the channels the office requires for it, whatever a person chose."""
    return {m.kind: sorted(m.channels()) for m in ChannelMinimum.objects.all() if m.channels()}
