"""The batch path the daily scan uses writes exactly what one call per message would, with a
fixed number of queries whatever the number of messages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banli.notify.models import ChannelMinimum, Notification, NotificationPreference, OutboxMessage
from banli.notify.service import notify, notify_many

pytestmark = pytest.mark.django_db


def rows():
    inapp = sorted(Notification.objects.values_list("recipient_id", "kind", "text", "item_id"))
    out = sorted(OutboxMessage.objects.values_list("channel", "recipient_id", "kind", "text", "state", "address"))
    return inapp, out


def messages(world, n):
    users = [world.lead_liaison.pk, world.lead_head.pk, world.gov_office.pk, world.member.pk]
    return [(users[: 1 + i % 4], ["reminder_late", "reminder_due", "urge"][i % 3], f"提醒{i}", None) for i in range(n)]


def setup_preferences(world):
    NotificationPreference.objects.create(user=world.lead_liaison, by_sms=True, phone="13900000009")
    NotificationPreference.objects.create(user=world.member, by_email=True)  # no address: a failed row saying so
    ChannelMinimum.objects.create(kind="urge", sms=True)


def test_batch_writes_what_single_calls_write(world):
    setup_preferences(world)
    batch = messages(world, 9)
    for users, kind, text, item in batch:
        notify(users, kind, text, item)
    single = rows()
    Notification.objects.all().delete()
    OutboxMessage.objects.all().delete()
    notify_many(batch)
    assert rows() == single
    assert any(r[0] == "sms" and r[4] == "queued" for r in single[1]) and any(r[4] == "failed" for r in single[1])


def test_batch_reads_are_fixed_and_inserts_batched(world):
    setup_preferences(world)

    def count(n):
        with CaptureQueriesContext(connection) as ctx:
            notify_many(messages(world, n))
        sql = [q["sql"] for q in ctx.captured_queries]
        return sum(s.startswith("SELECT") for s in sql), sum(s.startswith("INSERT") for s in sql)

    # Same mix of people and kinds; only the number of messages differs. Reads stay the same;
    # inserts are bulk (SQLite splits a bulk insert at its parameter limit, ~100 rows a statement).
    # On PostgreSQL the rows go by COPY (banli.copying): one query draws the ids of both tables'
    # rows, and no INSERT at all (the COPY statements themselves are not in Django's query log).
    count(1)  # the first COPY of a process reads each table's sequence and column types once
    (reads_small, inserts_small), (reads_big, inserts_big) = count(4), count(60)
    if connection.vendor == "postgresql":
        assert reads_small == reads_big == 4 + 1
        assert inserts_small == inserts_big == 0
    else:
        assert reads_small == reads_big == 4
        assert inserts_small == 2 and inserts_big <= 2 + 60 * 4 * 2 // 90
    assert Notification.objects.count() == sum(len(users) for users, *_ in messages(world, 1) + messages(world, 4) + messages(world, 60))
