"""How the assessment pages write points, tiers and a scheme's state."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

TIERS = [_("一档"), _("二档"), _("三档"), _("四档"), _("五档")]


@register.filter
def pts(value) -> str:
    """Points without trailing zeros: 5, 1.5, -0.25 ("" for none)."""
    if value is None or value == "":
        return ""
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    s = f"{d.quantize(Decimal('0.01')).normalize():f}"
    return "0" if s in ("-0", "0") else s


@register.filter
def signed(value) -> str:
    """Points with their sign: +0.3, -2, 0."""
    s = pts(value)
    return f"+{s}" if s and not s.startswith("-") and s != "0" else s


@register.filter
def tier_name(tier) -> str:
    if not tier:
        return ""
    return str(TIERS[tier - 1]) if tier <= len(TIERS) else str(tier)


@register.filter
def scheme_state_class(state: str) -> str:
    return {"draft": "warn", "final": "info", "published": "ok"}.get(state, "muted")


@register.filter
def mark(ok) -> str:
    """A record counted for the unit (✓), against it (✗), or neither (·)."""
    return "✓" if ok is True else "✗" if ok is False else "·"


@register.filter
def assembly_name(code: str) -> str:
    """An evaluation's assembly office by the assembly it serves."""
    return str({"cppcc": _("政协提案委"), "npc": _("人大代表工委")}.get(code, code))
