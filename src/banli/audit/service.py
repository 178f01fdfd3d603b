"""Writing audit rows. Called inside each action's transaction, so the row commits with the change.

Every audit row is written here (record, record_many): each is sealed into the hash chain
(banli.audit.chain) as it is inserted."""

import datetime
import decimal

from django.db import models, transaction

from .chain import seal
from .models import AuditRecord


def _plain(value):
    if isinstance(value, (datetime.date, datetime.datetime, decimal.Decimal)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def record(*, actor, action: str, item=None, target: models.Model | None = None, before=None, after=None, note: str = "") -> AuditRecord:
    target = target if target is not None else item
    rec = AuditRecord(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        item=item,
        target_type=target._meta.model_name if target is not None else "",
        target_id=target.pk if target is not None else None,
        before={k: _plain(v) for k, v in (before or {}).items()},
        after={k: _plain(v) for k, v in (after or {}).items()},
        note=note,
        at=None,
    )
    # savepoint=False: inside an action (the usual case) no SAVEPOINT round trips; alone it is
    # its own transaction, so the chain's lock is held until the row commits.
    with transaction.atomic(savepoint=False):
        seal([rec])
        rec.save(force_insert=True)
    return rec


def record_many(records: list[AuditRecord], *, batch_size: int = 1000) -> list[AuditRecord]:
    """Insert many unsaved AuditRecord rows (the benchmark generator, imports), chained in list
    order. Call inside the transaction that writes what they record. Returns them with ids."""
    with transaction.atomic(savepoint=False):
        seal(records)
        AuditRecord.objects.bulk_create(records, batch_size=batch_size)
    return records
