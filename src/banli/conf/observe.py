"""Operational visibility (issue 16.2, banli.observe): the health check's limits and token, and
the log format. Imported whole by settings.py."""

from .env import env_bool, env_choice, env_int, env_str
from .security import PRODUCTION

# A caller presenting "Authorization: Bearer <token>" sees each health check with its figures and
# may scrape /metrics; without it only a caller on the machine itself (loopback) may. Empty: no token.
BANLI_HEALTH_TOKEN = env_str("BANLI_HEALTH_TOKEN", "")
# deliver_outbox runs every minute from beat: five missed runs is beat or the worker down.
BANLI_HEALTH_DELIVERY_STALE_MINUTES = env_int("BANLI_HEALTH_DELIVERY_STALE_MINUTES", 5, minimum=2)
# The daily scan runs at 07:30: a day and two hours without one is a missed day.
BANLI_HEALTH_SCAN_STALE_HOURS = env_int("BANLI_HEALTH_SCAN_STALE_HOURS", 26, minimum=25)
# A message due for longer than this and still queued: delivery is not running.
BANLI_HEALTH_OUTBOX_LAG_MINUTES = env_int("BANLI_HEALTH_OUTBOX_LAG_MINUTES", 15, minimum=1)
# From this month on, next year's holidays not being known is a warning.
BANLI_HEALTH_CALENDAR_WARN_MONTH = env_int("BANLI_HEALTH_CALENDAR_WARN_MONTH", 11, minimum=1)

# Probes and scrapers on the machine talk plain http to the app server: no redirect to https there.
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]

# One JSON object per line in production (what a log collector parses), readable text otherwise;
# the access line per request (method, path, status, duration, user id, request id) in production.
BANLI_LOG_FORMAT = env_choice("BANLI_LOG_FORMAT", "json" if PRODUCTION else "text", ("json", "text"))
BANLI_ACCESS_LOG = env_bool("BANLI_ACCESS_LOG", PRODUCTION)
# Celery leaves the logging to Django's LOGGING, so a worker's lines have the same format, with the task id.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Settings that must agree across processes: the holiday calendar's per-process table is replaced at
# once when another process commits an edit (a version in the shared cache, banli.workdays.calendar);
# this expiry is only the backstop for edits that send no signal and for the time Redis is away.
BANLI_CALENDAR_CACHE_SECONDS = env_int("BANLI_CALENDAR_CACHE_SECONDS", 60, minimum=0)
