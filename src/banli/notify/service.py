"""Notifications are side effects: they are written only after the action's transaction commits,
so a refused or rolled-back action tells nobody anything."""

from django.db import transaction

from .models import Notification


def notify_after_commit(user_ids, kind: str, text: str, item_id: int | None = None) -> None:
    ids = sorted({u for u in user_ids if u})
    if not ids:
        return

    def deliver():
        Notification.objects.bulk_create([Notification(recipient_id=u, kind=kind, text=text[:300], item_id=item_id) for u in ids])

    transaction.on_commit(deliver)
