"""Issue 15.6: the embedded default under load. 50 clients, each a browser with its own session,
send 400 requests together to the threaded test server over real HTTP: logins (the session and
last_login written outside any transaction of ours), the to-do page, item lists and pages, API
list and detail, messages, consultations and notifications marked read. Every request must get
its expected answer and the server must log no "database is locked".

Runs on whichever database the suite uses (SQLite by default, PostgreSQL with DATABASE_URL).
Transactional (the server's threads need committed rows): a file of its own. `python -m
bench.burst` measures the same burst on a fresh demo and prints the figures."""

import logging
import threading
import time

import pytest
from django.db import connection, connections

from banli.ops.sqlite.base import _Turns
from bench.burst import discover, run_burst
from banli.proposals.models import Consultation, Message
from tests.builders import PASSWORD, make_item



class _Collect(logging.Handler):
    """Whatever any thread of the server logs at WARNING or above (500s, tracebacks)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines = []

    def emit(self, record):
        text = record.getMessage()
        if record.exc_info:
            text += " " + repr(record.exc_info[1])
        self.lines.append(text)


@pytest.fixture
def server_log():
    handler = _Collect()
    logging.getLogger().addHandler(handler)
    yield handler.lines
    logging.getLogger().removeHandler(handler)


@pytest.mark.django_db(transaction=True)
def test_sqlite_pragmas_take_effect_on_every_connection():
    """What the burst relies on, read back from a live connection: WAL (readers never wait for the
    writer), a busy timeout (a writer waits for the lock instead of failing at once) and
    BEGIN IMMEDIATE for every transaction (a transaction never upgrades a stale read snapshot to a
    write, which SQLite refuses without waiting)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings")
    with connection.cursor() as c:
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert c.execute("PRAGMA busy_timeout").fetchone()[0] >= 20000
        assert c.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL: safe in WAL, no fsync per commit
    assert connection.transaction_mode == "IMMEDIATE"
    assert type(connections["default"]).__module__ == "banli.ops.sqlite.base"  # the writers' queue below


def test_writers_of_one_process_get_their_turn_in_the_order_they_came():
    """The queue before SQLite's lock (banli/ops/sqlite/base.py): first come, first served, and
    a waiter gives up after its timeout (then SQLite's own busy timeout applies)."""
    turns, order = _Turns(), []
    assert turns.acquire(timeout=1)
    threads = []
    for n in range(5):
        t = threading.Thread(target=lambda n=n: (turns.acquire(timeout=10), order.append(n), turns.release()))
        t.start()
        threads.append(t)
        time.sleep(0.05)  # so that they queue in this order
    turns.release()
    for t in threads:
        t.join(5)
    assert order == [0, 1, 2, 3, 4]
    assert turns.acquire(timeout=1)
    started = time.monotonic()
    assert turns.acquire(timeout=0.2) is False and time.monotonic() - started >= 0.2
    turns.release()
    assert turns.acquire(timeout=0.1)  # free again: the one that timed out left the queue


@pytest.mark.django_db(transaction=True)
def test_fifty_clients_four_hundred_requests_no_error(world, live_server, server_log):
    items = [make_item(world, "handling", co=True, cosigners=[world.cosigner]) for _ in range(3)]
    accounts = [world.member, world.lead_liaison, world.co_liaison, world.cosigner, world.deputy]
    targets = [discover(live_server.url, u.username, PASSWORD) for u in accounts]
    # The mix needs writes of each kind: the member may message, the liaisons record consultations.
    assert targets[0].message_items and targets[1].consultations and targets[2].consultations
    messages, consultations = Message.objects.count(), Consultation.objects.count()

    result = run_burst(live_server.url, targets, clients=50, total=400)
    print("\n" + result.summary())

    assert len(result.outcomes) == 400
    assert [f"{o.method} {o.path} {o.status} {o.error}" for o in result.errors] == []
    assert [line for line in server_log if "locked" in line or "Internal Server Error" in line] == []
    # Every write the clients were told succeeded is in the database.
    written = {k: sum(o.kind == k for o in result.outcomes) for k in ("message", "consultation")}
    assert written["message"] >= 20 and written["consultation"] >= 10
    assert Message.objects.count() == messages + written["message"]
    assert Consultation.objects.count() == consultations + written["consultation"]
    assert len(items) == 3
