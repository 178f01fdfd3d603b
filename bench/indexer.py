"""The search index written beside the load, on PostgreSQL: a forked process (Indexer) reindexes
each batch of items once the generator has committed it, with banli.search.index.reindex, while
the generator plans and writes the next. The generator's Python keeps one CPU busy and its
PostgreSQL backend a third of another; the index, a third of the run when built after the items
(9s per 10k items at 100k), takes most of the rest.

The same documents as banli.search.index.rebuild writes after the load, the same ids too: rebuild
reindexes the items by `batch` ids in id order, one transaction each; the generator's batches are
exactly those (`batch` items each, their ids drawn in one block), and the indexer takes them in
order. Nothing written after the items (questions, the assessment) is read into a document.

reindex reads the items' assignments, co-signers, replies and publication records by item or by
assignment: those indexes (NEEDS) stay while the other indexes are off (bench.bulkload).
"""

from __future__ import annotations

import gc
import time
import traceback

from django.db import connection, connections, transaction

from banli.proposals.models import Assignment, CoSigner, Item, PublicationRecord, Reply
from banli.search.index import reindex
from banli.search.models import SearchDocument

# The indexes reindex's queries go through, kept during the load: (model, field).
NEEDS = [(Assignment, "item"), (CoSigner, "item"), (Reply, "assignment"), (PublicationRecord, "assignment")]
# Statistics for the tables reindex reads, taken when the items indexed reach this, then each time
# they double (as autovacuum would after a bulk load; the server may run none, as here). Without
# them the planner takes a batch's 2000 ids to match every row: seq scans, a hash anti-join over
# every sent reply, JIT, each growing with the tables. At 300k items, public_texts' replies
# query went from ~1s to ~20ms a batch once analyzed.
FIRST_ANALYZE = 4000


def _analyze() -> None:
    tables = {m._meta.db_table for m, _ in NEEDS} | {Item._meta.db_table, SearchDocument._meta.db_table}
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(sorted(tables))}")


def _serve(pipe) -> None:
    """The indexer's loop: a batch's item ids in, reindexed in a transaction; None ends it."""
    totals = {"items": 0, "written": 0, "deleted": 0, "busy": 0.0}
    gc.enable()  # forked from a generator that collects per batch (bench.writing.collect_per_batch)
    analyze_at = FIRST_ANALYZE
    try:
        while (ids := pipe.recv()) is not None:
            started = time.perf_counter()
            if totals["items"] >= analyze_at:
                _analyze()
                analyze_at *= 2
            with transaction.atomic():
                done = reindex(ids)
            totals["items"] += len(ids)
            totals["written"] += done["written"]
            totals["deleted"] += done["deleted"]
            totals["busy"] += time.perf_counter() - started
        pipe.send(("done", totals))
    except BaseException:  # noqa: BLE001 - reported to the generator, which stops the run
        pipe.send(("error", traceback.format_exc()))
    finally:
        connections.close_all()


class Indexer:
    """
        indexer = Indexer.start()
        ... indexer.send(item ids of a batch), after its commit ...
        totals = indexer.finish()   # waits for the last batch; raises if the indexer failed
    """

    @staticmethod
    def usable() -> bool:
        """PostgreSQL, and not inside a transaction: the indexer reads through a connection of its
        own, which sees only what the generator has committed (a test's transaction, never)."""
        return connection.vendor == "postgresql" and not connection.in_atomic_block

    @classmethod
    def start(cls) -> Indexer:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        connections.close_all()  # a forked child must not share the parent's connection
        self = cls()
        self.pipe, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child,), name="bench-search-index", daemon=True)
        self.process.start()
        child.close()
        return self

    def send(self, item_ids) -> None:
        if self.pipe.poll():  # before the end, only ever an error
            self._fail(self.pipe.recv())
        self.pipe.send(sorted(item_ids))

    def finish(self) -> dict:
        """Wait for the indexer to finish; returns its totals (items, written, deleted, busy: its
        seconds at work) and `waited`, the seconds spent waiting for it."""
        started = time.perf_counter()
        self.pipe.send(None)
        try:
            msg = self.pipe.recv()
        except EOFError:
            msg = ("error", f"the search indexer ended without a word (exit code {self.process.exitcode})")
        self.process.join()
        if msg[0] != "done":
            self._fail(msg)
        return {**msg[1], "waited": time.perf_counter() - started}

    def close(self) -> None:
        """Stop the indexer if it still runs (the generator failed): it would hold its
        transaction's locks while the tables are made whole again."""
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()

    def _fail(self, msg):
        self.close()
        raise RuntimeError(f"bench search indexer failed:\n{msg[1]}")
