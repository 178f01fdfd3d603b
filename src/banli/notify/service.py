"""Telling people about a step: a transactional outbox.

notify() writes the in-app rows (the inbox) and, for the kinds that cannot wait
(banli.notify.digest.IMMEDIATE: deadline reminders, urge notices), the outbox rows for SMS and
e-mail on the channels each person gets (their choice ∪ the office's minimum for the kind), in the
transaction of the action that calls it. So the step and the news of it commit together or not at
all: a refused or rolled-back action tells nobody (its rows roll back with it), and a process that
dies right after the commit has still told everyone (the rows are in the database; issue 15.5).
Only the sending waits for the commit: banli.notify.outbox.deliver_after_commit starts a delivery
pass once the transaction has committed, and the outbox's own pass (Celery beat every minute, the
daily scan, `manage.py deliver_notifications`) picks up whatever a lost process did not send.
Everything that is not immediate reaches SMS and e-mail once a day, in the person's digest
(banli.notify.digest.send_digests).

    notify(user_ids, kind, text, item_id=None)      inside the action's transaction
    notify_many([(user_ids, kind, text, item_id), ...])   the same for many at once (the scan)

Called outside any transaction (a shell, a test), each opens one of its own for its rows."""

from django.db import transaction

from banli.copying import make, save

from .channels import all_channels
from .digest import immediate
from .models import OutboxMessage
from .outbox import deliver_after_commit, outbox_rows, queue_messages


def notify(user_ids, kind: str, text: str, item_id: int | None = None, *, now=None) -> None:
    """Tell these people about a step, in the caller's transaction: the in-app rows, and the outbox
    rows for an immediate kind, whose sending starts after the commit."""
    ids = sorted({u for u in user_ids if u})
    if not ids:
        return
    # savepoint=False: join the action's transaction as it is (no SAVEPOINT round trips); a
    # failure here fails the action, which is what "together or not at all" means.
    with transaction.atomic(savepoint=False):
        for channel in all_channels():
            if not channel.queued:
                channel.deliver_now(ids, kind, text, item_id)
        if immediate(kind) and _any_queued(queue_messages(ids, kind, text, item_id, now=now)):
            deliver_after_commit()


def notify_many(messages, *, now=None) -> int:
    """Many notifications at once, e.g. the daily scan's reminders, in the caller's transaction: a
    fixed number of queries whatever the number of messages. messages: iterable of
    (user_ids, kind, text, item_id). Returns the number of in-app rows written."""
    from .messages import parse
    from .models import Notification

    messages = [(sorted({u for u in users if u}), kind, text, item_id) for users, kind, text, item_id in messages]
    # The text is parsed once per message, not once per person told (a reminder escalated to the
    # unit's liaisons, its leader and the office: four or five rows, one text); make() is
    # Notification(...) without Model.__init__'s walk over the fields (140,000 rows a day at 1M).
    inapp = [make(Notification, recipient_id=u, kind=kind, text=short, params=params, item_id=item_id)
             for users, kind, text, item_id in messages if users
             for short, params in [(text[:300], parse(kind, text))] for u in users]
    if not inapp:
        return 0
    with transaction.atomic(savepoint=False):
        rows = outbox_rows([m for m in messages if immediate(m[1])], now=now)
        # By COPY on PostgreSQL: the scan over a 1M-item history writes ~140,000 rows a day here.
        save([(Notification, inapp), (OutboxMessage, rows)], bulk=2000)
        if _any_queued(rows):
            deliver_after_commit()
    return len(inapp)


def _any_queued(rows) -> bool:
    # A person without an address gets a row already failed: nothing to send for it.
    return any(r.state == OutboxMessage.State.QUEUED for r in rows)
