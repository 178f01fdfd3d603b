"""Handing a long job (the dossier ZIP, a large import) on, so that the page answers at once and
shows the job's progress: to a Celery worker by the task's name when a broker is configured (the
worker's tasks.py imports the job's module, not the other way), else to a thread of this process
(the embedded default: CELERY_TASK_ALWAYS_EAGER would run the task inside the request instead).
A thread dies with its process; each job records its own state, so a page can tell."""

from __future__ import annotations

import logging
import threading
from typing import Callable

from django.conf import settings
from django.db import connections

from banli.celery import app as celery_app

log = logging.getLogger(__name__)


def dispatch(task_name: str, run: Callable[[int], object], job_id: int) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        threading.Thread(target=_run_in_thread, args=(task_name, run, job_id), name=f"{task_name}-{job_id}", daemon=True).start()
    else:
        celery_app.send_task(task_name, args=[job_id])


def _run_in_thread(task_name: str, run, job_id: int) -> None:
    try:
        run(job_id)
    except Exception:  # the job records its failure; the thread has no one to tell
        log.exception("%s %s failed", task_name, job_id)
    finally:
        connections.close_all()  # this thread's own connections
