"""Two retries of the same step with the same key at the same moment (issue 15.5): both find no key,
both try to claim it; the unique (user, key) constraint lets one through, the other waits for its
commit, fails on the constraint and answers as a retry. One message, two 200s, one marked as
replayed. On PostgreSQL, through the API, each request in its own thread and connection (committed
data, hence a transactional file of its own)."""

import threading
import uuid

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from banli.idempotency import keys
from banli.idempotency.models import IdempotencyKey
from banli.proposals.models import Message
from tests.builders import build_world, make_item

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: the PostgreSQL run (SQLite has one writer at a time)"),
]


def test_two_simultaneous_retries_with_one_key_create_one_message(monkeypatch):
    world = build_world()
    item = make_item(world, "handling")
    key = str(uuid.uuid4())

    # Hold each request just after it looked the key up and found nothing, until both have: the
    # race a double click makes, every time rather than by chance.
    both_looked = threading.Barrier(2, timeout=20)
    first_look = threading.local()
    real_find = keys._find

    def find_then_wait(user, k):
        row = real_find(user, k)
        if not getattr(first_look, "done", False):
            first_look.done = True
            assert row is None
            both_looked.wait()
        return row

    monkeypatch.setattr(keys, "_find", find_then_wait)
    answers, errors = [], []

    def post():
        try:
            client = APIClient()
            client.force_authenticate(world.member)
            answers.append(client.post(f"/api/items/{item.pk}/actions/post_message/", {"body": "请问进展？"}, format="json",
                                       headers={"Idempotency-Key": key}))
        except Exception as e:  # noqa: BLE001  reported below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert not errors, errors
    assert sorted(a.status_code for a in answers) == [200, 200], [a.content[:300] for a in answers]
    assert sorted(a.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    assert Message.objects.filter(item=item, body="请问进展？").count() == 1
    assert IdempotencyKey.objects.filter(user=world.member, key=key).count() == 1
