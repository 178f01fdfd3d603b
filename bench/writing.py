"""Writing the planned rows: a batch of items and every row of their histories, inserted in bulk
in dependency order with their historical timestamps, then the deadline rows and overdue events
banli.deadlines.sync would write for them."""

from __future__ import annotations

import datetime as dt
import resource
import sys
from contextlib import contextmanager

from django.apps import apps
from django.db import connection, models
from django.utils import timezone

from banli.audit.models import AuditRecord
from banli.deadlines.models import Deadline, OverdueEvent
from banli.notify.models import Notification
from banli.org.models import SessionPolicy
from banli.proposals.models import (
    AdjustmentRequest, Assignment, Attachment, ClosureReport, Consultation, CoOpinion, CoSigner, CoUnitGrade, ExtensionRequest,
    Feedback, Item, ItemState, KeyItemMark, LeadCoGrade, LeaderInstruction, Mediation, Message, MessageReadMark, ProgressUpdate,
    PublicationRecord, Reply, ReplyApproval, UrgeNotice,
)

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


def insert(batch: Batch, bulk: int, policies: dict) -> int:
    n = 0
    Item.objects.bulk_create(batch.items, batch_size=bulk)
    n += len(batch.items)
    if batch.merged:
        Item.objects.bulk_create(batch.merged, batch_size=bulk)
        n += len(batch.merged)
    through = Item.suggested_units.through
    for key in INSERT_ORDER:
        objs = batch.rows[key]
        if not objs:
            continue
        if key == "suggested":
            seen = set()
            rows = []
            for it, uid in objs:
                if (it.pk, uid) not in seen:
                    seen.add((it.pk, uid))
                    rows.append(through(item_id=it.pk, unit_id=uid))
            through.objects.bulk_create(rows, batch_size=bulk)
            n += len(rows)
            continue
        model = Message if key in ("root_messages", "answer_messages") else key
        model.objects.bulk_create(objs, batch_size=bulk)
        n += len(objs)
    audits = []
    for rec, target in batch.audits:
        target = target if target is not None else rec.item
        rec.target_type = target._meta.model_name
        rec.target_id = target.pk
        rec.before = {k: _plain(v) for k, v in rec.before.items()}
        rec.after = {k: _plain(v) for k, v in rec.after.items()}
        audits.append(rec)
    AuditRecord.objects.bulk_create(audits, batch_size=bulk)
    n += len(audits)
    Notification.objects.bulk_create(batch.notes, batch_size=bulk)
    MessageReadMark.objects.bulk_create([MessageReadMark(user_id=uid, item=it, last_read_id=msg.pk) for it, uid, msg in batch.reads], batch_size=bulk)
    n += len(batch.notes) + len(batch.reads)
    return n + _write_deadlines([it.pk for it in batch.items + batch.merged], bulk, policies)


def _write_deadlines(item_ids, bulk, policies) -> int:
    """The deadline rows and overdue events banli.deadlines.sync.sync_item would write for these
    items, computed by its own specs from the rows just inserted (one prefetch per batch)."""
    from banli.deadlines.specs import item_specs
    from banli.deadlines.sync import PREFETCH, apply_spec, overdue_event

    today = timezone.localdate()
    rows = []
    for item in Item.objects.filter(pk__in=item_ids).select_related("session").prefetch_related(*PREFETCH):
        if item.state == ItemState.DRAFT and not item.submitted_at and not item.cosigners.all():
            continue  # as sync_item: a lone draft has no milestone yet
        policy = policies.get(item.session_id)
        if policy is None:
            policy = policies[item.session_id] = SessionPolicy.for_session(item.session)
        for spec in item_specs(item, policy):
            row, _ = apply_spec(spec, Deadline(key=spec.key, item_id=item.pk), today)
            rows.append(row)
    Deadline.objects.bulk_create(rows, batch_size=bulk)
    events = [e for e in (overdue_event(r, None, today) for r in rows) if e is not None]
    OverdueEvent.objects.bulk_create(events, batch_size=bulk)
    return len(rows) + len(events)

