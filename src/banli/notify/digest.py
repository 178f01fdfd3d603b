"""The daily digest: one SMS and one e-mail a day per person instead of one per event.

An office that gets hundreds of notifications a month cannot be sent hundreds of e-mails. So only
the kinds that cannot wait go out at once (IMMEDIATE: DOMAIN.md §5's deadline reminders, which the
scan sends at most once a day per milestone anyway, and the office's urge notices to a late
unit); every other notification is in the inbox at once and reaches SMS and e-mail in the
person's digest: that day's notifications, grouped by kind, each with its link.

    send_digests(now=None) -> {"digests": n, "messages": n}

Who gets which channel is the same rule as for a single message (the person's choice ∪ the
office's minimum for the kind, banli.notify.preferences): a notification is listed in the e-mail
digest if its kind would have been e-mailed. The first pass after settings.BANLI_DIGEST_HOUR
(local time) queues them; the outbox delivers them with its retries.

Idempotent: a Digest row per person per day (unique) is written in the transaction that queues
the person's messages, so a second pass, or a second worker, sends nothing twice; each digest
covers the notifications after the previous one's `through_id`, so none is listed twice either.
A person who has just turned e-mail on is not sent a backlog: a digest reaches back at most to the
start of the previous day."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone, translation

from .channels import get_channel, queued_channels
from .messages import kind_label
from .models import ChannelMinimum, Channel, Digest, Notification, NotificationPreference, OutboxMessage
from .outbox import earliest
from .preferences import chosen_channels

IMMEDIATE = frozenset({"reminder_before5", "reminder_before1", "reminder_due", "reminder_late", "reminder_escalated", "urge"})
KIND = "digest"
SMS_LISTED_KINDS = 3  # an SMS names the three largest groups; the e-mail lists everything


def immediate(kind: str) -> bool:
    """Sent by SMS and e-mail at once (the rest waits for the day's digest)."""
    return kind in IMMEDIATE


def send_digests(now=None) -> dict:
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < settings.BANLI_DIGEST_HOUR:
        return {"digests": 0, "messages": 0}
    day = local.date()
    since = datetime.datetime.combine(day - datetime.timedelta(days=1), datetime.time.min, tzinfo=local.tzinfo)

    minimums = {m.kind: m.channels() for m in ChannelMinimum.objects.filter(Q(sms=True) | Q(email=True)).exclude(kind__in=IMMEDIATE)}
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(Q(by_sms=True) | Q(by_email=True))}
    if not minimums and not prefs:
        return {"digests": 0, "messages": 0}
    wanted = Q(recipient_id__in=list(prefs)) | Q(kind__in=list(minimums))
    done_today = Digest.objects.filter(day=day).values("recipient_id")
    rows = list(Notification.objects.filter(wanted, created_at__gte=since).exclude(kind__in=IMMEDIATE)
                .exclude(recipient_id__in=done_today).select_related("item").order_by("id"))
    if not rows:
        return {"digests": 0, "messages": 0}
    after = dict(Digest.objects.filter(recipient_id__in={n.recipient_id for n in rows}).values("recipient_id")
                 .annotate(last=Max("through_id")).values_list("recipient_id", "last"))
    by_user = defaultdict(list)
    for n in rows:
        if n.pk > after.get(n.recipient_id, 0):
            by_user[n.recipient_id].append(n)

    channels = {c.key: c for c in queued_channels()}
    addresses = {key: c.addresses(list(by_user), prefs) for key, c in channels.items()}
    digests = messages = 0
    for user_id, notes in by_user.items():
        per_channel = defaultdict(list)
        for n in notes:
            for channel in minimums.get(n.kind, set()) | chosen_channels(prefs.get(user_id)):
                per_channel[channel].append(n)
        if not per_channel:
            continue
        queued = _queue(user_id, day, notes, per_channel, channels, addresses, now)
        if queued is not None:
            digests += 1
            messages += queued
    return {"digests": digests, "messages": messages}


def _queue(user_id, day, notes, per_channel, channels, addresses, now) -> int | None:
    """The person's Digest row and their messages, in one transaction; None if another pass made
    today's digest first."""
    try:
        with transaction.atomic():
            Digest.objects.create(recipient_id=user_id, day=day, through_id=max(n.pk for n in notes), count=len(notes))
            rows = []
            for key, listed in sorted(per_channel.items()):
                channel = channels[key]
                text = email_text(day, listed) if key == Channel.EMAIL else sms_text(day, listed)
                common = dict(channel=key, recipient_id=user_id, kind=KIND, text=text)
                address = addresses[key].get(user_id)
                rows.append(OutboxMessage(**common, address=address, next_attempt_at=earliest(get_channel(key), now)) if address
                            else OutboxMessage(**common, state=OutboxMessage.State.FAILED, last_error=channel.missing_address))
            OutboxMessage.objects.bulk_create(rows)
    except IntegrityError:
        return None
    return len(rows)


# -- the text (Chinese: the language of the installation's messages) ----------------------------------

def groups(notes) -> list[tuple[str, list[Notification]]]:
    """(label, notifications) by kind, the largest group first, then in the order they came."""
    by_label = defaultdict(list)
    with translation.override("zh-hans"):
        for n in notes:
            by_label[str(kind_label(n.kind))].append(n)
    return sorted(by_label.items(), key=lambda g: (-len(g[1]), g[1][0].pk))


def link(n: Notification) -> str:
    base = settings.BANLI_SITE_URL
    if n.item_id:
        return f"{base}/items/{n.item_id}/"
    if n.kind in ("question", "answer"):
        return f"{base}/questions/"
    return f"{base}/inbox/"


def _date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def email_text(day, notes) -> str:
    lines = [f"{_date(day)}通知汇总：共 {len(notes)} 条", ""]
    for label, listed in groups(notes):
        lines.append(f"{label}（{len(listed)} 条）")
        lines += [f"  · {n.text}\n    {link(n)}" for n in listed]
        lines.append("")
    lines.append(f"全部通知：{settings.BANLI_SITE_URL}/inbox/")
    return "\n".join(lines)


def sms_text(day, notes) -> str:
    listed = groups(notes)
    named = "，".join(f"{label} {len(ns)} 条" for label, ns in listed[:SMS_LISTED_KINDS])
    more = "等" if len(listed) > SMS_LISTED_KINDS else ""
    return f"{_date(day)}通知 {len(notes)} 条：{named}{more}。详见 {settings.BANLI_SITE_URL}/inbox/"
