"""Structured logs with a request id.

RequestIdMiddleware takes X-Request-ID from the proxy when it is a sane value (1-64 characters of
letters, digits, '-', '_', '.', ':'), else makes one; it puts it in a contextvar for every log
line written while the request runs, answers it in the X-Request-ID header, and writes one access
line per request (logger banli.request: method, path, status, duration, user id).

JsonFormatter writes one JSON object per line (BANLI_LOG_FORMAT=json, the production default);
TextFormatter a readable line with the same fields. A Celery task's lines carry its task id
(banli.observe.runs sets the contextvar around each task)."""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import time
import uuid

from django.utils.functional import empty

log = logging.getLogger("banli.request")

HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,64}")

# What every line written in this context carries (None: not in a request / a task).
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("banli_request_id", default=None)
task_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("banli_task_id", default=None)


def incoming_id(value: str | None) -> str | None:
    """The proxy's id if it is one we can write into logs and headers as it is; a client can send
    anything, so an odd one (too long, spaces, quotes, newlines) is replaced, not escaped."""
    if value and _SANE.fullmatch(value):
        return value
    return None


def _user_id(request) -> int | None:
    """The signed-in user's id if the request already looked it up: a log line never makes the
    session or token query itself (a liveness probe stays free of the database)."""
    user = request.__dict__.get("user")
    wrapped = getattr(user, "_wrapped", None)
    if wrapped is empty:  # the lazy user nobody asked for
        user = request.__dict__.get("_cached_user")
    elif wrapped is not None:
        user = wrapped
    return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = incoming_id(request.headers.get(HEADER)) or uuid.uuid4().hex
        request.request_id = rid
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = rid
            log.info("%s %s %s", request.method, request.path, response.status_code, extra={
                "method": request.method, "path": request.path, "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1), "user_id": _user_id(request),
            })
            return response
        finally:
            request_id.reset(token)


class ContextFilter(logging.Filter):
    """Puts the request id and task id on every record (also lines from libraries)."""

    def filter(self, record):
        # django.request's lines about a response (404s, 500s) are written after the middleware has
        # returned; they carry the request itself.
        record.request_id = (getattr(record, "request_id", None) or request_id.get()
                             or getattr(getattr(record, "request", None), "request_id", None))
        record.task_id = getattr(record, "task_id", None) or task_id.get()
        return True


# Fields a record may carry (from `extra=`) that the formatters write out.
FIELDS = ("request_id", "task_id", "user_id", "method", "path", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    def format(self, record):
        out = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                out[name] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record):
        line = super().format(record)
        tags = " ".join(f"{n}={getattr(record, n)}" for n in ("request_id", "task_id", "user_id", "duration_ms")
                        if getattr(record, n, None) is not None)
        return f"{line} [{tags}]" if tags else line


def logging_config(*, fmt: str, level: str, access: bool) -> dict:
    """The LOGGING setting: one console handler with the chosen formatter; the access lines of
    banli.request at INFO when `access` (production), else only its warnings."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "banli.observe.logs.ContextFilter"}},
        "formatters": {"json": {"()": "banli.observe.logs.JsonFormatter"}, "text": {"()": "banli.observe.logs.TextFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["context"], "formatter": fmt}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"banli.request": {"level": "INFO" if access else "WARNING"}},
    }
