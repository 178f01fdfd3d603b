"""Load the demo district: reference data, people, units, and two sessions of items whose
histories are made by the action functions. `--if-empty` leaves a database that already has
items alone, so a second `make run` keeps what users changed."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from banli.demo.generate import ACCOUNTS, DemoError, Generator
from banli.proposals.models import Item


class Command(BaseCommand):
    help = "Load the demo data (一个虚构的区：委员、代表、承办单位和两届会议的提案/建议)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing if any item already exists")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")

    def handle(self, *args, **options):
        if Item.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo data not loaded: the database already has items (kept as they are).")
                return
            raise CommandError("The database already has items. Load the demo into an empty database "
                               "(e.g. `manage.py flush`), or pass --if-empty to skip.")
        taken = sorted(get_user_model().objects.filter(username__in=[a[0] for a in ACCOUNTS]).values_list("username", flat=True))
        if taken:
            raise CommandError(f"Demo accounts already exist ({', '.join(taken)}) although there are no items. "
                               "Load the demo into an empty database (e.g. `manage.py flush`).")
        verbose = options["verbosity"] > 1
        gen = Generator(seed=options["seed"], log=(self.stdout.write if verbose else None))
        try:
            summary = gen.run()
        except DemoError as exc:
            raise CommandError(f"Demo generation failed, nothing was written: {exc}") from exc
        states = ", ".join(f"{k} {v}" for k, v in sorted(summary["states"].items()))
        self.stdout.write(self.style.SUCCESS(
            f"Demo loaded: {summary['items']} items ({states}); {summary['steps']} steps in {summary['seconds']} s."))
