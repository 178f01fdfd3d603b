"""Prometheus metrics (the official prometheus_client).

Per request (MetricsMiddleware): banli_http_requests_total{route,method,status} and the latency
histogram banli_http_request_duration_seconds{route}, labelled by the URL's name (bounded, unlike
paths with ids in them).

Under gunicorn every worker is its own process with its own counters; with
PROMETHEUS_MULTIPROC_DIR set (before the process starts) prometheus_client writes them to files in
that directory and /metrics adds up all workers' files, so any worker answers for all of them.
gunicorn's child_exit hook must call prometheus_client.multiprocess.mark_process_dead(pid), and
the directory must be emptied when the service starts (README, operator's section).

Read at scrape time, not counted (StateCollector): the Celery queue's length, the outbox by state,
when beat's tasks last succeeded, whether next year's holidays are known."""

from __future__ import annotations

import os
import time

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter("banli_http_requests", "HTTP requests answered, by URL name, method and status",
                   ["route", "method", "status"])
LATENCY = Histogram("banli_http_request_duration_seconds", "Time to answer a request, by URL name", ["route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
UNMATCHED = "unmatched"  # no URL matched (404 answered by the resolver)


def route_of(request) -> str:
    if getattr(request, "banli_route", None):  # answered before URL resolution (banli.observe.live)
        return request.banli_route
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED
    return match.view_name or match.route or UNMATCHED


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        route = route_of(request)
        LATENCY.labels(route).observe(time.perf_counter() - started)
        REQUESTS.labels(route, request.method if request.method in _METHODS else "other", str(response.status_code)).inc()
        return response


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class StateCollector:
    """Gauges read when scraped: two queries (the calendar is cached) and one Redis LLEN."""

    def collect(self):
        from banli.notify.models import OutboxMessage
        from banli.workdays.calendar import has_calendar_data

        from . import checks
        from .models import TaskRun

        queue = GaugeMetricFamily("banli_celery_queue_length", "Tasks waiting in the Celery queue (Redis LLEN)", labels=["queue"])
        broker = checks.broker_url()
        if broker and checks.is_redis(broker):
            try:
                queue.add_metric([getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")], checks.queue_length(checks.redis_client(broker)))
            except Exception:  # noqa: BLE001  Redis away: no sample; /health/ says why
                pass
        yield queue

        outbox = GaugeMetricFamily("banli_outbox_messages", "Outbox SMS and e-mail by state (queued, failed)", labels=["state"])
        counts = dict.fromkeys((OutboxMessage.State.QUEUED, OutboxMessage.State.FAILED), 0)
        rows = OutboxMessage.objects.filter(state__in=list(counts)).values_list("state").order_by().annotate(n=Count("id"))
        counts.update(dict(rows))
        for state, n in counts.items():
            outbox.add_metric([state], n)
        yield outbox

        last = GaugeMetricFamily("banli_task_last_success_timestamp_seconds",
                                 "When a task of beat's schedule last succeeded (the daily scan: banli.daily_scan)", labels=["task"])
        for name, at in TaskRun.objects.filter(last_ok_at__isnull=False).values_list("name", "last_ok_at"):
            last.add_metric([name], at.timestamp())
        yield last

        known = GaugeMetricFamily("banli_calendar_next_year_known", "1 when next year's public holidays are known")
        known.add_metric([], 1 if has_calendar_data(timezone.localdate().year + 1) else 0)
        yield known


def exposition() -> tuple[bytes, str]:
    """The text of one scrape: every worker's request metrics, then the state read now."""
    state = CollectorRegistry(auto_describe=False)
    state.register(StateCollector())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        requests = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    else:
        requests = REGISTRY
    return generate_latest(requests) + generate_latest(state), CONTENT_TYPE_LATEST
