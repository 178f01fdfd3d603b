"""What submitting a draft needs and what it leaves out (DOMAIN §4 rule 1), decided once: the
submit action refuses by it, the item page warns by it before anyone presses the button, and the
read model tells afterwards who confirmed and who was not listed. Nothing is dropped silently.

Reads the item's prefetched co-signers (with their person) and runs no query of its own."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import CoSigner

# The fields a submission needs, in the order of the draft form, named as the draft form names
# them (banli.web.draft.DraftForm): a refusal must point at the field the proposer sees.
REQUIRED_TO_SUBMIT = (
    ("title", "标题", "Title"),
    ("category", "类别", "Category"),
    ("reason", "案由", "Situation (案由)"),
    ("suggestions", "建议内容", "Suggestions"),
)
# How a left-out name is described: an invitation never answered, or one declined.
LEFT_OUT_HOW = {CoSigner.State.INVITED: ("未回应", "no answer"), CoSigner.State.DROPPED: ("未回应", "no answer"),
                CoSigner.State.DECLINED: ("已拒绝", "declined")}


def missing_fields(item) -> list[str]:
    """The names of the required fields the draft leaves empty, in the form's order."""
    value = {"title": item.title, "category": item.category_id, "reason": (item.reason or "").strip(),
             "suggestions": (item.suggestions or "").strip()}
    return [name for name, _zh, _en in REQUIRED_TO_SUBMIT if not value[name]]


@dataclass
class LeftOut:
    name: str
    state: str  # invited / dropped (never answered) or declined

    @property
    def answered(self) -> bool:
        return self.state == CoSigner.State.DECLINED

    def zh(self) -> str:
        return f"{self.name}（{LEFT_OUT_HOW[self.state][0]}）"

    def en(self) -> str:
        return f"{self.name} ({LEFT_OUT_HOW[self.state][1]})"


@dataclass
class CosignOutcome:
    """Who co-signs: confirmed names, and the invited names that are (or will be) left out."""

    confirmed: list[str] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    settled: bool = False  # submitted: the list is final

    def left_out_zh(self) -> str:
        return "、".join(p.zh() for p in self.left_out)

    def left_out_en(self) -> str:
        return ", ".join(p.en() for p in self.left_out)


def cosign_outcome(item, cosigners=None) -> CosignOutcome | None:
    """None when nobody was invited. Before submission, `left_out` are those who would not be
    listed if the draft were submitted now (not confirmed: no answer yet, or declined).
    cosigners: the item's co-signers with their person, if not prefetched so."""
    rows = sorted(item.cosigners.all() if cosigners is None else cosigners, key=lambda c: (c.invited_at, c.pk))
    if not rows:
        return None
    return CosignOutcome(
        confirmed=[c.person.name for c in rows if c.state == CoSigner.State.CONFIRMED],
        left_out=[LeftOut(c.person.name, c.state) for c in rows if c.state != CoSigner.State.CONFIRMED],
        settled=item.state != "draft",
    )
