"""Actions racing each other on a real PostgreSQL server: the row locks must serialise them.
(SQLite runs every transaction with BEGIN IMMEDIATE, one writer at a time, and pytest-django's
in-memory SQLite cannot be shared between threads, so these run where CI runs PostgreSQL.)"""

import threading

import pytest
from django.db import connection, connections

from banli.audit.models import AuditRecord
from banli.errors import BanliError
from banli.proposals import actions
from banli.proposals.models import Item
from tests.builders import build_world, lead_assignment, make_item

pytestmark = [
    # serialized_rollback: the flush after a transactional test would otherwise take the
    # migrated reference data (reply types, grades, categories) from the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database that several threads share: CI runs this on PostgreSQL"),
]


def race(fn, args_list):
    """Run fn(*args) in one thread each, all released at once; return results or errors."""
    barrier = threading.Barrier(len(args_list))
    out = [None] * len(args_list)

    def run(i, args):
        try:
            barrier.wait()
            out[i] = fn(*args)
        except BanliError as e:
            out[i] = e
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(args_list)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return out


def test_clerks_registering_at_once_get_distinct_consecutive_numbers():
    world = build_world()
    items = [make_item(world, "submitted") for _ in range(6)]
    race(lambda pk: actions.register(world.cppcc_office, pk), [(i.pk,) for i in items])
    numbers = sorted(Item.objects.filter(pk__in=[i.pk for i in items]).values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]
    assert world.cppcc_session.__class__.objects.get(pk=world.cppcc_session.pk).last_number == 6


def test_a_double_clicked_sign_takes_effect_once():
    world = build_world()
    item = make_item(world, "assigned", co=False)
    a = lead_assignment(item)
    results = race(lambda: actions.sign(world.lead_liaison, item.pk, assignment=a.pk), [(), (), ()])
    # The first click signs; the others wait on the row lock, then are told it is signed already.
    refusals = [r for r in results if isinstance(r, BanliError)]
    assert len(refusals) == 2 and {r.code for r in refusals} == {"already_signed"}
    assert AuditRecord.objects.filter(item=item, action="sign").count() == 1
    assert Item.objects.get(pk=item.pk).state == "handling"


def test_two_feedbacks_at_once_record_one():
    world = build_world()
    item = make_item(world, "replied", co=False)
    reply_id = item.replies.get().pk
    race(lambda g: actions.give_feedback(world.member, item.pk, reply_id=reply_id, grade=g, agrees=True), [("good",), ("fair",)])
    assert item.feedbacks.count() == 1
    assert AuditRecord.objects.filter(item=item, action="give_feedback").count() == 1
