"""The outbox: queue SMS and e-mail beside the in-app row, deliver them later with retries.

    queue_messages(user_ids, kind, text, item_id)   in a transaction; returns the rows queued
    deliver_after_commit()                          a delivery pass once the transaction commits
    deliver_due(now=None) -> {"sent": n, "retried": n, "failed": n, "held": bool}

deliver_due is idempotent and safe to run from several processes at once: each pass claims due
rows with SELECT ... FOR UPDATE SKIP LOCKED (on SQLite the IMMEDIATE transaction serialises the
claim instead) and pushes their next_attempt_at past a lease before sending, so no other pass
takes them; the send itself happens outside any transaction, holding no lock. A process that dies
mid-send leaves the row queued; it is tried again when the lease runs out (at-least-once).
"""

from __future__ import annotations

import datetime
import logging
import threading

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone

from banli.copying import make

from .channels import DeliveryError, get_channel, queued_channels
from .models import OutboxMessage
from .preferences import plan

log = logging.getLogger("banli.notify")

State = OutboxMessage.State
CLAIM_LEASE = datetime.timedelta(minutes=10)
BATCH = 100


# -- quiet hours ---------------------------------------------------------------------------------

def quiet_until(when: datetime.datetime) -> datetime.datetime | None:
    """The end of the quiet window `when` falls in (local time), or None outside it."""
    window = settings.BANLI_SMS_QUIET_HOURS
    if not window:
        return None
    (sh, sm), (eh, em) = window
    local = timezone.localtime(when)
    start, end, t = datetime.time(sh, sm), datetime.time(eh, em), local.time()
    if start < end:
        inside, end_day = start <= t < end, local.date()
    else:  # wraps past midnight, e.g. 21:00-08:00
        inside = t >= start or t < end
        end_day = local.date() + datetime.timedelta(days=1) if t >= start else local.date()
    if not inside:
        return None
    return datetime.datetime.combine(end_day, end, tzinfo=local.tzinfo)


def earliest(channel, when: datetime.datetime) -> datetime.datetime:
    """`when`, or the end of the quiet hours for a channel held during them."""
    if channel.quiet_hours:
        return quiet_until(when) or when
    return when


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the n-th failed attempt: base, 2×base, 4×base... capped."""
    seconds = settings.BANLI_NOTIFY_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, settings.BANLI_NOTIFY_RETRY_MAX_SECONDS))


# -- queueing ------------------------------------------------------------------------------------

def queue_messages(user_ids, kind: str, text: str, item_id: int | None = None, *, now=None) -> list[OutboxMessage]:
    """One outbox row per person and queued channel they get for this kind. A person without an
    address for a channel the office or they require gets a row in state failed saying so, so
    the office sees who could not be reached."""
    return OutboxMessage.objects.bulk_create(outbox_rows([(user_ids, kind, text, item_id)], now=now), batch_size=2000)


def outbox_rows(messages, *, now=None) -> list[OutboxMessage]:
    """The outbox rows (unsaved) for many messages at once: preferences, the office's minimums and
    addresses are read once for everyone. messages: iterable of (user_ids, kind, text, item_id)."""
    from .models import ChannelMinimum, NotificationPreference
    from .preferences import chosen_channels

    now = now or timezone.now()
    batch = [(sorted({u for u in users if u}), kind, text, item_id) for users, kind, text, item_id in messages]
    everyone = sorted({u for users, *_ in batch for u in users})
    if not everyone:
        return []
    minimums = {m.kind: m.channels() for m in ChannelMinimum.objects.filter(kind__in={k for _, k, _, _ in batch})}
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=everyone)}
    channels = list(queued_channels())
    addresses = {c.key: c.addresses(everyone, prefs) for c in channels}
    rows = []
    for users, kind, text, item_id in batch:
        floor = minimums.get(kind, set())
        for channel in channels:
            for u in users:
                if channel.key not in floor | chosen_channels(prefs.get(u)):
                    continue
                common = dict(channel=channel.key, recipient_id=u, kind=kind, text=text, item_id=item_id)
                address = addresses[channel.key].get(u)
                rows.append(make(OutboxMessage, **common, address=address, next_attempt_at=earliest(channel, now)) if address
                            else make(OutboxMessage, **common, state=State.FAILED, last_error=channel.missing_address))
    return rows


def requeue(message_ids, *, now=None) -> int:
    """Give failed messages a fresh set of tries (the office's "send again"); addresses that were
    missing are looked up again."""
    now = now or timezone.now()
    count = 0
    with transaction.atomic():
        for msg in OutboxMessage.objects.select_for_update().filter(pk__in=message_ids, state=State.FAILED):
            channel = get_channel(msg.channel)
            if not msg.address:
                _, prefs = plan([msg.recipient_id], msg.kind)
                msg.address = channel.addresses([msg.recipient_id], prefs).get(msg.recipient_id, "")
                if not msg.address:
                    continue
            msg.state, msg.attempts, msg.next_attempt_at = State.QUEUED, 0, earliest(channel, now)
            msg.save(update_fields=["address", "state", "attempts", "next_attempt_at"])
            count += 1
    return count


# -- delivery ------------------------------------------------------------------------------------

def deliver_after_commit() -> None:
    """Start a delivery pass once the current transaction commits (nothing if it rolls back), so an
    urge or a reminder goes out at once rather than at the next beat. Once per transaction,
    however many messages it queued. A pass that never starts (the process died after the commit)
    loses nothing: the rows wait, queued, for the next pass of beat, the scan or the command.
    BANLI_NOTIFY_DELIVER_ON_COMMIT=0 leaves delivery to those passes alone (the tests do)."""
    if not getattr(settings, "BANLI_NOTIFY_DELIVER_ON_COMMIT", True):
        return
    conn = transaction.get_connection()
    if conn.in_atomic_block:
        here = set(conn.savepoint_ids)
        # Already asked for in this transaction, at this level or an enclosing one (which a rolled
        # back savepoint cannot discard).
        if any(entry[1] is _start_delivery and set(entry[0]) <= here for entry in conn.run_on_commit):
            return
    transaction.on_commit(_start_delivery, robust=True)


def _start_delivery() -> None:
    """With a broker, the worker's deliver_outbox task; embedded, a thread of this process, so the
    request that committed does not wait for a gateway."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        from banli.celery import app as celery_app

        celery_app.send_task("banli.deliver_outbox")
        return
    threading.Thread(target=_deliver_in_thread, name="banli-deliver", daemon=True).start()


def _deliver_in_thread() -> None:
    try:
        deliver_due()
    except Exception:  # the next pass retries; the thread has no one else to tell
        log.exception("delivery after commit failed")
    finally:
        connections.close_all()  # this thread's own connections


def deliver_due(now=None) -> dict:
    """Send every queued message whose time has come; safe to call from a Celery task, a cron
    job or the daily scan, as often as wanted. Returns counts (JSON-serialisable).
    `now` fixes the clock (tests, replays); without it each message's sent_at is its own send time."""
    fixed = now is not None
    now = now or timezone.now()
    held = [c.key for c in queued_channels() if c.quiet_hours] if quiet_until(now) else []
    counts = {"sent": 0, "retried": 0, "failed": 0, "held": bool(held)}
    while True:
        batch = _claim(now, held)
        for msg in batch:
            counts[_attempt(msg, now, (lambda: now) if fixed else timezone.now)] += 1
        if len(batch) < BATCH:
            return counts


def _claim(now, held_channels) -> list[OutboxMessage]:
    with transaction.atomic():
        due = OutboxMessage.objects.filter(state=State.QUEUED, next_attempt_at__lte=now).exclude(channel__in=held_channels)
        batch = list(due.order_by("next_attempt_at", "id").select_for_update(skip_locked=True)[:BATCH])
        if batch:
            OutboxMessage.objects.filter(pk__in=[m.pk for m in batch]).update(attempts=F("attempts") + 1, next_attempt_at=now + CLAIM_LEASE)
            for m in batch:
                m.attempts += 1
    return batch


def _attempt(msg: OutboxMessage, now, clock) -> str:
    channel = get_channel(msg.channel)
    mine = OutboxMessage.objects.filter(pk=msg.pk, state=State.QUEUED)
    try:
        via = channel.send(msg)
    except Exception as e:  # noqa: BLE001  one bad message or gateway must not stop the pass
        error = str(e) if isinstance(e, DeliveryError) else f"{type(e).__name__}: {e}"
        if msg.attempts >= settings.BANLI_NOTIFY_MAX_ATTEMPTS:
            log.warning("outbox %s (%s to %s) failed after %s attempts: %s", msg.pk, msg.channel, msg.address, msg.attempts, error)
            mine.update(state=State.FAILED, next_attempt_at=None, last_error=error[:500])
            return "failed"
        log.info("outbox %s (%s) attempt %s failed, will retry: %s", msg.pk, msg.channel, msg.attempts, error)
        mine.update(next_attempt_at=earliest(channel, now + backoff(msg.attempts)), last_error=error[:500])
        return "retried"
    # last_error stays: "sent on the 3rd try, after: gateway unreachable" is worth seeing.
    mine.update(state=State.SENT, sent_at=clock(), next_attempt_at=None, via=(via or "")[:40])
    return "sent"
