"""Run the daily deadline scan once (for cron, or by hand): marks late milestones, writes overdue
events, sends the day's reminders. Running it twice on a day sends nothing twice."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from banli.deadlines.scan import run_scan


class Command(BaseCommand):
    help = "Run the daily deadline scan once."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="scan as of this date (YYYY-MM-DD); default today")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD") from None
        result = run_scan(today)
        self.stdout.write(" ".join(f"{k}={v}" for k, v in result.items()))
