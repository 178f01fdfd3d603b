"""/metrics (issue 16.2) as Prometheus scrapes it: protected like the health details, request
counts by URL name and status, the latency histogram, and the state read at scrape time (the
Celery queue on the machine's Redis, the outbox by state, beat's last runs, next year's calendar).
Several processes adding up: tests/observe/test_processes.py."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from banli.notify.models import OutboxMessage
from banli.observe.checks import redis_client
from banli.observe.runs import record
from banli.workdays import calendar as cal

pytestmark = pytest.mark.django_db

OUTSIDE = "203.0.113.7"
BROKER = "redis://127.0.0.1:6379/13"


def scrape(client, **extra) -> dict:
    r = client.get("/metrics", **extra)
    assert r.status_code == 200 and r["Content-Type"].startswith("text/plain; version=")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(r.content.decode()) for s in family.samples}


def requests(samples, route, status="200", method="GET") -> float:
    return samples.get(("banli_http_requests_total", (("method", method), ("route", route), ("status", status))), 0.0)


def test_only_the_token_or_loopback_may_scrape(client, settings):
    settings.BANLI_HEALTH_TOKEN = "scrape-token-" + "y" * 24
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 404
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer nope").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=f"Bearer {settings.BANLI_HEALTH_TOKEN}").status_code == 200
    assert client.get("/metrics").status_code == 200  # loopback


def test_requests_are_counted_by_url_name_and_status(client):
    before = scrape(client)
    for _ in range(3):
        client.get("/health/live")
    client.get("/no-such-page-at-all/")
    client.post("/health/live")
    after = scrape(client)
    assert requests(after, "health-live") - requests(before, "health-live") == 3
    assert requests(after, "health-live", "405", "POST") - requests(before, "health-live", "405", "POST") == 1
    assert requests(after, "unmatched", "404") - requests(before, "unmatched", "404") == 1
    count = ("banli_http_request_duration_seconds_count", (("route", "health-live"),))
    assert after[count] - before.get(count, 0) == 4
    inf = ("banli_http_request_duration_seconds_bucket", (("le", "+Inf"), ("route", "health-live")))
    assert after[inf] == after[count]


def test_outbox_beat_and_calendar_state(client, settings):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create(username="recipient")
    now = timezone.now()
    common = dict(channel="sms", recipient=user, address="13800000000", kind="urge", text="请尽快办理")
    OutboxMessage.objects.bulk_create(
        [OutboxMessage(**common, next_attempt_at=now) for _ in range(3)]
        + [OutboxMessage(**common, state="failed") for _ in range(2)]
        + [OutboxMessage(**common, state="sent", sent_at=now)])
    scan_at = now - datetime.timedelta(hours=3)
    record("banli.daily_scan", ok=True, now=scan_at)
    cal.clear_cache()
    samples = scrape(client)
    assert samples[("banli_outbox_messages", (("state", "queued"),))] == 3
    assert samples[("banli_outbox_messages", (("state", "failed"),))] == 2
    assert samples[("banli_task_last_success_timestamp_seconds", (("task", "banli.daily_scan"),))] == scan_at.timestamp()
    known = cal.has_calendar_data(timezone.localdate().year + 1)
    assert samples[("banli_calendar_next_year_known", ())] == (1 if known else 0)
    assert "13800000000" not in client.get("/metrics").content.decode()


def test_the_celery_queue_length_is_read_from_redis(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = BROKER
    settings.CELERY_TASK_DEFAULT_QUEUE = f"banli-test-queue-{timezone.now().timestamp()}"
    redis = redis_client(BROKER)
    try:
        redis.rpush(settings.CELERY_TASK_DEFAULT_QUEUE, "a", "b", "c")
        samples = scrape(client)
    finally:
        redis.delete(settings.CELERY_TASK_DEFAULT_QUEUE)
    assert samples[("banli_celery_queue_length", (("queue", settings.CELERY_TASK_DEFAULT_QUEUE),))] == 3


def test_a_scrape_costs_two_queries(client):
    """The outbox by state and the beat record; the calendar is cached, the queue is in Redis."""
    client.get("/metrics")  # the calendar's table read once
    with CaptureQueriesContext(connection) as ctx:
        client.get("/metrics")
    assert len(ctx) == 2, [q["sql"] for q in ctx]
