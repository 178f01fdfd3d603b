"""Issue 15.5, for real: an action commits and its process dies before any on-commit callback runs
(os._exit from the first one registered, as a killed server would), and its notifications are
there all the same, because they were written in the action's own transaction. The action runs
in a child Python process on this test's database (a file on SQLite, the test database on
PostgreSQL); the data is committed, hence a transactional test file of its own.

Before the transactional outbox the in-app rows and the outbox rows were written by an on-commit
callback registered after the one that kills the child: this test found none of them."""

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.db import connection

from banli.notify.models import ChannelMinimum, Notification, NotificationPreference, OutboxMessage
from banli.notify.outbox import deliver_due
from banli.proposals.models import Message, UrgeNotice
from tests.builders import build_world, lead_assignment, make_item

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The child: set up Django on the given database, register the callback that kills the process
# before the action (so it is the first to run after the commit), run the action, and say so if
# it ever gets past the commit (it must not).
CHILD = textwrap.dedent("""
    import os, sys
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from banli.proposals import actions

    def die():
        sys.stdout.write("committed, dying\\n"); sys.stdout.flush()
        os._exit(0)

    User = get_user_model()
    step, username, item_id, extra = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    user = User.objects.get(username=username)
    with transaction.atomic():
        transaction.on_commit(die)
        if step == "urge":
            actions.urge(user, item_id, assignment=int(extra), text="答复期限将至，请抓紧办理。")
        elif step == "post_message":
            actions.post_message(user, item_id, body=extra)
        elif step == "assign":
            actions.assign(user, item_id, lead=int(extra))
    print("survived the commit")
""")


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def run_child(*args) -> str:
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "banli.settings",
           "PYTHONPATH": str(ROOT / "src"), "BANLI_NOTIFY_DELIVER_ON_COMMIT": "1", "BANLI_SMS_QUIET_HOURS": "off"}
    env.pop("BANLI_CELERY_BROKER", None)
    done = subprocess.run([sys.executable, "-c", CHILD, *map(str, args)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "committed, dying", (done.stdout, done.stderr)
    return done.stdout


@pytest.fixture
def world(settings):
    settings.BANLI_SMS_QUIET_HOURS = None
    return build_world()


def test_an_urge_committed_by_a_process_that_then_dies_has_told_the_unit_and_queued_its_sms(world):
    ChannelMinimum.objects.create(kind="urge", sms=True)
    NotificationPreference.objects.create(user=world.lead_liaison, phone="13700000001")
    item = make_item(world, "handling", co=False)
    OutboxMessage.objects.all().delete()
    Notification.objects.all().delete()

    run_child("urge", "gov_office", item.pk, lead_assignment(item).pk)

    assert UrgeNotice.objects.filter(item=item).count() == 1  # the action did commit
    told = Notification.objects.get(recipient=world.lead_liaison, kind="urge", item=item)
    assert "答复期限将至" in told.text
    sms = OutboxMessage.objects.get(recipient=world.lead_liaison, kind="urge", channel="sms")
    # Written, not sent: the delivery the child would have started after the commit never ran.
    assert (sms.state, sms.address, sms.attempts) == ("queued", "13700000001", 0)
    # The next delivery pass (beat, the scan, the command) sends what the dead process left.
    assert deliver_due()["sent"] == 1
    assert OutboxMessage.objects.get(pk=sms.pk).state == "sent"


def test_a_message_committed_by_a_process_that_then_dies_is_in_the_units_inboxes(world):
    item = make_item(world, "handling", co=False)
    Notification.objects.all().delete()

    run_child("post_message", "member", item.pk, "请问电梯加装的进度如何？")

    msg = Message.objects.get(item=item, body="请问电梯加装的进度如何？")
    told = set(Notification.objects.filter(item=item, kind="message").values_list("recipient__username", flat=True))
    assert msg.author == world.member and {"lead_liaison", "lead_head"} <= told


def test_an_assignment_committed_by_a_process_that_then_dies_has_told_the_unit(world):
    item = make_item(world, "registered", co=False)
    Notification.objects.all().delete()

    run_child("assign", "gov_office", item.pk, world.lead_unit.pk)

    assert lead_assignment(item).unit == world.lead_unit
    told = set(Notification.objects.filter(item=item).values_list("recipient__username", "kind"))
    assert ("lead_liaison", "assigned") in told, told


def test_after_the_commit_a_delivery_pass_sends_the_urge_at_once(world, settings):
    """The embedded default (no broker): the commit starts a delivery thread; the SMS is sent
    without waiting for the minute's beat."""
    from banli.proposals import actions

    settings.BANLI_NOTIFY_DELIVER_ON_COMMIT = True
    ChannelMinimum.objects.create(kind="urge", sms=True)
    NotificationPreference.objects.create(user=world.lead_liaison, phone="13700000001")
    item = make_item(world, "handling", co=False)
    actions.urge(world.gov_office, item.pk, assignment=lead_assignment(item).pk, text="请抓紧办理。")  # commits: autocommit
    sms = OutboxMessage.objects.filter(recipient=world.lead_liaison, kind="urge", channel="sms")
    for _ in range(100):
        if sms.filter(state="sent").exists():
            break
        time.sleep(0.1)
    assert sms.get().state == "sent" and sms.get().via
