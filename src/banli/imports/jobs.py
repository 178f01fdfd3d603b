"""Running a large import in the background, as the dossier export runs (banli.reports.dossier_jobs):
a Celery task when a broker is configured, otherwise a thread of this process, so that the page
answers at once and shows the progress."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connections

from banli.celery import app as celery_app

from .running import run

log = logging.getLogger(__name__)

RUN_TASK = "banli.run_import"  # tasks.run_import


def dispatch(batch_id: int) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        threading.Thread(target=_run_in_thread, args=(batch_id,), name=f"import-{batch_id}", daemon=True).start()
    else:
        celery_app.send_task(RUN_TASK, args=[batch_id])


def _run_in_thread(batch_id: int) -> None:
    try:
        run(batch_id)
    except Exception:  # recorded on the batch by run(); the thread has no one to tell
        log.exception("import %s failed", batch_id)
    finally:
        connections.close_all()
