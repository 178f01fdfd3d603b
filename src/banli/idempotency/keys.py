"""Idempotency keys (issue 15.5): a retry of a creating step creates nothing twice.

A client that did not hear the answer (a timeout, a dropped connection, a double click, the
browser's "resubmit") sends the same request again with the same key: the API's
`Idempotency-Key` header, the page's hidden field `idempotency_key` (a fresh uuid4 in each form,
{% idempotency_field %}). The first call claims the key and runs the step in one transaction, so
the key's row and the record it created commit together or not at all; a retry finds the row and
answers as the first call did (the same record, the same status), running nothing.

    outcome = once(user, key, step="item.post_message", item_id=item_id, inputs=data, run=lambda: ...)
    outcome.replayed, outcome.target_id, outcome.status, outcome.result (None on a replay)

- Keys are per person: another person's identical key is another key.
- The same key with another step or another body is refused (409 idempotency_conflict).
- Two retries at once: the unique (user, key) constraint lets one insert; the other waits for its
  commit (PostgreSQL, and SQLite's single writer), fails on the constraint and answers as a retry.
- A step that fails (refused, invalid) writes no key: its retry runs again and fails alike.
- Without a key a step runs as it always did.
- Keys are kept BANLI_IDEMPOTENCY_HOURS (24 by default); older ones are removed when their owner
  claims a new key, and by purge_expired() in the daily scan."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from typing import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from banli.errors import BanliError, invalid

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
FIELD = "idempotency_key"
MAX_LENGTH = 100


@dataclass
class Outcome:
    replayed: bool
    status: int
    target_type: str = ""
    target_id: int | None = None
    result: object = None


def clean_key(raw) -> str | None:
    """The key as sent, or None when none was sent; refused (400) when it is not one: printable
    ASCII (as an HTTP header is), 1 to 100 characters."""
    if raw is None:
        return None
    key = str(raw).strip()
    if not key:
        return None
    if len(key) > MAX_LENGTH or not all(" " <= c <= "~" for c in key):
        raise invalid(HEADER, f"幂等键须为1至{MAX_LENGTH}个可打印字符（字母、数字、符号）。",
                      f"An Idempotency-Key is 1 to {MAX_LENGTH} printable ASCII characters.")
    return key


def header_key(request) -> str | None:
    return clean_key(request.headers.get(HEADER))


def form_key(request) -> str | None:
    return clean_key(request.POST.get(FIELD))


def _fingerprint(step: str, scope, data: dict) -> str:
    """SHA-256 of the step, what it acts on (the item's id) and its inputs, as validated: the same
    request gives the same fingerprint whatever its encoding (JSON or a form, the order of keys,
    the multipart boundary); a file counts by its name and content."""
    payload = json.dumps([step, scope, _plain(data)], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if hasattr(value, "chunks") and hasattr(value, "name"):  # an uploaded file
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    if hasattr(value, "pk"):
        return value.pk
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def once(user, key: str | None, *, step: str, inputs: dict, item_id: int | None = None, run: Callable[[], object], status: int = 200) -> Outcome:
    """Run the step once per (user, key): the first time in one transaction with the key's row,
    afterwards answer from the row. run() returns the record it created (or the item it acted on).
    A retry must repeat the request: the same step, item and inputs (their fingerprint)."""
    fingerprint = _fingerprint(step, item_id, inputs)
    if key is None:
        result = run()
        target_type, target_id = _reference(result)
        return Outcome(replayed=False, status=status, target_type=target_type, target_id=target_id, result=result)
    found = _find(user, key)
    if found is not None:
        return _replay(found, step, fingerprint)
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(user=user, key=key, step=step, fingerprint=fingerprint, status=status)
            result = run()
            row.target_type, row.target_id = _reference(result)
            IdempotencyKey.objects.filter(pk=row.pk).update(target_type=row.target_type, target_id=row.target_id)
    except IntegrityError:
        # Another request with this key committed first (a double click, a concurrent retry).
        found = _find(user, key)
        if found is None:
            raise
        return _replay(found, step, fingerprint)
    return Outcome(replayed=False, status=status, target_type=row.target_type, target_id=row.target_id, result=result)


def _find(user, key) -> IdempotencyKey | None:
    row = IdempotencyKey.objects.filter(user=user, key=key).first()
    if row is not None and row.created_at < _cutoff():
        # Expired: forgotten, with the owner's other expired keys; the key may be used afresh.
        IdempotencyKey.objects.filter(user=user, created_at__lt=_cutoff()).delete()
        return None
    return row


def _replay(row: IdempotencyKey, step: str, fingerprint: str) -> Outcome:
    if row.step != step or row.fingerprint != fingerprint:
        raise BanliError("idempotency_conflict", "此幂等键已用于另一项内容不同的提交；如需再次提交，请使用新的键（或刷新页面后重填）。",
                         "This Idempotency-Key was used for a different request; send a new key for a new request.", status=409)
    return Outcome(replayed=True, status=row.status, target_type=row.target_type, target_id=row.target_id)


def _reference(result) -> tuple[str, int | None]:
    if isinstance(result, (list, tuple)):  # e.g. assign returns the assignments it created
        result = result[0] if result else None
    meta = getattr(result, "_meta", None)
    if meta is None:
        return "", None
    return meta.label_lower, result.pk


def _cutoff():
    return timezone.now() - datetime.timedelta(hours=getattr(settings, "BANLI_IDEMPOTENCY_HOURS", 24))


def purge_expired() -> int:
    """Remove keys past their time (the daily scan calls it); returns how many."""
    return IdempotencyKey.objects.filter(created_at__lt=_cutoff()).delete()[0]
