"""Send the outbox's due messages once, or every N seconds (a stand-in for a Celery beat on a
machine without one)."""

import time

from django.core.management.base import BaseCommand

from banli.notify.outbox import deliver_due


class Command(BaseCommand):
    help = "Send due SMS and e-mail from the outbox (retries with backoff; see BANLI_NOTIFY_* settings)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds instead of once")

    def handle(self, *args, every=0, **options):
        while True:
            counts = deliver_due()
            if options["verbosity"] > 0:
                self.stdout.write(f"sent {counts['sent']}, retried {counts['retried']}, failed {counts['failed']}"
                                  + (" (SMS held: quiet hours)" if counts["held"] else ""))
            if not every:
                return
            time.sleep(every)
