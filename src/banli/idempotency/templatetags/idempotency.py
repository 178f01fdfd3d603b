"""{% idempotency_field %}: a fresh key (uuid4) in a hidden field of a form whose step creates a
record each time it runs, so that a double click or the browser's resubmission of the same form
creates one record (banli.idempotency.keys). {% idempotency_field form.name %} in the item page's
generic action form writes it only for the steps that create (KEYED_STEPS)."""

import uuid

from django import template
from django.utils.html import format_html

from ..keys import FIELD

register = template.Library()

# The item's steps that add a record each time they run (a repeat is not refused by the table):
# their forms carry a key. The other steps refuse a repeat by themselves (409, nothing written).
KEYED_STEPS = frozenset({"post_message", "add_attachment", "record_consultation", "record_mediation", "give_instruction", "urge",
                         "report_progress"})


@register.simple_tag
def idempotency_field(step: str | None = None):
    if step is not None and step not in KEYED_STEPS:
        return ""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4())
