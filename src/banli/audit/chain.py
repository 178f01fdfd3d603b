"""The audit trail's hash chain (等保2.0 安全审计: 审计记录的完整性保护).

Each AuditRecord carries `hash`, the SM3 digest (GB/T 32905, OpenSSL's implementation through
the `cryptography` package) of its canonical form, which includes `prev_hash`, the hash of the
row before it. Changing a row's content, deleting a row or inserting one by hand then breaks the
chain where it happened, and `manage.py verify_audit` names that row.

Canonical form: JSON with sorted keys, no spaces, UTF-8, of id, at (ISO 8601 in UTC with
microseconds), actor_id, action, item_id, target_type, target_id, before, after, note, prev.

Rows are chained in the order they commit: seal() takes a transaction-level advisory lock on
PostgreSQL before reading the last row, so the next writer waits until this one commits and then
sees its row; SQLite serialises writing transactions by itself (BEGIN IMMEDIATE, settings). The
ids are drawn under the lock too, so id order is chain order.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

GENESIS = "0" * 64
# pg_advisory_xact_lock key: "banli" in ASCII, so it is recognisable in pg_locks.
LOCK_KEY = 0x62616E6C69
FIELDS = ("id", "at", "actor_id", "action", "item_id", "target_type", "target_id", "before", "after", "note", "prev_hash", "hash")


def _iso(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def canonical(*, id, at, actor_id, action, item_id, target_type, target_id, before, after, note, prev_hash) -> bytes:
    body = {"id": id, "at": _iso(at), "actor_id": actor_id, "action": action, "item_id": item_id, "target_type": target_type,
            "target_id": target_id, "before": before, "after": after, "note": note, "prev": prev_hash}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sm3(data: bytes) -> str:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize().hex()


def digest(row: dict) -> str:
    """The hash a row should carry (row: the FIELDS but hash, as stored)."""
    return sm3(canonical(**{k: row[k] for k in FIELDS if k != "hash"}))


def as_stored(value):
    """The JSON value as it reads back from the database (tuples become lists, keys strings,
    dates strings), so the hash computed before the insert is the one verification recomputes."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _table():
    from .models import AuditRecord

    return AuditRecord._meta.db_table


def _new_ids(cur, n: int) -> list[int]:
    cur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [_table(), n])
    return sorted(r[0] for r in cur.fetchall())


class Chain:
    """Seals unsaved AuditRecord instances into the chain. One per call (seal() below), or one
    kept across the batches of a long single writer (the benchmark generator), which then reads
    the chain's last row once instead of once per batch."""

    def __init__(self):
        self.prev_hash = None  # unknown until the first seal
        self.last_id = 0

    def _ids(self, n: int) -> list[int]:
        table = connection.ops.quote_name(_table())
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
                if self.prev_hash is not None:
                    return _new_ids(cur, n)
                if n == 1:
                    # One row (every action): its id and the last row in one round trip.
                    cur.execute(f"SELECT nextval(pg_get_serial_sequence(%s, 'id')), t.id, t.hash FROM (SELECT 1) one "
                                f"LEFT JOIN (SELECT id, hash FROM {table} ORDER BY id DESC LIMIT 1) t ON true", [_table()])
                    new, last_id, last_hash = cur.fetchone()
                    self.prev_hash = last_hash if last_id is not None else GENESIS
                    return [new]
                ids = _new_ids(cur, n)
                cur.execute(f"SELECT hash FROM {table} ORDER BY id DESC LIMIT 1")
                last = cur.fetchone()
                self.prev_hash = last[0] if last else GENESIS
                return ids
            if self.prev_hash is None:
                cur.execute(f"SELECT id, hash FROM {table} ORDER BY id DESC LIMIT 1")
                last = cur.fetchone()
                self.last_id, self.prev_hash = last if last else (0, GENESIS)
            start = self.last_id + 1
            self.last_id += n
            return list(range(start, start + n))

    def seal(self, records) -> None:
        """Give unsaved AuditRecord instances their id, time (when unset), prev_hash and hash,
        in list order, continuing the chain. Call inside the transaction that inserts them: the
        lock (PostgreSQL) is held until it commits."""
        if not records:
            return
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("seal() must run inside the transaction that inserts the rows")
        ids = self._ids(len(records))
        prev = self.prev_hash
        for rec, pk in zip(records, ids):
            rec.id = pk
            for name in ("actor", "item"):
                # A row may have been given the instance before it had an id (the benchmark's
                # planner): take the id now, as the insert will.
                cached = rec._state.fields_cache.get(name)
                if cached is not None and getattr(rec, f"{name}_id") is None:
                    setattr(rec, f"{name}_id", cached.pk)
            if rec.at is None:
                rec.at = timezone.now()
            elif timezone.is_naive(rec.at):
                rec.at = timezone.make_aware(rec.at)
            rec.before = as_stored(rec.before or {})
            rec.after = as_stored(rec.after or {})
            rec.note = rec.note or ""
            rec.target_type = rec.target_type or ""
            rec.prev_hash = prev
            rec.hash = prev = sm3(canonical(id=pk, at=rec.at, actor_id=rec.actor_id, action=rec.action, item_id=rec.item_id,
                                             target_type=rec.target_type, target_id=rec.target_id, before=rec.before,
                                             after=rec.after, note=rec.note, prev_hash=rec.prev_hash))
        self.prev_hash = prev


def seal(records) -> None:
    Chain().seal(records)


# ---------------------------------------------------------------------------------------------
# Verification


@dataclass
class Break:
    id: int
    at: datetime.datetime
    action: str
    reason: str  # content_changed / row_missing / prev_differs / not_sealed
    previous_id: int | None

    REASONS = {
        "content_changed": "记录内容被改动（哈希与内容不符）",
        "not_sealed": "记录没有哈希（未经审计服务写入）",
        "row_missing": "之前的记录缺失（被删除）",
        "prev_differs": "上一条记录的哈希与本条所记不符（上一条被改动或被替换）",
    }

    def describe(self) -> str:
        return (f"审计链在第 {self.id} 号记录处断开（{_iso(self.at)}，{self.action}）："
                f"{self.REASONS[self.reason]}；上一条为 {self.previous_id or '无'} 号。")


@dataclass
class Result:
    count: int
    last_id: int | None
    last_hash: str
    broken: Break | None


def verify(batch: int = 10000) -> Result:
    """Walk the whole chain in id order, `batch` rows per query (keyset paging: constant memory,
    each query an index range scan), stopping at the first break."""
    from .models import AuditRecord

    prev_id, prev_hash, count = None, GENESIS, 0
    while True:
        qs = AuditRecord.objects.order_by("id").values_list(*FIELDS)
        if prev_id is not None:
            qs = qs.filter(id__gt=prev_id)
        rows = list(qs[:batch])
        if not rows:
            return Result(count, prev_id, prev_hash, None)
        for values in rows:
            row = dict(zip(FIELDS, values))
            reason = None
            if row["prev_hash"] != prev_hash:
                # A gap in the ids alone is no proof (PostgreSQL's sequence skips the ids of
                # rolled-back inserts); with a link that does not match it is a deleted row.
                gap = row["id"] != (prev_id or 0) + 1
                reason = "row_missing" if gap or prev_id is None else "prev_differs"
            elif not row["hash"]:
                reason = "not_sealed"
            elif digest(row) != row["hash"]:
                reason = "content_changed"
            if reason:
                return Result(count, prev_id, prev_hash, Break(row["id"], row["at"], row["action"], reason, prev_id))
            prev_id, prev_hash = row["id"], row["hash"]
            count += 1
