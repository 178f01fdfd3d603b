"""What the item page's forms show from the domain's own rules: before submitting, what is
missing (each linked to its field on the draft form) and who will not be listed as co-signer
(banli.proposals.submission); the days a consultation may be dated (record_consultation)."""

from dataclasses import dataclass, field

from django import template

from banli.proposals.actions import consultation_window
from banli.proposals.submission import CosignOutcome, cosign_outcome, missing_fields

from ..draft import DraftForm

register = template.Library()


@dataclass
class SubmitCheck:
    missing: list = field(default_factory=list)  # (label as the draft form shows it, link to that field)
    cosign: CosignOutcome | None = None

    @property
    def left_out(self) -> list:
        return self.cosign.left_out if self.cosign else []


@register.simple_tag
def submit_check(item) -> SubmitCheck:
    labels = DraftForm.base_fields
    return SubmitCheck([(labels[name].label, f"/items/{item.pk}/edit/#id_{name}") for name in missing_fields(item)], cosign_outcome(item))


@register.simple_tag
def consult_window(item, assignment_id) -> tuple[str, str]:
    """(first day, last day) as yyyy-mm-dd for a date input's min and max; ("", "") if unknown."""
    a = next((a for a in item.assignments.all() if str(a.pk) == str(assignment_id)), None)
    if a is None:
        return "", ""
    first, last = consultation_window(a)
    return first.isoformat(), last.isoformat()
