"""Small helpers for the page templates."""

from django import template
from django.utils import timezone, translation

from banli.proposals.models import STATE_EN

register = template.Library()


@register.filter
def state_class(state: str) -> str:
    """A colour family per state, so a list can be read at a glance."""
    return {"draft": "muted", "submitted": "info", "registered": "info", "assigned": "warn", "handling": "warn",
            "replied": "ok", "evaluated": "ok", "rehandling": "bad", "closed": "done"}.get(state, "muted")


@register.filter
def state_label(item) -> str:
    if (translation.get_language() or "").startswith("en"):
        return STATE_EN.get(item.state, item.state).capitalize()
    return item.get_state_display()


@register.filter
def days_left(due_on) -> int | None:
    if not due_on:
        return None
    return (due_on - timezone.localdate()).days


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def stringify(values) -> list[str]:
    return [str(v) for v in (values or [])]


@register.simple_tag
def number(item) -> str:
    if not item.number:
        return ""
    return f"No. {item.number:04d}" if (translation.get_language() or "").startswith("en") else f"第{item.number:04d}号"
