"""Writes of a person's own inbox and channel choice; every door (the API, the pages) calls these.

Marking a notification read is the reader's bookkeeping, not a business event: no audit row.
Changing one's channels or numbers decides who is reached by SMS and e-mail, so it is audited."""

import datetime

from django.db import transaction
from django.utils import timezone

from banli.audit.service import record
from banli.errors import not_found
from banli.params import MAX_ID

from .models import Notification, NotificationPreference

PREFERENCE_FIELDS = ("by_sms", "by_email", "phone", "email")


@transaction.atomic
def mark_read(user, notification_id: int) -> int:
    """Mark one of the person's own notifications read; 1 if it was unread, 0 if already read.
    Someone else's answers exactly like a missing one."""
    try:
        pk = int(notification_id)
    except (TypeError, ValueError):
        raise not_found() from None
    if not 1 <= pk <= MAX_ID:
        raise not_found()
    mine = Notification.objects.filter(recipient=user, pk=pk)
    if not mine.exists():
        raise not_found()
    return mine.filter(read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def mark_all_read(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def mark_group_read(user, kind: str, day) -> int:
    """Mark one of the inbox's groups read (the person's notifications of one kind on one day,
    local time); the number marked. A group that does not exist marks nothing."""
    from .selectors import inbox

    try:
        day = datetime.date.fromisoformat(str(day))
    except ValueError:
        raise not_found() from None
    return inbox(user, kind=str(kind)[:40], day=day).filter(read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def save_preferences(user, **changes) -> NotificationPreference:
    """Set some of the person's own channel choices (by_sms, by_email, phone, email), already
    checked by the door's input rules. Setting what is already set changes nothing."""
    unknown = set(changes) - set(PREFERENCE_FIELDS)
    if unknown:
        raise TypeError(f"not a preference: {', '.join(sorted(unknown))}")
    pref, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    before = {f: getattr(pref, f) for f, v in changes.items() if getattr(pref, f) != v}
    if not before:
        return pref
    for field in before:
        setattr(pref, field, changes[field])
    pref.save(update_fields=list(before))
    record(actor=user, action="set_notification_channels", target=pref, before=before, after={f: changes[f] for f in before})
    return pref
