"""The embedded default: `make run` runs the scan in-process on a timer (no cron, no Celery).
Production runs it from Celery beat instead (banli.deadlines.tasks, CELERY_BEAT_SCHEDULE): with
several app processes each would run its own timer, and a scan inside a web worker competes with
requests. BANLI_SCAN_EVERY_SECONDS with BANLI_PRODUCTION=1 is refused at start, naming both."""

import logging
import os
import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)


def start_if_configured() -> threading.Thread | None:
    # Set by `make run` for its one server process (runserver --noreload); any other command,
    # test run or production process leaves it unset and runs no timer.
    every = int(os.environ.get("BANLI_SCAN_EVERY_SECONDS", "0") or 0)
    if every <= 0:
        return None
    if settings.PRODUCTION:
        raise ImproperlyConfigured(
            "BANLI_SCAN_EVERY_SECONDS is for `make run` only: in production (BANLI_PRODUCTION=1) the daily scan "
            "runs from Celery beat (celery -A banli beat). Unset BANLI_SCAN_EVERY_SECONDS."
        )
    stop = threading.Event()

    def loop():
        from django.db import close_old_connections

        while not stop.wait(15 if loop.first else every):
            loop.first = False
            try:
                from banli.deadlines.scan import run_scan

                from banli.notify.digest import send_digests

                log.warning("deadline scan: %s", run_scan())
                # Idempotent, a no-op before the digest hour: the hourly timer sends it once a day.
                send_digests()
            except Exception:  # the timer must outlive one failed scan; the error is logged
                log.exception("deadline scan failed")
            finally:
                close_old_connections()

    loop.first = True
    thread = threading.Thread(target=loop, name="banli-scan", daemon=True)
    thread.start()
    return thread
