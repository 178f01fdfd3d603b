"""What the health endpoint checks, each a function returning a Check: "ok", "warn" (HTTP 200,
someone should look) or "fail" (HTTP 503). Figures are counts, ages and timings, never a person.

A fixed number of queries whatever the data: the database's SELECT 1, the beat record (one row
per scheduled task), two outbox counts on the (state, next_attempt_at) index, and the calendar's
cached table (no query when warm). Redis answers a PING (and the queue's LLEN) with a one-second
timeout, so a dead Redis makes the check slow by a second, not hang."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

OK, WARN, FAIL = "ok", "warn", "fail"
REDIS_TIMEOUT = 1.0
_clients = {}


@dataclass
class Check:
    name: str
    status: str
    message: str = ""
    figures: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"status": self.status, **self.figures, **({"message": self.message} if self.message else {})}


def worst(statuses) -> str:
    statuses = set(statuses)
    return FAIL if FAIL in statuses else WARN if WARN in statuses else OK


def _seconds(delta: datetime.timedelta) -> int:
    return int(delta.total_seconds())


# -- database and Redis --------------------------------------------------------------------------

def database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as e:  # noqa: BLE001  any failure is the answer
        return Check("database", FAIL, _("数据库无法连接：%(error)s") % {"error": type(e).__name__})
    return Check("database", OK, figures={"vendor": connection.vendor})


def redis_client(url: str):
    """One client per address per process, with short timeouts (redis-py pools its connections)."""
    client = _clients.get(url)
    if client is None:
        import redis

        client = _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
    return client


def is_redis(url: str) -> bool:
    return urlsplit(url).scheme in ("redis", "rediss", "unix")


def cache_url() -> str:
    cache = settings.CACHES["default"]
    location = cache.get("LOCATION", "")
    return location if "Redis" in cache["BACKEND"] and isinstance(location, str) else ""


def broker_url() -> str:
    return "" if settings.CELERY_TASK_ALWAYS_EAGER else settings.CELERY_BROKER_URL


def queue_length(client) -> int:
    return client.llen(getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery"))


def redis(name: str, url: str, *, queue: bool = False) -> Check:
    if not is_redis(url):
        return Check(name, OK, _("非 Redis 地址，未检查"), {"checked": False})
    client = redis_client(url)
    try:
        started = timezone.now()
        client.ping()
        figures = {"ping_ms": round((timezone.now() - started).total_seconds() * 1000, 1)}
        if queue:
            figures["queue_length"] = queue_length(client)
    except Exception as e:  # noqa: BLE001
        return Check(name, FAIL, _("Redis 无法连接：%(error)s") % {"error": type(e).__name__})
    return Check(name, OK, figures=figures)


# -- beat's schedule -----------------------------------------------------------------------------

def beat(now: datetime.datetime) -> Check:
    """Beat must have sent a task within the delivery limit (it sends deliver_outbox every minute),
    and each scheduled task must have succeeded within its limit, counted from its last success,
    or from when beat started if that is later: a fresh installation is not failing in its first
    minute, nor is one restarted after days off (its rows are from before the stop)."""
    from .models import TaskRun
    from .runs import BEAT, BEAT_SENT

    minutes, hours = settings.BANLI_HEALTH_DELIVERY_STALE_MINUTES, settings.BANLI_HEALTH_SCAN_STALE_HOURS
    limits = {
        "banli.deliver_outbox": (datetime.timedelta(minutes=minutes), _("deliver_outbox 超过 %(n)s 分钟未成功运行") % {"n": minutes}),
        "banli.daily_scan": (datetime.timedelta(hours=hours), _("daily_scan 超过 %(n)s 小时未成功运行") % {"n": hours}),
    }
    rows = {r.name: r for r in TaskRun.objects.filter(name__in=[BEAT, BEAT_SENT, *limits])}
    started = rows[BEAT].last_ok_at if BEAT in rows else None
    sent = rows[BEAT_SENT].last_ok_at if BEAT_SENT in rows else None
    figures, problems, status = {}, [], OK
    since_sent = _latest(sent, started)
    if since_sent and now - since_sent > limits["banli.deliver_outbox"][0]:
        status = FAIL
        problems.append(_("Celery beat 超过 %(n)s 分钟未发出任务") % {"n": minutes})
    for name, (limit, stale) in limits.items():
        row = rows.get(name)
        last = row.last_ok_at if row else None
        short = name.removeprefix("banli.")
        figures[f"{short}_age_s"] = _seconds(now - last) if last else None
        since = _latest(last, started)
        if since is None or now - since > limit:
            status = FAIL
            problems.append(stale)
        elif row and row.last_failed_at and (not last or row.last_failed_at > last):
            status = worst([status, WARN])
            problems.append(_("%(task)s 最近一次运行失败") % {"task": short})
    figures["beat_started_age_s"] = _seconds(now - started) if started else None
    figures["beat_sent_age_s"] = _seconds(now - sent) if sent else None
    if started is None and not rows:
        problems = [_("Celery beat 从未运行")]
    return Check("beat", status, "；".join(problems), figures)


def _latest(*moments):
    return max((m for m in moments if m), default=None)


# -- the outbox ----------------------------------------------------------------------------------

def outbox(now: datetime.datetime) -> Check:
    """Due and still unsent after the allowed lag: delivery is not running (fail). Failed in the
    last day: someone was not reached (warn; the office's outbox page lists them)."""
    from banli.notify.models import OutboxMessage

    lag = datetime.timedelta(minutes=settings.BANLI_HEALTH_OUTBOX_LAG_MINUTES)
    State = OutboxMessage.State
    overdue = OutboxMessage.objects.filter(state=State.QUEUED, next_attempt_at__lt=now - lag).count()
    failed = OutboxMessage.objects.filter(state=State.FAILED, created_at__gte=now - datetime.timedelta(days=1)).count()
    figures = {"overdue": overdue, "failed_24h": failed, "lag_minutes": settings.BANLI_HEALTH_OUTBOX_LAG_MINUTES}
    if overdue:
        return Check("outbox", FAIL, _("%(n)s 条短信/邮件已到发送时间超过 %(m)s 分钟仍未发出") % {"n": overdue, "m": settings.BANLI_HEALTH_OUTBOX_LAG_MINUTES}, figures)
    if failed:
        return Check("outbox", WARN, _("最近一天有 %(n)s 条短信/邮件发送失败") % {"n": failed}, figures)
    return Check("outbox", OK, figures=figures)


# -- the holiday calendar ------------------------------------------------------------------------

def calendar(today: datetime.date) -> Check:
    """This year without holiday data: deadlines are being counted Monday to Friday now (fail).
    Next year without it from BANLI_HEALTH_CALENDAR_WARN_MONTH on (November): deadlines that run
    into January will be (warn; the State Council's notice usually comes out in the autumn)."""
    from banli.workdays.calendar import has_calendar_data

    this_year, next_year = has_calendar_data(today.year), has_calendar_data(today.year + 1)
    figures = {"this_year": today.year, "this_year_known": this_year, "next_year": today.year + 1, "next_year_known": next_year}
    if not this_year:
        return Check("calendar", FAIL, _("%(year)s 年的节假日安排尚未录入") % {"year": today.year}, figures)
    if not next_year and today.month >= settings.BANLI_HEALTH_CALENDAR_WARN_MONTH:
        return Check("calendar", WARN, _("%(year)s 年的节假日安排尚未录入") % {"year": today.year + 1}, figures)
    return Check("calendar", OK, figures=figures)


def run_all(now: datetime.datetime | None = None) -> list[Check]:
    now = now or timezone.now()
    checks = [database()]
    if cache_url():
        checks.append(redis("cache", cache_url()))
    if broker_url():
        checks.append(redis("broker", broker_url(), queue=True))
    if checks[0].status == FAIL:
        return checks  # the rest read the database
    if broker_url():
        checks.append(beat(now))
    checks += [outbox(now), calendar(timezone.localdate(now))]
    return checks
