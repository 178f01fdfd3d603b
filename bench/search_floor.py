"""The search part of the floors: the bare SQL that finds an item's document of a scope matching
a query, and its rank (lower is better), on each database, as banli.search.query asks them (the
query string is built by that module's tokenizer: how words become pieces is not SQL)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Match:
    joins: str  # after FROM <items> i
    joins_args: list
    where: str
    where_args: list
    rank: str  # ORDER BY it, ascending: best first
    rank_args: list


def match(q: str, scope: str, item_alias: str = "i") -> Match:
    from django.db import connection

    from banli.search.query import _parts, fts5_query, tsquery

    parts = _parts(q)
    assert scope in ("staff", "public")  # written into the SQL: PostgreSQL picks the scope's partial index
    if connection.vendor == "sqlite":
        return Match(f"JOIN search_searchdocument d ON d.item_id = {item_alias}.id AND d.scope = '{scope}' JOIN search_fts f ON f.rowid = d.id",
                     [], "f.search_fts MATCH %s", [fts5_query(parts)], "f.rank", [])
    # The stored tsvector (search migration 0001), which the GIN indexes cover.
    query = "to_tsquery('simple'::regconfig, %s)"
    return Match(f"JOIN search_searchdocument d ON d.item_id = {item_alias}.id AND d.scope = '{scope}'", [],
                 f"d.vector @@ {query}", [tsquery(parts)], f"-ts_rank(d.vector, {query}, 1)", [tsquery(parts)])
