"""Notifications are side effects: they are written only after the action's transaction commits,
so a refused or rolled-back action tells nobody anything.

notify_after_commit writes the in-app rows and queues SMS / e-mail in the outbox for the channels
each person gets (their choice ∪ the office's minimum for the kind); banli.notify.outbox.deliver_due
sends those later, with retries."""

from django.db import transaction

from .channels import all_channels
from .outbox import queue_messages


def notify_now(user_ids, kind: str, text: str, item_id: int | None = None, *, now=None) -> None:
    """Tell these people now: the in-app rows and the outbox rows in one transaction."""
    ids = sorted({u for u in user_ids if u})
    if not ids:
        return
    with transaction.atomic():
        for channel in all_channels():
            if not channel.queued:
                channel.deliver_now(ids, kind, text, item_id)
        queue_messages(ids, kind, text, item_id, now=now)


def notify_after_commit(user_ids, kind: str, text: str, item_id: int | None = None) -> None:
    ids = sorted({u for u in user_ids if u})
    if not ids:
        return
    transaction.on_commit(lambda: notify_now(ids, kind, text, item_id))


def notify_many_now(messages, *, now=None) -> int:
    """Many notifications at once, e.g. the daily scan's reminders: a fixed number of queries
    whatever the number of messages. messages: iterable of (user_ids, kind, text, item_id)."""
    from django.utils import timezone

    from .models import Channel, ChannelMinimum, Notification, NotificationPreference, OutboxMessage
    from .outbox import State, earliest, queued_channels
    from .preferences import chosen_channels

    now = now or timezone.now()
    batch = [(sorted({u for u in users if u}), kind, text, item_id) for users, kind, text, item_id in messages]
    batch = [m for m in batch if m[0]]
    if not batch:
        return 0
    everyone = sorted({u for users, *_ in batch for u in users})
    minimums = {m.kind: m.channels() for m in ChannelMinimum.objects.filter(kind__in={k for _, k, _, _ in batch})}
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=everyone)}
    channels = list(queued_channels())
    addresses = {c.key: c.addresses(everyone, prefs) for c in channels}
    inapp, outbox = [], []
    for users, kind, text, item_id in batch:
        floor = minimums.get(kind, set()) | {Channel.INAPP}
        inapp += [Notification(recipient_id=u, kind=kind, text=text[:300], item_id=item_id) for u in users]
        for c in channels:
            for u in users:
                if c.key not in floor | chosen_channels(prefs.get(u)):
                    continue
                common = dict(channel=c.key, recipient_id=u, kind=kind, text=text, item_id=item_id)
                address = addresses[c.key].get(u)
                outbox.append(OutboxMessage(**common, address=address, next_attempt_at=earliest(c, now)) if address
                              else OutboxMessage(**common, state=State.FAILED, last_error=c.missing_address))
    with transaction.atomic():
        Notification.objects.bulk_create(inapp, batch_size=2000)
        OutboxMessage.objects.bulk_create(outbox, batch_size=2000)
    return len(inapp)


def notify_many_after_commit(messages) -> None:
    messages = list(messages)
    if messages:
        transaction.on_commit(lambda: notify_many_now(messages))
