"""Loading into bare tables on PostgreSQL: the foreign keys and the non-unique indexes of the tables
the generator fills are dropped while it writes the items, and made again from their own
definitions (pg_get_indexdef, pg_get_constraintdef) once it is done, so the schema ends as the
migrations made it.

Why: with them, PostgreSQL spent 11s on the rows of 10k items, half as much as the generator's
Python (the deferred foreign-key checks at each commit ~3.5s, the ~100 secondary indexes kept
up row by row most of the rest); without them 5s, and 1.5s to make them again. An index built
at the end sorts its table once;
a foreign key added at the end checks every row in one join (ADD CONSTRAINT validates them all,
so a row pointing nowhere still stops the run). The unique indexes and primary keys stay: they
guard the data while it is written (a number twice in a session, two replies' feedback).

    with bare_tables([Item, Reply, ...]):
        ...write...
"""

from __future__ import annotations

import queue
import threading
import time
from contextlib import contextmanager

from django.db import connection, transaction


# More memory for the index builds' sorts than the server's default (64MB): at a million items
# the audit table's indexes sort ~17M rows each.
MEMORY = "512MB"


def _make_indexes(definitions) -> None:
    """Build the indexes (largest tables first), two at a time on connections of their own: the
    builds are the server's work, one CPU each, and the generator waits for them. Inside a
    transaction (a test's), one after the other in it."""
    if connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{MEMORY}'")
            for definition in definitions:
                cursor.execute(definition)
        return
    todo = queue.SimpleQueue()
    for definition in definitions:
        todo.put(definition)
    errors = []

    def build():
        try:
            with connection.cursor() as cursor:  # this thread's own connection, in autocommit
                cursor.execute(f"SET maintenance_work_mem = '{MEMORY}'")
                while True:
                    try:
                        definition = todo.get_nowait()
                    except queue.Empty:
                        return
                    cursor.execute(definition)
        except BaseException as e:  # noqa: BLE001 - raised in the generator's thread below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=build, name=f"bench-index-{k}") for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def _settle():
    """Run the deferred constraint checks now (Django's check_constraints: IMMEDIATE, then DEFERRED
    again): PostgreSQL refuses to alter a table with checks still pending in the transaction, as
    when the generator runs inside a test's transaction after writing the district."""
    connection.check_constraints()


@contextmanager
def bare_tables(models, progress=None, keep=()):
    """Drop the foreign keys and non-unique indexes of these models' tables (PostgreSQL; elsewhere
    nothing), make them again on leaving, even on an error. Meant for the generator's empty
    database: the tables must not be read by an index meanwhile, but for the plain one-column
    indexes of `keep` ((model, field name) pairs), which stay."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = sorted({m._meta.db_table for m in models})
    kept = {(m._meta.db_table, m._meta.get_field(name).column) for m, name in keep}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2", [tables])
        fks = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.relname, a.attname FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indrelid"
            " LEFT JOIN pg_attribute a ON i.indnatts = 1 AND i.indpred IS NULL AND i.indexprs IS NULL"
            "  AND a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
            " WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relpages DESC, 1", [tables])
        indexes = [(name, definition) for name, definition, table, column in cursor.fetchall() if (table, column) not in kept]
    with transaction.atomic(), connection.cursor() as cursor:
        _settle()
        for table, name, _ in fks:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    try:
        yield
    finally:
        started = time.perf_counter()
        _make_indexes([definition for _, definition in indexes])
        built = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            _settle()
            for table, name, definition in fks:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        if progress:
            progress(f"indexes ({len(indexes)}) made again in {built - started:.1f}s, foreign keys ({len(fks)}) in {time.perf_counter() - built:.1f}s")
