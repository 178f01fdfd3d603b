"""Issue 16.2 with real processes: app servers started here on this test's database (a file on
SQLite, the test database on PostgreSQL) and the machine's Redis.

- Metrics of several processes add up: two servers write to one PROMETHEUS_MULTIPROC_DIR, and a
  scrape of either counts the requests both answered; the same under gunicorn with two workers.
- A server's JSON log line carries the request id its answer carried.
- A holiday calendar edit committed in one process is seen by a server sharing the Redis cache at
  its next request, without waiting for the table's expiry (an hour here); a server without the
  shared cache (the control) still answers from its old table.
- A real Celery worker records the run of a beat task (and logs with the task id), and beat
  records that it started.

The data is committed (other processes read it), hence a transactional file of its own."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from banli.observe.models import TaskRun
from banli.workdays import calendar as cal
from banli.workdays.models import CalendarYear

ROOT = Path(__file__).resolve().parents[2]
CACHE = "redis://127.0.0.1:6379/12"
BROKER = "redis://127.0.0.1:6379/15"

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BANLI_", "PROMETHEUS_"))}
    env.update(DATABASE_URL=database_url(), DJANGO_SETTINGS_MODULE="banli.settings", PYTHONPATH=str(ROOT / "src"),
               BANLI_2FA_REQUIRED="0", BANLI_CALENDAR_CACHE_SECONDS="3600", BANLI_LOG_FORMAT="json", BANLI_ACCESS_LOG="1")
    env.update(extra)
    return env


class Server:
    def __init__(self, args, log: Path, **env):
        self.port = free_port()
        self.log = log
        self.proc = subprocess.Popen([a.replace("PORT", str(self.port)) for a in args], cwd=ROOT, env=child_env(**env),
                                     stdout=subprocess.DEVNULL, stderr=log.open("w"))
        deadline = time.monotonic() + 90
        while True:
            try:
                self.get("/health/live")
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise AssertionError(f"server did not start: {log.read_text()[-3000:]}") from None
                time.sleep(0.3)

    def get(self, path, **headers):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def health(self) -> dict:
        return json.loads(self.get("/health/")[2])

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def runserver(log, **env) -> Server:
    return Server([sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", "127.0.0.1:PORT"], log, **env)


def requests_counted(server, route="health-live") -> float:
    body = server.get("/metrics")[2].decode()
    for family in text_string_to_metric_families(body):
        if family.name == "banli_http_requests":
            return sum(s.value for s in family.samples
                       if s.name == "banli_http_requests_total" and s.labels["route"] == route and s.labels["status"] == "200")
    return 0.0


def test_two_servers_metrics_add_up_and_logs_carry_the_request_id(tmp_path):
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    a = runserver(tmp_path / "a.log", PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    b = runserver(tmp_path / "b.log", PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    try:
        before = requests_counted(a)
        assert requests_counted(b) == before  # either answers for both
        for _ in range(3):
            assert a.get("/health/live")[0] == 200
        for _ in range(5):
            assert b.get("/health/live")[0] == 200
        assert requests_counted(a) == before + 8
        assert requests_counted(b) == before + 8

        status, headers, _ = a.get("/health/live", **{"X-Request-ID": "proxy-abc.123"})
        status2, headers2, _ = a.get("/no-such-page/")
        scrape = a.get("/metrics")[2].decode()
    finally:
        a.stop()
        b.stop()
    assert headers["X-Request-ID"] == "proxy-abc.123" and status2 == 404
    lines = [json.loads(line) for line in (tmp_path / "a.log").read_text().splitlines() if line.startswith("{")]
    [access] = [line for line in lines if line.get("request_id") == "proxy-abc.123"]
    assert (access["logger"], access["method"], access["path"], access["status"]) == ("banli.request", "GET", "/health/live", 200)
    assert {line["logger"] for line in lines if line.get("request_id") == headers2["X-Request-ID"]} == {"banli.request", "django.request"}
    # The scrape's other families, read at scrape time.
    assert 'banli_outbox_messages{state="queued"} 0.0' in scrape and 'banli_outbox_messages{state="failed"} 0.0' in scrape
    assert "banli_http_request_duration_seconds_bucket" in scrape and "banli_calendar_next_year_known" in scrape


GUNICORN_CONF = '''
from prometheus_client import multiprocess

def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)
'''


def test_gunicorn_with_two_workers_counts_every_request(tmp_path):
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    conf = tmp_path / "gunicorn.conf.py"
    conf.write_text(GUNICORN_CONF)
    server = Server([sys.executable, "-m", "gunicorn", "-c", str(conf), "-w", "2", "-b", "127.0.0.1:PORT", "banli.wsgi:application"],
                    tmp_path / "gunicorn.log", PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    try:
        before = requests_counted(server)
        # A sync worker serves one connection at a time: a request held half-sent keeps one worker
        # waiting for the rest of it, so the next ones are all answered by the other worker.
        held = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        held.sendall(b"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        time.sleep(1)
        with ThreadPoolExecutor(max_workers=4) as pool:
            statuses = list(pool.map(lambda _: server.get("/health/live")[0], range(40)))
        held.sendall(b"Connection: close\r\n\r\n")
        assert held.recv(100).startswith(b"HTTP/1.1 200")
        held.close()
        assert statuses == [200] * 40
        assert requests_counted(server) == before + 41
        writers = {p.name for p in metrics_dir.glob("counter_*.db")}
    finally:
        server.stop()
    assert len(writers) == 2, writers  # both workers answered and wrote their own file


def test_a_calendar_edit_is_seen_by_the_other_process_at_its_next_request(tmp_path, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE, "KEY_PREFIX": "banli"}}
    next_year = timezone.localdate().year + 1
    shared = runserver(tmp_path / "shared.log", BANLI_CACHE=CACHE)
    alone = runserver(tmp_path / "alone.log")  # the control: no shared cache
    try:
        before = shared.health()["checks"]["calendar"]["next_year_known"]
        assert alone.health()["checks"]["calendar"]["next_year_known"] == before
        CalendarYear.objects.create(year=next_year, source="国办发明电")  # this process, committed: publishes a version
        started = time.monotonic()
        after_shared = shared.health()["checks"]["calendar"]["next_year_known"]
        elapsed = time.monotonic() - started
        after_alone = alone.health()["checks"]["calendar"]["next_year_known"]
    finally:
        shared.stop()
        alone.stop()
        cal.clear_cache()
    assert after_shared is True and elapsed < 30  # its next request, not the hour's expiry
    assert after_alone is before  # without the shared version, the old table for up to an hour
    if not cal.package_covers(next_year):  # true while the package lacks next year's notice (it did in Dec 2026)
        assert before is False


def test_a_real_worker_records_the_run_and_logs_with_the_task_id(tmp_path):
    from celery import Celery

    queue = f"banli-test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    env = child_env(BANLI_CELERY_BROKER=BROKER, BANLI_LOG_LEVEL="INFO")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "banli", "worker", "--pool=solo", "-Q", queue, "-l", "info",
         "--without-heartbeat", "--without-mingle", "--without-gossip", "-n", f"{queue}@%h"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log.open("w"))
    try:
        sender = Celery("banli-test", broker=BROKER, backend=BROKER)
        result = sender.send_task("banli.deliver_outbox", queue=queue)
        outcome = result.get(timeout=120)
        deadline = time.monotonic() + 10
        while not TaskRun.objects.filter(name="banli.deliver_outbox").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert outcome["sent"] == 0
    run = TaskRun.objects.get(name="banli.deliver_outbox")
    assert run.last_ok_at and (timezone.now() - run.last_ok_at).total_seconds() < 120 and run.last_failed_at is None
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert [line for line in lines if line.get("task_id") == result.id], log.read_text()[-3000:]


def test_beat_records_that_it_started(tmp_path):
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "banli", "beat", "-s", str(tmp_path / "schedule"), "-l", "warning"],
        env=child_env(BANLI_CELERY_BROKER=BROKER), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=(tmp_path / "beat.log").open("w"))
    try:
        deadline = time.monotonic() + 60
        while not TaskRun.objects.filter(name="beat").exists() and time.monotonic() < deadline and beat.poll() is None:
            time.sleep(0.3)
    finally:
        beat.terminate()
        beat.wait(timeout=30)
    assert TaskRun.objects.filter(name="beat", last_ok_at__isnull=False).exists(), (tmp_path / "beat.log").read_text()[-3000:]
