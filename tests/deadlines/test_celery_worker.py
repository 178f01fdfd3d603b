"""Production runs the scan on Celery: a real worker, started here against the machine's Redis,
runs the daily scan task on this test's database, and the reminder is delivered."""

import datetime
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection
from django.utils import timezone

from banli.workdays.calendar import add_working_days
from banli.deadlines.models import ReminderLog
from banli.deadlines.sync import sync_item
from banli.notify.models import Notification
from banli.proposals.models import Assignment
from tests.builders import build_world, lead_assignment, make_item

ROOT = Path(__file__).resolve().parents[2]
BROKER = "redis://127.0.0.1:6379/15"


def redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


pytestmark = [
    # serialized_rollback: the flush after a transactional test would otherwise take the
    # migrated reference data (reply types, grades, categories) from the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not redis_answers(), reason="no Redis answers on 127.0.0.1:6379, and the real-worker test needs one"),
]


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_the_daily_scan_runs_on_a_real_celery_worker():
    world = build_world()
    day = add_working_days(timezone.localdate(), 2)
    item = make_item(world, "assigned", co=False)
    lead = lead_assignment(item)
    start = day
    while add_working_days(start, 5) != day:
        start -= datetime.timedelta(days=1)
    Assignment.objects.filter(pk=lead.pk).update(assigned_at=timezone.make_aware(datetime.datetime.combine(start, datetime.time(10))))
    sync_item(item.pk)

    queue = f"banli-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": database_url(), "BANLI_CELERY_BROKER": BROKER, "PYTHONPATH": str(ROOT / "src")}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "banli", "worker", "--pool=solo", "-Q", queue, "-l", "warning",
         "--without-heartbeat", "--without-mingle", "--without-gossip", "-n", f"{queue}@%h"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        sender = Celery("banli-test", broker=BROKER, backend=BROKER)
        result = sender.send_task("banli.daily_scan", kwargs={"date": str(day)}, queue=queue)
        outcome = result.get(timeout=120)
    finally:
        worker.terminate()
        log = worker.communicate(timeout=30)[0].decode(errors="replace")
    assert outcome["reminded"] >= 1, log
    assert ReminderLog.objects.filter(deadline__key=f"sign:{lead.pk}", on_date=day, stage="due").exists()
    delivered = Notification.objects.filter(recipient=world.lead_liaison, kind="reminder_due", item=item)
    assert delivered.count() == 1 and "今天到期" in delivered.get().text
