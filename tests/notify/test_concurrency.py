"""Delivery passes racing each other on a real PostgreSQL server: each message is claimed by one
pass and sent once. (On SQLite the IMMEDIATE claim transaction serialises passes, and pytest-django's
in-memory SQLite cannot be shared between threads.) Kept apart from the other delivery tests:
pytest-django runs transactional tests last, and xdist keeps a file together."""

import threading

import pytest
from django.db import connection, connections

from banli.notify.models import NotificationPreference, OutboxMessage
from banli.notify.outbox import deliver_due, queue_messages
from tests.builders import build_world

from .conftest import at

pytestmark = [
    # serialized_rollback: the flush after a transactional test would otherwise take the
    # migrated reference data (reply types, grades, categories) from the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database several threads share: CI runs this on PostgreSQL"),
]


def test_concurrent_delivery_passes_send_each_message_once(sms_gateway):
    world = build_world()
    users = [world.member, world.cosigner, world.other_member, world.deputy]
    NotificationPreference.objects.bulk_create([NotificationPreference(user=u, by_sms=True) for u in users])
    for n in range(10):
        queue_messages([u.pk for u in users], "urge", f"催办第{n}次", now=at(10))
    barrier = threading.Barrier(4)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(deliver_due(now=at(10)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sum(r["sent"] for r in results) == 40
    assert set(OutboxMessage.objects.values_list("state", "attempts")) == {("sent", 1)}
    refs = [r.json()["ref"] for r in sms_gateway.requests]
    assert len(refs) == len(set(refs)) == 40
