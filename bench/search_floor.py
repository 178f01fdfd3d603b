"""The search part of the floors: the bare SQL that finds the items of a search as
banli.search.query.matching bounds them (at most CANDIDATES: the best matches of the newest
session first, then of the sessions before), and their rank (lower is better), on each database.
The query string is built by that module's tokenizer: how words become pieces is not SQL.

`where` and `args` are the list's other conditions on the items (alias i): they go inside the
bounded search too, as the list's own filters do, so that the bound counts what the reader may see."""

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


def match(q: str, scope: str, where: str = "TRUE", args=(), units=None, item_alias: str = "i") -> Match:
    from django.db import connection

    from banli.org.models import Session
    from banli.proposals.models import Item
    from banli.search.keys import session_key, unit_key
    from banli.search.query import CANDIDATES, _parts, fts5_query, tsquery

    from .floors import table

    parts, items, i = _parts(q), table(Item), item_alias
    assert scope in ("staff", "public")  # written into the SQL: PostgreSQL picks the scope's partial index
    docs = f"JOIN search_searchdocument d ON d.item_id = {i}.id AND d.scope = '{scope}'"
    if connection.vendor == "sqlite":
        fts = f"{docs} JOIN search_fts f ON f.rowid = d.id"
        found = (f"{i}.id IN (SELECT {i}.id FROM {items} {i} {fts} JOIN {table(Session)} s ON s.id = {i}.session_id "
                 f"WHERE {where} AND f.search_fts MATCH %s ORDER BY s.opens_on DESC, {i}.session_id DESC, f.rank, {i}.id DESC "
                 f"LIMIT {CANDIDATES})")
        return Match(fts, [], f"{found} AND f.search_fts MATCH %s", [*args, fts5_query(parts), fts5_query(parts)], "f.rank", [])
    # The stored tsvector (search migration 0001), which the GIN indexes cover; one branch per
    # session, newest first, the words AND the session's key (or a unit's of the session), as the list asks.
    with connection.cursor() as c:
        c.execute(f"SELECT id FROM {table(Session)} ORDER BY opens_on DESC, id DESC")
        sessions = [r[0] for r in c.fetchall()]
    words = tsquery(parts)
    rank = "-ts_rank(d.vector, to_tsquery('simple'::regconfig, %s), 1)"
    branches, branch_args = [], []
    for n, sid in enumerate(sessions):
        keyed = f"({' | '.join(unit_key(u, sid) for u in sorted(units))})" if units else session_key(sid)
        branches.append(f"SELECT pk FROM (SELECT {i}.id AS pk FROM {items} {i} {docs} WHERE {where} AND "
                        f"d.vector @@ to_tsquery('simple'::regconfig, %s) ORDER BY {rank}, {i}.id DESC LIMIT {CANDIDATES}) AS s{n}")
        branch_args += [*args, f"{words} & {keyed}", words]
    found = f"{i}.id IN (SELECT pk FROM ({' UNION ALL '.join(branches)}) AS found LIMIT {CANDIDATES})" if branches else "FALSE"
    return Match(docs, [], found, branch_args, rank, [words])
