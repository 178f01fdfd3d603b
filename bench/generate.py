"""Bench data: N items with full, consistent histories, written in bulk in batches (bench.copying:
COPY on PostgreSQL, bulk_create on SQLite).

Not through the action functions (too slow at 100k), but every row an action would write is
written here, with the same fields and the same audit action names, so the item's state agrees
with its rows (bench.consistency checks it by the domain's own rule, derived_state): a closed
item has its sent reply, its feedback or approved closure report, a replied_at and a closed_at; a
handling item has every unit signed; numbers are unique per session and Session.last_number is
kept up to date.

Beside the items it writes what the pages read: each item's deadline rows and overdue events (as
banli.deadlines.sync would, computed by its own specs after each batch is inserted), in-app
notifications (to whom: the domain's table of notices, banli.proposals.notices), message read
marks, and Q&A questions with their answer deadlines. The people the page benchmark logs in as
get realistic work: a featured member (bench_p0001) files a share of the current CPPCC session,
so has drafts, co-sign invitations, replies to rate and unread messages; the busiest unit's
liaison and head, its district leader (with key items and replies awaiting the leader), the
offices (submissions, pending withdrawal requests, questions).

It streams: items are planned, inserted and dropped batch by batch (one transaction per batch),
so memory stays flat whatever N is. Meant for an empty (freshly migrated) database: on PostgreSQL
the items go into tables bare of foreign keys and secondary indexes, made again after them
(bench.bulkload), and a process of its own indexes them for search as they are committed
(bench.indexer); elsewhere, or inside a transaction (a test's), the search index is built at
the end.

The district (bench.org) and the items' words come from the demo's vocabulary and content
(demo/vocabulary.py, demo/content/). The planner writes an item's life (bench.planner, .handling,
.replies, .notices) into a batch that bench.writing inserts; bench.questions adds 有问必答.

    from bench.generate import generate
    summary = generate(100_000, seed=1, batch=2000)
"""

from __future__ import annotations

import gc
import random
import time
from itertools import accumulate

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from banli.audit.chain import Chain
from banli.deadlines.models import Deadline
from banli.notify.models import Notification
from banli.org.models import Assembly, Session
from banli.proposals.models import ItemState
from banli.search.index import counts as search_counts
from banli.search.index import rebuild as rebuild_search_index

from .assessment_data import make_assessment
from .bulkload import bare_tables
from .indexer import NEEDS, Indexer
from .org import GOV_USERNAME, ensure_reference, make_org, make_sessions, people_for
from .planner import Planner, SessionCtx
from .questions import make_questions
from .writing import Batch, collect_per_batch, historical_timestamps, insert, peak_rss_mb, wide_sqlite_inserts, written_models

S = ItemState
# The state mix. Old sessions are mostly closed; the current one has every state.
OLD_MIX = [(S.CLOSED, 86), (S.EVALUATED, 4), (S.NOT_REGISTERED, 3), (S.MERGED, 2.5), (S.CONVERTED, 2), (S.WITHDRAWN, 2.5)]
CURRENT_MIX = [
    (S.DRAFT, 3), (S.SUBMITTED, 7), (S.REGISTERED, 5), (S.ASSIGNED, 8), (S.HANDLING, 24), (S.REPLIED, 14),
    (S.EVALUATED, 10), (S.REHANDLING, 4), (S.CLOSED, 14), (S.NOT_REGISTERED, 3), (S.MERGED, 3), (S.CONVERTED, 2.5),
    (S.WITHDRAWN, 2.5),
]
# Each current session starts with one item of every state, so small runs still have them all.
GUARANTEED = [S.REGISTERED, S.ASSIGNED, S.HANDLING, S.REPLIED, S.EVALUATED, S.REHANDLING, S.CLOSED, S.DRAFT, S.SUBMITTED,
              S.NOT_REGISTERED, S.MERGED, S.CONVERTED, S.WITHDRAWN]


def _states(sessions, counts, planner, mixes, now, ctxs):
    """(session being filled, state, featured) of each item to plan, session by session, oldest
    first; each session's SessionCtx is added to ctxs as it starts."""
    for session, count in zip(sessions, counts):
        sc = SessionCtx(session, session.is_current, now)
        ctxs.append(sc)
        mix = mixes["current" if session.is_current else "old"]
        recent_enough = session.year >= now.year - 2
        for i in range(count):
            featured = ""
            if session.is_current and i < len(GUARANTEED):
                state = GUARANTEED[i]
                featured = "member" if session.assembly == Assembly.CPPCC else ""
            elif session.is_current and session.assembly == Assembly.CPPCC and i == len(GUARANTEED):
                state, featured = S.DRAFT, "invite"  # someone's draft inviting the featured member
            else:
                state = planner.weighted(mix)
            if state == S.EVALUATED and not session.is_current and not recent_enough:
                state = S.CLOSED  # plans from long ago are done
            if state == S.MERGED and not sc.pool:
                state = S.NOT_REGISTERED
            yield sc, state, featured
        # The pool keeps only a few recent items; drop the session's once it is done.
        sc.pool.clear()


def generate(n_items: int, *, seed: int = 1, batch: int = 2000, progress=print, units: int | None = None) -> dict:
    """Create reference data, the vocabulary's units (or `units` of them: 600 for a province), 500
    people or one for every 30 items (bench.org.people_for), sessions over the years and `n_items` items with their histories, then the year-end
    assessment's own rows (bench.assessment_data). Returns a summary (counts, ids of the bench
    users, timings, peak RSS)."""
    progress = progress or (lambda *a, **k: None)
    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    started = time.perf_counter()
    with transaction.atomic():
        ensure_reference()
        # What the assessment reads beyond the items (liaison changes, the lead units' grades of
        # co-handling units) draws on random streams of its own: the rest is as it always was.
        org = make_org(rng, n_people=people_for(n_items), n_units=units, extra=random.Random(f"{seed}:liaisons"))
        sessions, counts = make_sessions(n_items, now)
    progress(f"reference data, {len(org.units)} units, {sum(len(p) for p in org.people.values())} people, {len(sessions)} sessions "
             f"({', '.join(str(c) for c in counts)} items) in {time.perf_counter() - started:.1f}s")
    planner = Planner(org, rng, now, extra=random.Random(f"{seed}:co_grades"))
    mixes = {k: ([s for s, _ in m], list(accumulate(w for _, w in m))) for k, m in (("old", OLD_MIX), ("current", CURRENT_MIX))}
    # A large bulk size: SQLite with _wide_sqlite_inserts or PostgreSQL take many rows per INSERT.
    bulk = 2000 if connection.vendor == "sqlite" else 1000
    total_rows = 0
    done = 0
    state_counts: dict[str, int] = {}
    policies: dict = {}
    search = None  # the search index's totals, when written during the load (bench.indexer)
    with historical_timestamps(), wide_sqlite_inserts(), collect_per_batch():
        current = Batch()
        chain = Chain()  # the audit rows' hash chain, carried from batch to batch
        ctxs = []
        index_aside = Indexer.usable()  # PostgreSQL, outside a transaction: the search index is written during the load
        indexer = None

        def flush():
            nonlocal current, total_rows
            if not current.items and not current.merged:
                return
            with transaction.atomic():
                total_rows += insert(current, bulk, policies, chain)
                for sc in ctxs:
                    if sc.number != sc.session.last_number:
                        Session.objects.filter(pk=sc.session.pk).update(last_number=sc.number)
                        sc.session.last_number = sc.number
            if indexer is not None:
                indexer.send(it.pk for it in current.items + current.merged)
            current = Batch()
            gc.collect()  # whatever the dropped batch left in a cycle (bench.writing.collect_per_batch)

        # The items go into bare tables (bench.bulkload: PostgreSQL), made whole again before the
        # rest; on PostgreSQL a process of its own indexes them for search meanwhile (bench.indexer).
        with bare_tables(written_models(), progress, keep=NEEDS if index_aside else ()):
            indexer = Indexer.start() if index_aside else None
            try:
                for seq, (sc, state, featured) in enumerate(_states(sessions, counts, planner, mixes, now, ctxs), start=1):
                    planner.plan(current, sc, state, seq, featured)
                    key = getattr(state, "value", state)
                    state_counts[key] = state_counts.get(key, 0) + 1
                    done += 1
                    if len(current.items) + len(current.merged) >= batch:
                        flush()
                        if done % max(batch, 10_000) < batch:
                            el = time.perf_counter() - started
                            progress(f"  {done:>7}/{n_items} items, {total_rows:,} rows, {el:.0f}s, {done / el:.0f} items/s, peak RSS {peak_rss_mb():.0f} MB")
                flush()
                if indexer is not None:
                    search = indexer.finish()
            finally:
                if indexer is not None:
                    indexer.close()
        with transaction.atomic():
            n_questions, q_rows = make_questions(org, rng, now, n_items, bulk)
            total_rows += q_rows
    with transaction.atomic():  # through create_scheme, which stamps its audit row itself
        schemes, a_rows = make_assessment(org, random.Random(f"{seed}:assessment"), now, bulk)
        total_rows += a_rows
    if search is None:
        # The rows above bypass the actions, which keep the search index: build it from them, in
        # batches (banli.search.index.rebuild), as `manage.py rebuild_search_index` does.
        search = rebuild_search_index(batch=batch)
        progress(f"search index: {search['staff']} staff and {search['public']} public documents in {search['seconds']:.1f}s "
                 f"({search['seconds'] * 10_000 / max(n_items, 1):.1f}s per 10k items)")
    else:
        search.update(search_counts(), seconds=round(search["waited"], 2))
        progress(f"search index: {search['staff']} staff and {search['public']} public documents, written during the load "
                 f"({search['busy'] * 10_000 / max(n_items, 1):.1f}s per 10k items), {search['waited']:.1f}s waited for after it")
    elapsed = time.perf_counter() - started
    User = get_user_model()
    busiest = org.units[0]
    summary = {
        "items": n_items,
        "rows": total_rows,
        "seconds": round(elapsed, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "sessions": [s.pk for s in sessions],
        "current_sessions": {s.assembly: s.pk for s in sessions if s.is_current},
        "states": state_counts,
        "gov_user_id": User.objects.get(username=GOV_USERNAME).pk,
        "office_user_ids": dict(org.office_id),
        "busiest_unit_id": busiest["id"],
        "busiest_unit_liaison_id": busiest["liaison"],
        "busiest_unit_head_id": busiest["leader"],
        "leader_user_id": busiest["sup"],  # the district leader whose portfolio holds the busiest unit
        "member_user_id": org.member[1],
        "member_person_id": org.member[0],
        "questions": n_questions,
        "units": len(org.units),
        "schemes": schemes,
        "deadlines": Deadline.objects.count(),
        "notifications": Notification.objects.count(),
        "search_index_seconds": search["seconds"],
    }
    progress(f"generated {n_items} items, {total_rows:,} rows in {elapsed:.1f}s, peak RSS {summary['peak_rss_mb']} MB")
    _analyze_all()
    return summary


def _analyze_all() -> None:
    """What autovacuum does soon after a bulk load, which a server may not run (this machine's
    does not): the planner's statistics (without them a leader's portfolio at 100k took 292 s: a
    nested loop over every milestone of an item the planner thought was alone in its session) and
    the visibility map (without it every index-only scan reads the table too: counting 33,000 late
    milestones at 1M took 129 ms, 33,209 heap fetches). Every tool that generates (bench.run,
    bench.load, bench.cpu, bench.assessment, bench.suggest) then times what a running installation
    would. VACUUM cannot run in a transaction: inside one (a test's), statistics only. SQLite:
    nothing of the kind."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")

