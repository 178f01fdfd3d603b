"""The approval record as a line of the page: the decision, and the comment only where it adds
something ("同意" rather than "同意 同意。"; banli.web.review)."""

from django import template
from django.utils import translation

from ..review import approval_comment, approval_says_decision

register = template.Library()


@register.filter
def approval_text(ap) -> str:
    comment = approval_comment(ap)
    decision = str(ap.get_decision_display())
    if not comment:
        return decision
    if approval_says_decision(ap):
        return comment
    colon = ": " if (translation.get_language() or "").startswith("en") else "："
    return f"{decision}{colon}{comment}"
