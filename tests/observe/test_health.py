"""The health endpoint (issue 16.2) as a monitoring system and an anonymous caller see it: the
overall status for everyone, each check with its figures for the token or loopback, 503 when a
check fails, a fixed number of queries. Redis is the machine's own (a dead address for the
failing path); the clock is fixed where a limit is tested."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from banli.notify.models import OutboxMessage
from banli.observe import checks
from banli.observe.models import TaskRun
from banli.observe.runs import record
from banli.workdays import calendar as cal
from banli.workdays.models import CalendarYear

pytestmark = pytest.mark.django_db

D = datetime.date
OUTSIDE = "203.0.113.7"  # a documentation address: not loopback
REDIS = "redis://127.0.0.1:6379/13"
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1
TOKEN = "t0ken-for-the-monitoring-" + "x" * 20


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    cal.clear_cache()
    yield
    cal.clear_cache()


@pytest.fixture
def next_year_known():
    """Next year's notice entered, so that the calendar check is ok whatever today's date."""
    CalendarYear.objects.create(year=timezone.localdate().year + 1)


@pytest.fixture
def with_broker(settings):
    """Celery on the machine's Redis, as production configures it (BANLI_CELERY_BROKER)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = REDIS


def get(client, path="/health/", **extra):
    r = client.get(path, **extra)
    return r, json.loads(r.content)


def test_liveness_answers_without_touching_anything(client):
    with CaptureQueriesContext(connection) as ctx:
        r, body = get(client, "/health/live", REMOTE_ADDR=OUTSIDE)
    assert r.status_code == 200 and body == {"status": "ok"}
    assert len(ctx) == 0
    assert "no-store" in r["Cache-Control"]


def test_liveness_costs_no_query_with_a_session_either(client, admin_user):
    """A signed-in load-test user's probe: no session row, no user row."""
    client.force_login(admin_user)
    assert client.get("/").status_code in (200, 302)
    with CaptureQueriesContext(connection) as ctx:
        r, body = get(client, "/health/live")
    assert r.status_code == 200 and body == {"status": "ok"} and len(ctx) == 0


def test_anonymous_caller_sees_the_status_only(client, next_year_known):
    r, body = get(client, REMOTE_ADDR=OUTSIDE)
    assert r.status_code == 200 and body == {"status": "ok"}
    r, body = get(client, REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer wrong")
    assert body == {"status": "ok"}


def test_loopback_and_token_see_each_check_with_its_figures(client, settings, next_year_known):
    settings.BANLI_HEALTH_TOKEN = TOKEN
    r, local = get(client)  # the test client's REMOTE_ADDR is 127.0.0.1
    r2, remote = get(client, REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert r.status_code == r2.status_code == 200
    assert local == remote
    year = timezone.localdate().year
    assert local == {"status": "ok", "checks": {
        "database": {"status": "ok", "vendor": connection.vendor},
        "outbox": {"status": "ok", "overdue": 0, "failed_24h": 0, "lag_minutes": 15},
        "calendar": {"status": "ok", "this_year": year, "this_year_known": True, "next_year": year + 1, "next_year_known": True},
    }}


def test_without_a_token_setting_no_bearer_is_accepted(client, settings, next_year_known):
    settings.BANLI_HEALTH_TOKEN = ""
    r, body = get(client, REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer ")
    assert body == {"status": "ok"}


def test_a_fixed_number_of_queries(client, settings, with_broker, next_year_known):
    """SELECT 1, the beat record, the two outbox counts; the calendar's table is cached."""
    record("banli.deliver_outbox", ok=True)
    record("banli.daily_scan", ok=True)
    OutboxMessage.objects.bulk_create([_message(state="sent", sent_at=timezone.now()) for _ in range(30)])
    get(client)  # the calendar's table read once
    with CaptureQueriesContext(connection) as ctx:
        r, body = get(client)
    assert r.status_code == 200, body
    assert len(ctx) == 4, [q["sql"] for q in ctx]
    settings.CELERY_TASK_ALWAYS_EAGER = True  # no broker: no beat check
    with CaptureQueriesContext(connection) as ctx:
        get(client)
    assert len(ctx) == 3


def _message(**fields):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get_or_create(username="outbox-recipient")[0]
    defaults = dict(channel="sms", recipient=user, address="13800000000", kind="urge", text="请尽快办理",
                    state="queued", next_attempt_at=timezone.now())
    return OutboxMessage(**{**defaults, **fields})


def test_outbox_due_and_unsent_past_the_lag_is_a_failure(client, next_year_known):
    now = timezone.now()
    _message(next_attempt_at=now - datetime.timedelta(minutes=14)).save()
    r, body = get(client)
    assert r.status_code == 200 and body["checks"]["outbox"]["overdue"] == 0
    _message(next_attempt_at=now - datetime.timedelta(minutes=16)).save()
    _message(next_attempt_at=now - datetime.timedelta(hours=5)).save()
    r, body = get(client)
    assert r.status_code == 503 and body["status"] == "fail"
    assert body["checks"]["outbox"]["status"] == "fail" and body["checks"]["outbox"]["overdue"] == 2
    assert body["checks"]["outbox"]["message"] == "2 条短信/邮件已到发送时间超过 15 分钟仍未发出"
    r, anon = get(client, REMOTE_ADDR=OUTSIDE)
    assert r.status_code == 503 and anon == {"status": "fail"}


def test_failed_deliveries_of_the_last_day_are_a_warning_and_no_address_is_shown(client, next_year_known):
    _message(state="failed", next_attempt_at=None, last_error="网关拒绝").save()
    old = _message(state="failed", next_attempt_at=None)
    old.save()
    OutboxMessage.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    r, body = get(client)
    assert r.status_code == 200 and body["status"] == "warn"
    assert body["checks"]["outbox"] == {"status": "warn", "overdue": 0, "failed_24h": 1, "lag_minutes": 15,
                                        "message": "最近一天有 1 条短信/邮件发送失败"}
    text = r.content.decode()
    assert "13800000000" not in text and "outbox-recipient" not in text and "网关拒绝" not in text


def test_calendar_coverage_of_this_and_next_year():
    year = max(y for y in range(2000, 2100) if cal.package_covers(y))
    ok = checks.calendar(D(year, 10, 31))
    assert ok.status == "ok" and ok.figures["next_year_known"] is False  # before November: not yet
    warn = checks.calendar(D(year, 11, 1))
    assert warn.status == "warn" and warn.message == f"{year + 1} 年的节假日安排尚未录入"
    assert checks.calendar(D(year + 1, 3, 1)).status == "fail"  # deadlines are being counted Mon-Fri now
    CalendarYear.objects.create(year=year + 1)
    assert checks.calendar(D(year, 12, 20)).status == "ok"
    assert checks.calendar(D(year + 1, 3, 1)).status == "ok"


def test_redis_of_the_cache_and_the_broker_answer(client, settings, with_broker, next_year_known):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS, "KEY_PREFIX": "banli-test-health"}}
    record("banli.deliver_outbox", ok=True)
    record("banli.daily_scan", ok=True)
    r, body = get(client)
    assert r.status_code == 200, body
    assert body["checks"]["cache"]["status"] == "ok" and body["checks"]["cache"]["ping_ms"] >= 0
    broker = body["checks"]["broker"]
    assert broker["status"] == "ok" and isinstance(broker["queue_length"], int)


def test_a_dead_redis_is_a_failure_answered_within_seconds(client, settings, next_year_known):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DEAD_REDIS}}
    started = timezone.now()
    r, body = get(client)
    assert (timezone.now() - started).total_seconds() < 5
    assert r.status_code == 503
    assert body["checks"]["cache"] == {"status": "fail", "message": "Redis 无法连接：ConnectionError"}


# -- beat's schedule -----------------------------------------------------------------------------

def _runs(**ages):
    """TaskRun rows whose last success was `age` ago."""
    now = timezone.now()
    for name, age in ages.items():
        TaskRun.objects.create(name=name.replace("__", "."), first_seen_at=now - age, last_ok_at=now - age)


def test_beat_never_run_is_a_failure(client, with_broker, next_year_known):
    r, body = get(client)
    assert r.status_code == 503
    assert body["checks"]["beat"]["status"] == "fail" and body["checks"]["beat"]["message"] == "Celery beat 从未运行"


def test_a_fresh_beat_has_until_the_limits_to_run_its_tasks(client, with_broker, next_year_known):
    _runs(beat=datetime.timedelta(minutes=2))
    r, body = get(client)
    assert r.status_code == 200, body
    assert body["checks"]["beat"] == {"status": "ok", "deliver_outbox_age_s": None, "daily_scan_age_s": None, "beat_started_age_s": 120,
                                      "beat_sent_age_s": None}
    TaskRun.objects.filter(name="beat").update(last_ok_at=timezone.now() - datetime.timedelta(minutes=6))
    r, body = get(client)
    assert r.status_code == 503 and "deliver_outbox 超过 5 分钟未成功运行" in body["checks"]["beat"]["message"]


def test_a_restarted_beat_counts_from_its_start_not_from_the_last_installation_run(client, with_broker, next_year_known):
    """An installation restarted after days off (the stack smoke's database kept from an earlier
    run, an operator's server back from maintenance): beat has only just started, so its old rows
    are not yet a failure; it has the same limits from its start as a fresh beat."""
    _runs(beat=datetime.timedelta(seconds=2), beat__sent=datetime.timedelta(days=3),
          banli__deliver_outbox=datetime.timedelta(days=3), banli__daily_scan=datetime.timedelta(days=3))
    r, body = get(client)
    assert r.status_code == 200, body
    assert body["checks"]["beat"]["status"] == "ok" and body["checks"]["beat"]["beat_sent_age_s"] == 3 * 86400
    TaskRun.objects.filter(name="beat").update(last_ok_at=timezone.now() - datetime.timedelta(minutes=6))
    r, body = get(client)
    assert r.status_code == 503
    assert body["checks"]["beat"]["message"] == "Celery beat 超过 5 分钟未发出任务；deliver_outbox 超过 5 分钟未成功运行"


def test_delivery_stale_for_five_minutes_or_a_scan_for_26_hours_fails(client, with_broker, next_year_known):
    _runs(beat=datetime.timedelta(days=3), beat__sent=datetime.timedelta(seconds=40), banli__deliver_outbox=datetime.timedelta(seconds=50),
          banli__daily_scan=datetime.timedelta(hours=25, minutes=50))
    r, body = get(client)
    assert r.status_code == 200, body
    assert body["checks"]["beat"]["daily_scan_age_s"] == 25 * 3600 + 50 * 60
    TaskRun.objects.filter(name="banli.daily_scan").update(last_ok_at=timezone.now() - datetime.timedelta(hours=26, minutes=1))
    r, body = get(client)
    assert r.status_code == 503 and body["checks"]["beat"]["message"] == "daily_scan 超过 26 小时未成功运行"
    TaskRun.objects.filter(name="banli.daily_scan").update(last_ok_at=timezone.now())
    TaskRun.objects.filter(name="banli.deliver_outbox").update(last_ok_at=timezone.now() - datetime.timedelta(minutes=5, seconds=10))
    r, body = get(client)
    assert r.status_code == 503 and body["checks"]["beat"]["message"] == "deliver_outbox 超过 5 分钟未成功运行"


def test_beat_that_stopped_sending_fails_though_the_app_keeps_delivering(client, with_broker, next_year_known):
    """After a commit the app sends deliver_outbox itself: its success alone would hide a dead beat."""
    _runs(beat=datetime.timedelta(days=1), beat__sent=datetime.timedelta(minutes=7),
          banli__deliver_outbox=datetime.timedelta(seconds=10), banli__daily_scan=datetime.timedelta(hours=2))
    r, body = get(client)
    assert r.status_code == 503 and body["checks"]["beat"]["message"] == "Celery beat 超过 5 分钟未发出任务"
    assert body["checks"]["beat"]["beat_sent_age_s"] == 420


def test_a_failed_last_run_is_a_warning(client, with_broker, next_year_known):
    _runs(beat=datetime.timedelta(days=1), beat__sent=datetime.timedelta(seconds=65),
          banli__deliver_outbox=datetime.timedelta(seconds=70), banli__daily_scan=datetime.timedelta(hours=2))
    record("banli.deliver_outbox", ok=False, error="FAILURE: OperationalError()")
    r, body = get(client)
    assert r.status_code == 200 and body["checks"]["beat"]["status"] == "warn"
    assert body["checks"]["beat"]["message"] == "deliver_outbox 最近一次运行失败"
    record("banli.deliver_outbox", ok=True)
    row = TaskRun.objects.get(name="banli.deliver_outbox")
    assert row.last_ok_at > row.last_failed_at and row.last_error == "FAILURE: OperationalError()"
    r, body = get(client)
    assert body["checks"]["beat"]["status"] == "ok"


def test_only_get(client):
    assert client.post("/health/").status_code == 405
    assert client.post("/health/live").status_code == 405


def test_what_beat_sends_is_recorded_and_what_the_app_sends_is_not(monkeypatch):
    """Celery's before_task_publish, for real, on the machine's Redis: in the beat process (flagged by
    beat_init) a scheduled task sent is recorded as beat.sent; the same task sent by an app process is not."""
    from celery import Celery

    from banli.observe import runs

    sender = Celery("banli-test-publisher", broker=REDIS)
    queue = f"banli-test-beat-{timezone.now().timestamp()}"
    try:
        sender.send_task("banli.deliver_outbox", queue=queue)
        assert not TaskRun.objects.filter(name="beat.sent").exists()
        monkeypatch.setattr(runs, "_in_beat", True)
        sender.send_task("banli.reports.some_other_task", queue=queue)
        assert not TaskRun.objects.filter(name="beat.sent").exists()
        sender.send_task("banli.deliver_outbox", queue=queue)
        assert (timezone.now() - TaskRun.objects.get(name="beat.sent").last_ok_at).total_seconds() < 10
    finally:
        from banli.observe.checks import redis_client

        redis_client(REDIS).delete(queue)
