"""Rebuild the search index from the records: every item's staff and public documents, then the
database's full-text index over them (banli.search.index.rebuild). Safe to run at any time and
twice: unchanged documents are left as they are. For a database filled without the actions (an
import, the benchmark's generator) or an index damaged or emptied by hand."""

from django.core.management.base import BaseCommand, CommandError

from banli.search.index import rebuild


class Command(BaseCommand):
    help = "Rebuild the full-text search index of the items (staff and public documents)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000, help="items per transaction (default 2000)")

    def handle(self, *args, batch=2000, verbosity=1, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        progress = self.stdout.write if verbosity > 1 else None
        done = rebuild(batch=batch, progress=progress)
        self.stdout.write(f"items={done['items']} written={done['written']} deleted={done['deleted']} "
                          f"staff={done['staff']} public={done['public']} seconds={done['seconds']}")
