"""Assertions the action tests share: what the audit trail says, who was notified, and that a
refused or repeated action changed nothing at all.

    with refused("wrong_state"):
        actions.register_item(world.cppcc_office, item.pk)

    row = assert_audit("register", item=item, actor=world.cppcc_office, before={"state": "submitted"}, after={"number": 1})
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.apps import apps

from banli.audit.models import AuditRecord
from banli.errors import BanliError
from banli.notify.models import Notification


def _tables():
    models = []
    for label in ("proposals", "audit", "notify"):
        models += list(apps.get_app_config(label).get_models(include_auto_created=True))
    models.append(apps.get_model("org", "Session"))  # the numbering counter lives there
    return models


def snapshot() -> dict:
    """Every row of every case-data table. The test database holds a few dozen rows, so this is cheap."""
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in _tables()}


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
