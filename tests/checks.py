"""Assertions the action tests share: what the audit trail says, who was notified, and that a
refused or repeated action changed nothing at all.

    with refused("wrong_state"):
        actions.register(world.cppcc_office, item.pk)

    row = assert_audit("register", item=item, actor=world.cppcc_office, before={"state": "submitted"}, after={"number": 1})
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.apps import apps
from django.db import connection

from banli.audit.models import AuditRecord
from banli.errors import BanliError
from banli.notify.models import Notification


# Tables whose rows actions update in place: compared value by value. The other case-data tables
# are only ever appended to (audit rows, approvals, consultations, notifications...): compared by
# row count, all in one query, to keep the hundreds of checks in the suite cheap.
_UPDATED_IN_PLACE = [
    ("proposals", "Item"), ("proposals", "CoSigner"), ("proposals", "Assignment"), ("proposals", "AdjustmentRequest"),
    ("proposals", "ExtensionRequest"), ("proposals", "Reply"), ("proposals", "ClosureReport"), ("proposals", "Message"),
    ("proposals", "Question"), ("org", "Session"),
    ("assessment", "Scheme"), ("assessment", "Indicator"), ("assessment", "Entry"), ("assessment", "SelfAssessment"),
]


def _tables():
    updated = [apps.get_model(*name) for name in _UPDATED_IN_PLACE]
    updated.append(apps.get_model("proposals", "Item").suggested_units.through)  # .set() may swap rows
    appended = []
    for label in ("proposals", "audit", "notify", "assessment"):
        appended += [m for m in apps.get_app_config(label).get_models(include_auto_created=True) if m not in updated]
    return updated, appended


def snapshot() -> dict:
    """The case data as it stands: rows of the tables updated in place, counts of the others."""
    updated, appended = _tables()
    snap = {m._meta.label: list(m.objects.order_by("pk").values()) for m in updated}
    q = connection.ops.quote_name
    # The audit trail's changes only: a refusal answered 403 at a door is itself recorded as a
    # security event ("security.refused", issue 15.2), which is no change of the case data.
    sql = " UNION ALL ".join(f"SELECT '{m._meta.label}', COUNT(*) FROM {q(m._meta.db_table)}"
                             + (" WHERE action NOT LIKE 'security.%'" if m._meta.label == "audit.AuditRecord" else "") for m in appended)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        snap.update({label: count for label, count in cursor.fetchall()})
    return snap


def _changed(before, after) -> list[str]:
    return [label for label in before if before[label] != after[label]]


@contextmanager
def refused(code: str, *, field: str | None = None):
    """The block must raise BanliError with this code and leave the database exactly as it was
    (no state change, no record, no audit row, no notification)."""
    before = snapshot()
    with pytest.raises(BanliError) as info:
        yield info
    err = info.value
    assert err.code == code, f"refused with {err.code!r} ({err.en}), expected {code!r}"
    assert err.zh and err.en, "a refusal says why in Chinese and English"
    if field is not None:
        assert err.field == field, f"refusal names field {err.field!r}, expected {field!r}"
    changed = _changed(before, snapshot())
    assert not changed, f"a refused action changed {changed}"


@contextmanager
def unchanged():
    """The block (typically a repeated action) must write nothing."""
    before = snapshot()
    yield
    changed = _changed(before, snapshot())
    assert not changed, f"a repeated action changed {changed}"


def audit_changes() -> int:
    """How many audit rows record changes: a refusal answered 403 adds a security event
    ("security.refused"), which is no change."""
    return AuditRecord.objects.exclude(action__startswith="security.").count()


def audit_rows(action: str | None = None, item=None) -> list[AuditRecord]:
    qs = AuditRecord.objects.order_by("id")
    if action is not None:
        qs = qs.filter(action=action)
    if item is not None:
        qs = qs.filter(item_id=getattr(item, "pk", item))
    return list(qs)


def assert_audit(action: str, *, item=None, actor=None, target=None, before=None, after=None, count=1) -> AuditRecord:
    """Exactly `count` audit rows of this action (on this item); the last one names the actor,
    the target, and contains the given before/after values. Returns that row."""
    rows = audit_rows(action, item)
    assert len(rows) == count, f"{len(rows)} audit rows for {action!r}, expected {count}"
    row = rows[-1]
    if actor is not None:
        assert row.actor_id == actor.pk, f"audit actor {row.actor_id}, expected {actor.pk}"
    if target is not None:
        assert (row.target_type, row.target_id) == (target._meta.model_name, target.pk)
    for name, expected, got in (("before", before, row.before), ("after", after, row.after)):
        for k, v in (expected or {}).items():
            assert k in got, f"audit {name} lacks {k!r}: {got}"
            assert got[k] == v, f"audit {name}[{k!r}] is {got[k]!r}, expected {v!r}"
    return row


def notified(kind: str | None = None, item=None) -> set:
    """Usernames that received a notification (of this kind, about this item)."""
    qs = Notification.objects.all()
    if kind is not None:
        qs = qs.filter(kind=kind)
    if item is not None:
        qs = qs.filter(item_id=getattr(item, "pk", item))
    return set(qs.values_list("recipient__username", flat=True))
