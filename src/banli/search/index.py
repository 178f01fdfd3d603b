"""Writing the search index: each item's documents, rewritten from its records.

reindex() is called inside every item action's transaction (banli.proposals.actions.common.
item_action, and create_draft), so the index changes with the records it is made from, or not at
all when the action fails. It reads and writes in bulk: a fixed number of queries for any number
of items, which also makes rebuild() (batches of items) and the benchmark's generator fast."""

from __future__ import annotations

import time
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count

from banli.portal.rules import public_texts
from banli.proposals.models import Assignment, Item

from .models import SearchDocument
from .keys import keys
from .pieces import document

STAFF, PUBLIC = SearchDocument.Scope.STAFF, SearchDocument.Scope.PUBLIC


def reindex(item_ids) -> dict:
    """Bring the documents of these items in line with their records: the staff document from the
    title, 案由 and 建议 (what the staff list's q= searched before the index), the public one from
    what the public site shows (banli.portal.rules.public_texts), and no public document for an
    item off the public site. Unchanged documents are not rewritten (on SQLite every rewrite is a
    delete and an insert in the FTS index). Returns how many documents were written and deleted."""
    ids = sorted({int(i) for i in item_ids})
    if not ids:
        return {"written": 0, "deleted": 0}
    wanted = {}
    titles, sessions = {}, {}
    # Every unit ever assigned, ended assignments too: the staff pre-filter may take in more items
    # than a unit's staff may read (visible_items then filters exactly), never fewer.
    units = defaultdict(set)
    for item_id, unit_id in Assignment.objects.filter(item_id__in=ids).values_list("item_id", "unit_id"):
        units[item_id].add(unit_id)
    for pk, session_id, title, reason, suggestions in Item.objects.filter(pk__in=ids).values_list(
            "pk", "session_id", "title", "reason", "suggestions"):
        # The title twice: a word in the title says more of what the item is about than one in
        # its body, and repeating it weighs it so for bm25 and ts_rank alike (one column, one rule).
        titles[pk], sessions[pk] = title, session_id
        wanted[(pk, STAFF)] = f"{document(title, title, reason, suggestions)} {keys(session_id, units[pk])}"
    for pk, text in public_texts(ids).items():
        wanted[(pk, PUBLIC)] = f"{document(titles.get(pk, ''), text)} {keys(sessions[pk])}"
    existing = {(pk, scope): (doc_id, tokens)
                for doc_id, pk, scope, tokens in SearchDocument.objects.filter(item_id__in=ids).values_list("pk", "item_id", "scope", "tokens")}
    changed = [SearchDocument(item_id=pk, scope=scope, tokens=tokens) for (pk, scope), tokens in wanted.items()
               if existing.get((pk, scope), (None, None))[1] != tokens]
    if changed:
        # One upsert: insert the new documents, rewrite the changed ones.
        SearchDocument.objects.bulk_create(changed, update_conflicts=True, unique_fields=["item", "scope"], update_fields=["tokens"])
    stale = [doc_id for key, (doc_id, _) in existing.items() if key not in wanted]
    if stale:
        SearchDocument.objects.filter(pk__in=stale).delete()
    return {"written": len(changed), "deleted": len(stale)}


def rebuild(*, batch: int = 2000, progress=None) -> dict:
    """Reindex every item, a batch per transaction (memory and lock time stay flat), then let the
    database tidy its full-text index: on SQLite, FTS5's 'rebuild' re-reads every document (so an
    FTS index damaged or emptied behind Django's back is restored too) and 'optimize' merges it
    into one segment, as a bulk load leaves many."""
    started = time.perf_counter()
    totals = {"items": 0, "written": 0, "deleted": 0}
    last = 0
    while True:
        ids = list(Item.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            break
        with transaction.atomic():
            done = reindex(ids)
        totals["items"] += len(ids)
        totals["written"] += done["written"]
        totals["deleted"] += done["deleted"]
        last = ids[-1]
        if progress:
            progress(f"  {totals['items']} items, {totals['written']} documents written, {time.perf_counter() - started:.1f}s")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
    totals.update(counts())
    totals["seconds"] = round(time.perf_counter() - started, 2)
    return totals


def counts() -> dict:
    rows = dict(SearchDocument.objects.values_list("scope").annotate(n=Count("pk")).order_by())
    return {"staff": rows.get(STAFF, 0), "public": rows.get(PUBLIC, 0)}


def fill_if_empty(sender=None, using="default", **kwargs) -> None:
    """After `migrate`: a database that has items but no index yet (one made before this app, such
    as an existing demo) is indexed once, so search works without a step to remember."""
    if using == "default" and Item.objects.exists() and not SearchDocument.objects.exists():
        rebuild()
