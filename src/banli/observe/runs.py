"""The record of beat's schedule running: each task named in CELERY_BEAT_SCHEDULE writes, when it
finishes in a worker, the time it last succeeded or failed (TaskRun); beat writes the time it
started ("beat") and the time it last sent a task ("beat.sent"). The app itself also sends
deliver_outbox after a commit that queued messages, so a fresh delivery alone would not show
that beat is still running; what beat sent does. The health check compares them with the clock
(banli.observe.checks).

Also here: the task id in the log context for the time a task runs, so that its log lines carry it."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from .logs import task_id as task_id_var
from .models import TaskRun

log = logging.getLogger(__name__)

BEAT = "beat"
BEAT_SENT = "beat.sent"
_tokens = {}
_in_beat = False  # this process is Celery beat (set by beat_init)


def scheduled_tasks() -> set[str]:
    return {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


def record(name: str, *, ok: bool, error: str = "", now=None) -> None:
    """One upsert: the first time a name is seen also sets first_seen_at."""
    now = now or timezone.now()
    field = "last_ok_at" if ok else "last_failed_at"
    row = TaskRun(name=name, first_seen_at=now, **{field: now}, last_error=error[:300])
    update = [field] + ([] if ok else ["last_error"])
    TaskRun.objects.bulk_create([row], update_conflicts=True, unique_fields=["name"], update_fields=update)


def _safely(name: str, **kwargs) -> None:
    # A record that cannot be written (database away) must not fail the task that ran; the
    # health check's database line says why anyway.
    try:
        record(name, **kwargs)
    except Exception:  # noqa: BLE001
        log.exception("could not record the run of %s", name)


def on_task_prerun(task_id=None, task=None, **kwargs):
    _tokens[task_id] = task_id_var.set(task_id)


def on_task_postrun(task_id=None, task=None, state=None, **kwargs):
    try:
        if task is not None and task.name in scheduled_tasks() and not getattr(task.request, "is_eager", False):
            _safely(task.name, ok=state == "SUCCESS", error="" if state == "SUCCESS" else f"{state}: {kwargs.get('retval')!r}")
    finally:
        token = _tokens.pop(task_id, None)
        if token is not None:
            task_id_var.reset(token)


def on_beat_init(**kwargs):
    global _in_beat
    _in_beat = True
    _safely(BEAT, ok=True)
    close_old_connections()


def on_before_task_publish(sender=None, **kwargs):
    """In beat only: it sent one of its tasks (every minute, deliver_outbox)."""
    if _in_beat and sender in scheduled_tasks():
        _safely(BEAT_SENT, ok=True)


def connect() -> None:
    from celery import signals

    signals.task_prerun.connect(on_task_prerun, dispatch_uid="banli-observe-prerun")
    signals.task_postrun.connect(on_task_postrun, dispatch_uid="banli-observe-postrun")
    signals.beat_init.connect(on_beat_init, dispatch_uid="banli-observe-beat")
    signals.before_task_publish.connect(on_before_task_publish, dispatch_uid="banli-observe-beat-sent")
