"""Loading into bare tables on PostgreSQL: the foreign keys and the non-unique indexes of the tables
the generator fills are dropped while it writes the items, and made again from their own
definitions (pg_get_indexdef, pg_get_constraintdef) once it is done, so the schema ends as the
migrations made it.

Why: with them, PostgreSQL spent more time on each row than the generator's Python (measured on
10k items: the deferred foreign-key checks at each commit ~3.5s, the ~100 secondary indexes
kept up row by row most of the rest of 11s). An index built at the end sorts its table once;
a foreign key added at the end checks every row in one join (ADD CONSTRAINT validates them all,
so a row pointing nowhere still stops the run). The unique indexes and primary keys stay: they
guard the data while it is written (a number twice in a session, two replies' feedback).

    with bare_tables([Item, Reply, ...]):
        ...write...
"""

from __future__ import annotations

import time
from contextlib import contextmanager

from django.db import connection, transaction


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
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY 1", [tables])
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
        with transaction.atomic(), connection.cursor() as cursor:
            # More memory for the sorts than the server's default (64MB), for this transaction only.
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            _settle()
            for _, definition in indexes:
                cursor.execute(definition)
            for table, name, definition in fks:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        if progress:
            progress(f"indexes ({len(indexes)}) and foreign keys ({len(fks)}) made again in {time.perf_counter() - started:.1f}s")
