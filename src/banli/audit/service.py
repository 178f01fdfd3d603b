"""Writing audit rows. Called inside each action's transaction, so the row commits with the change."""

import datetime
import decimal

from django.db import models

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
    return AuditRecord.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        item=item,
        target_type=target._meta.model_name if target is not None else "",
        target_id=target.pk if target is not None else None,
        before={k: _plain(v) for k, v in (before or {}).items()},
        after={k: _plain(v) for k, v in (after or {}).items()},
        note=note,
    )
