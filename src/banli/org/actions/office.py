"""Who may administer, and the bookkeeping every administrative action shares.

The office is the government office (StaffRole 区府办) or a superuser, as in the rest of Banli
(banli.proposals.access.Actor.is_staff_reader). It is asked here from the role table itself, not
through the item actor: the reference data sit below the items (tests/test_layering.py)."""

from django.db import models

from banli.errors import forbidden, invalid

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
