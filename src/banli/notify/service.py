"""Notifications are side effects: they are written only after the action's transaction commits,
so a refused or rolled-back action tells nobody anything.

notify_after_commit writes the in-app rows; for the kinds that cannot wait (banli.notify.digest.
IMMEDIATE: deadline reminders, urge notices) it also queues SMS / e-mail in the outbox for the
channels each person gets (their choice ∪ the office's minimum for the kind), which
banli.notify.outbox.deliver_due sends later, with retries. Everything else reaches SMS and e-mail
once a day, in the person's digest (banli.notify.digest.send_digests)."""

from django.db import transaction

from .channels import all_channels
from .digest import immediate
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
        if immediate(kind):
            queue_messages(ids, kind, text, item_id, now=now)


def notify_after_commit(user_ids, kind: str, text: str, item_id: int | None = None) -> None:
    ids = sorted({u for u in user_ids if u})
    if not ids:
        return
    transaction.on_commit(lambda: notify_now(ids, kind, text, item_id))


def notify_many_now(messages, *, now=None) -> int:
    """Many notifications at once, e.g. the daily scan's reminders: a fixed number of reads
    whatever the number of messages. messages: iterable of (user_ids, kind, text, item_id)."""
    from .messages import parse
    from .models import Notification, OutboxMessage
    from .outbox import outbox_rows

    messages = [(sorted({u for u in users if u}), kind, text, item_id) for users, kind, text, item_id in messages]
    inapp = [Notification(recipient_id=u, kind=kind, text=text[:300], params=parse(kind, text), item_id=item_id)
             for users, kind, text, item_id in messages for u in users]
    if not inapp:
        return 0
    with transaction.atomic():
        Notification.objects.bulk_create(inapp, batch_size=2000)
        OutboxMessage.objects.bulk_create(outbox_rows([m for m in messages if immediate(m[1])], now=now), batch_size=2000)
    return len(inapp)


def notify_many_after_commit(messages) -> None:
    messages = list(messages)
    if messages:
        transaction.on_commit(lambda: notify_many_now(messages))
