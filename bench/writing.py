"""Writing the planned rows: a batch of items and every row of their histories, inserted in bulk
(bench.copying) in dependency order with their historical timestamps, then the deadline rows and
overdue events banli.deadlines.sync would write for them, computed from the rows in memory."""

from __future__ import annotations

import datetime as dt
import gc
import resource
import sys
from contextlib import contextmanager

from django.apps import apps
from django.db import connection, models

from banli.audit.chain import Chain
from banli.audit.models import AuditRecord
from banli.deadlines.models import Deadline, OverdueEvent
from banli.notify.models import Notification
from banli.proposals.models import (
    AdjustmentRequest, Assignment, Attachment, ClosureReport, Consultation, CoOpinion, CoSigner, CoUnitGrade, ExtensionRequest,
    Feedback, Item, KeyItemMark, LeadCoGrade, LeaderInstruction, Mediation, Message, MessageReadMark, ProgressUpdate,
    PublicationRecord, Reply, ReplyApproval, UrgeNotice,
)

from .copying import make, save
from .deadline_rows import SPEC_MODELS, write_deadlines

# Historical timestamps: bulk_create would stamp auto_now/auto_now_add fields with "now".


@contextmanager
def historical_timestamps():
    patched = []
    for model in apps.get_app_config("proposals").get_models():
        patched += [f for f in model._meta.concrete_fields if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add)]
    for model in (AuditRecord, Notification):
        patched += [f for f in model._meta.concrete_fields if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in patched]
    for f in patched:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now_, add in saved:
            f.auto_now, f.auto_now_add = now_, add


@contextmanager
def wide_sqlite_inserts():
    """SQLite allows 32766 parameters per statement since 3.32; Django assumes 999. Fewer, wider
    INSERTs make the load several times faster."""
    feats = connection.features
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    try:
        import sqlite3

        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except Exception:  # noqa: BLE001 - old sqlite module: keep Django's default
        limit = 999
    had = "max_query_params" in feats.__dict__
    old = feats.__dict__.get("max_query_params")
    feats.max_query_params = max(999, min(limit, 32766))
    try:
        yield
    finally:
        if had:
            feats.max_query_params = old
        else:
            del feats.max_query_params


@contextmanager
def collect_per_batch():
    """Python's cycle collector once per batch (call gc.collect() after dropping one), not on its
    own. A batch keeps ~100k instances alive, so the collector's full passes came every ~450
    items and walked them all, and Django besides: 22 passes, 3-6s of a 10k-item run. What lives
    on before the load (Django, the district) is frozen out of the passes; a written batch holds
    no cycle (bench.copying.save drops the instances' caches), so reference counting frees it and
    the pass after each batch finds next to nothing."""
    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


# ---------------------------------------------------------------------------------------------
# A batch: the planner adds rows, insert() writes them (objects refer to each other; the order
# below lets bulk_create fill in the ids before the rows that point at them).

INSERT_ORDER = [
    CoSigner, Assignment, Consultation, PublicationRecord, KeyItemMark, LeaderInstruction, Mediation, UrgeNotice, Attachment,
    "root_messages", "suggested", CoOpinion, AdjustmentRequest, ExtensionRequest, Reply, ProgressUpdate, ClosureReport,
    "answer_messages", ReplyApproval, Feedback, CoUnitGrade, LeadCoGrade,
]


def written_models() -> list:
    """Every model insert() writes rows of."""
    return [Item, Item.suggested_units.through, Message, AuditRecord, Notification, MessageReadMark, Deadline, OverdueEvent,
            *(k for k in INSERT_ORDER if not isinstance(k, str))]


class Batch:
    """The rows of a batch of items, as the planner makes them."""

    def __init__(self):
        self.items = []
        self.merged = []
        self.rows = {k: [] for k in INSERT_ORDER}
        self.audits = []  # (AuditRecord, target object or None)
        self.notes = []  # Notification rows (item set later)
        self.reads = []  # (item, user id, the last message read)

    def add(self, key, obj):
        self.rows[key].append(obj)
        return obj


# ---------------------------------------------------------------------------------------------
# Writing a batch


def _plain(v):
    if isinstance(v, models.Model):
        return v.pk
    if isinstance(v, (dt.date, dt.datetime)):
        return str(v)
    if isinstance(v, str):
        return str(v)  # plain str, not a TextChoices member
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    return v


def insert(batch: Batch, bulk: int, policies: dict, chain=None) -> int:
    """Write the batch (bench.copying.save: COPY on PostgreSQL, bulk_create elsewhere), then its
    deadline rows (bench.deadline_rows). Returns the number of rows written. The audit rows are
    sealed into the audit trail's hash chain first (banli.audit.chain.Chain: pass the same one
    for every batch, so the chain's last row is read once)."""
    through = Item.suggested_units.through
    groups = [(Item, batch.items), (Item, batch.merged)]
    for key in INSERT_ORDER:
        objs = batch.rows[key]
        if key == "suggested":
            seen = set()
            rows = []
            for it, uid in objs:
                if (id(it), uid) not in seen:
                    seen.add((id(it), uid))
                    rows.append(make(through, item=it, unit_id=uid))
            groups.append((through, rows))
        else:
            groups.append((Message if key in ("root_messages", "answer_messages") else key, objs))
    n = save(groups, bulk)
    audits = []
    for rec, target in batch.audits:  # the targets have their ids now
        target = target if target is not None else rec.item
        rec.target_type = target._meta.model_name
        rec.target_id = target.pk
        rec.before = {k: _plain(v) for k, v in rec.before.items()}
        rec.after = {k: _plain(v) for k, v in rec.after.items()}
        audits.append(rec)
    (chain or Chain()).seal(audits)  # ids and hashes set: save() keeps the ids
    reads = [make(MessageReadMark, user_id=uid, item=it, last_read_id=msg.pk) for it, uid, msg in batch.reads]
    n += save([(AuditRecord, audits), (Notification, batch.notes), (MessageReadMark, reads)], bulk)
    return n + write_deadlines(spec_rows(batch), bulk, policies)


def spec_rows(batch: Batch) -> dict:
    """The batch's rows the deadline specs read ({model: instances}, bench.deadline_rows)."""
    rows = batch.rows
    return {Item: batch.items + batch.merged, Message: rows["root_messages"] + rows["answer_messages"],
            **{m: rows[m] for m in SPEC_MODELS if m not in (Item, Message)}}
