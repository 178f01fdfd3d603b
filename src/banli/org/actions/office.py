"""Who may administer, and the bookkeeping every administrative action shares.

The office is the government office (StaffRole 区府办) or a superuser, as in the rest of Banli
(banli.proposals.access.Actor.is_staff_reader). It is asked here from the role table itself, not
through the item actor: the reference data sit below the items (tests/test_layering.py)."""

from django.db import models

from banli.audit.service import record
from banli.errors import forbidden, invalid, not_found
from banli.params import MAX_ID

from ..models import StaffRole


def is_office(user) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or StaffRole.objects.filter(user=user, kind=StaffRole.Kind.GOV_OFFICE).exists()


def require_office(user) -> None:
    """Refuse anyone but the office: the pages and the actions ask the same question."""
    if not is_office(user):
        raise forbidden("只有区府办可以进行系统管理。", "Only the government office administers Banli.")


def changes(obj: models.Model, values: dict) -> tuple[dict, dict]:
    """The fields of `values` that differ from obj's, as (before, after); foreign keys by id."""
    before, after = {}, {}
    for name, value in values.items():
        current = getattr(obj, name)
        if current != value:
            before[name], after[name] = current, value
    return before, after


def apply(obj: models.Model, after: dict) -> None:
    for name, value in after.items():
        setattr(obj, name, value)


def text(value, field: str, label: str, *, max_length: int, required: bool = False) -> str:
    """A stripped text value; empty or too long is refused naming the field."""
    value = (value or "").strip()
    if required and not value:
        raise invalid(field, f"请填写{label}。", f"Please fill in {field}.")
    if len(value) > max_length:
        raise invalid(field, f"{label}最多 {max_length} 个字。", f"{field} is at most {max_length} characters.")
    return value


def row_by_id(model, pk, *, for_update: bool = True):
    """The row with this id, locked for the action's transaction; a missing, malformed or
    out-of-range id is "not found", the same answer every door gives."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise not_found() from None
    qs = model.objects.select_for_update() if for_update else model.objects
    row = qs.filter(pk=pk).first() if 1 <= pk <= MAX_ID else None
    if row is None:
        raise not_found()
    return row


def save_by_key(actor, model, key: dict, values: dict, action: str):
    """Create the row with this key, or change the fields of `values` that differ; an audit row
    (create_<action> with the values, update_<action> with before and after) only when something
    changed. Saving the same values again writes nothing."""
    row = model.objects.select_for_update().filter(**key).first()
    if row is None:
        row = model.objects.create(**key, **values)
        record(actor=actor, action=f"create_{action}", target=row, after={**key, **values})
        return row
    before, after = changes(row, values)
    if after:
        apply(row, after)
        row.save(update_fields=list(after))
        record(actor=actor, action=f"update_{action}", target=row, before=before, after=after)
    return row
