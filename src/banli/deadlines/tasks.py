"""Background tasks. Each passes plain values and opens its own transaction, so a retry or a
second worker changes nothing twice (the scan and delivery are idempotent)."""

import datetime

from celery import shared_task


@shared_task(name="banli.daily_scan")
def daily_scan(date: str | None = None) -> dict:
    """The daily deadline scan, then delivery of what it queued."""
    from banli.notify.digest import send_digests
    from banli.notify.outbox import deliver_due

    from .scan import run_scan

    result = run_scan(datetime.date.fromisoformat(date) if date else None)
    result["digests"] = send_digests()
    result["delivery"] = deliver_due()
    return {k: v for k, v in result.items()}


@shared_task(name="banli.deliver_outbox")
def deliver_outbox() -> dict:
    """Send queued SMS and e-mail whose time has come (retries and quiet hours included); on the
    first pass after the digest hour, queue the day's digests first (once a day per person)."""
    from banli.notify.digest import send_digests
    from banli.notify.outbox import deliver_due

    digests = send_digests()
    return {**deliver_due(), "digests": digests["digests"]}
