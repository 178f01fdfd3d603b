"""Figures already computed, kept between requests until a record changes.

Working out a session's figures reads every item of it and of the session before (a correlated
subquery per item for each thing in force), and the page draws four charts from them: a few
hundred milliseconds that gave the same answer to every reader until something was recorded.
So each answer is kept under a key that holds what was asked (the period, the 截至 day, the
language for drawn charts) and the generations of what it was computed from, with the public
portal's own generation counters (banli.portal.cache): RECORDS moves on with any change that
leaves an audit row (every action leaves one, DOMAIN §4), REFERENCE after a rename of
a unit, category or session. A changed record thus makes every kept answer unreachable at once,
in every process sharing the cache; the next request computes afresh.

The day is part of what was asked: a report as of today counts a milestone late from the day
after its due date, so yesterday's answer is not today's even with no record changed."""

from __future__ import annotations

import hashlib
import json

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, transaction

from banli.portal import cache as generations

RECORDS = "records"
DEPENDS_ON = [RECORDS, generations.REFERENCE]
TIMEOUT = 60 * 60  # the generations already make a stale answer unreachable; this only frees memory


def _key(kind: str, asked: tuple) -> str:
    marks = ",".join(f"{d}={g}" for d, g in zip(DEPENDS_ON, generations.generations(DEPENDS_ON)))
    return "reports:" + hashlib.sha256(f"{kind}|{asked!r}|{marks}".encode()).hexdigest()


def remembered(kind: str, asked: tuple, compute):
    """compute()'s answer to `asked`, computed once per generation of the records. The
    generations are read before computing: a change committed meanwhile stores the answer under
    the old generation, where nobody looks any more."""
    key = _key(kind, asked)
    store = caches["default"]
    hit = store.get(key)
    if hit is not None:
        return hit
    value = compute()
    store.set(key, value, TIMEOUT)
    return value


def drawn(kind: str, content, compute):
    """compute()'s answer for `content`, kept under the content itself rather than the records'
    generation: for what is a pure function of a few figures (the charts, drawn from the
    breakdowns), so that a change that leaves those figures as they were (a message, an urge, a
    consultation) does not make it drawn again."""
    raw = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    key = f"reports:{kind}:" + hashlib.sha256(raw.encode()).hexdigest()
    store = caches["default"]
    hit = store.get(key)
    if hit is None:
        hit = compute()
        store.set(key, hit, TIMEOUT)
    return hit


def _records_moved() -> None:
    generations.bump([RECORDS])


def audit_row_written(sender, instance=None, created=False, using=None, **kwargs) -> None:
    """post_save of an audit row (connected in apps.py). The generation moves twice: at once, so
    that the writer's own later reads in its transaction are not answered from before the change,
    and again after the commit, so that an answer another process computed meanwhile from the
    records as they were before the commit is not served either. Once per transaction (or
    savepoint), however many rows it audits (a batch of 300)."""
    if not created:
        return
    conn = transaction.get_connection(using or DEFAULT_DB_ALIAS)
    if conn.in_atomic_block:
        here = set(conn.savepoint_ids)
        if any(entry[1] is _records_moved and entry[0] == here for entry in conn.run_on_commit):
            return
        _records_moved()
    transaction.on_commit(_records_moved, using=using)
