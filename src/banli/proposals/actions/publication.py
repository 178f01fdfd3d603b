"""Publication (rule 13): the proposer's consent, the unit's recommendation (on the reply), the
office's decision, and revocation. The decision concerns one replying unit's reply (rule 3: in
separate handling each unit's reply is published on its own); Item.publication sums them up."""


from banli.portal import cache as portal_cache

from ..models import Assignment, Publication, PublicationRecord
from .common import item_action, begin, invalid, require_text

P = Publication


def summary(assignments) -> str:
    """The item's publication as lists show it: undecided while any replied unit awaits the
    office's decision (the office's work queue), else published if any reply is public."""
    states = [a.publication for a in assignments if a.active and a.answers and a.replied_round >= 1]
    for state in (P.UNDECIDED, P.PUBLISHED, P.REVOKED, P.WITHHELD):
        if state in states:
            return state
    return P.UNDECIDED


def _decide(step, kind, wanted, reason) -> PublicationRecord:
    a, item = step.assignment, step.item
    before = {"publication": a.publication, "unit": a.unit_id}
    a.publication = wanted
    a.save(update_fields=["publication"])
    item.publication = summary(item.assignments.all())
    rec = PublicationRecord.objects.create(item=item, assignment=a, kind=kind, reason=reason, by=step.user)
    if wanted == P.PUBLISHED:
        item.published_at = rec.at
    elif not any(x.publication == P.PUBLISHED for x in item.assignments.all() if x.active):
        item.published_at = None  # its last public reply withdrawn: off the public site at once
    item.save(update_fields=["publication", "published_at", "updated_at"])
    categories = [item.category_id, item.category.parent_id] if item.category_id else []  # a category's feed includes its children
    portal_cache.publication_changed(item.pk, [x.unit_id for x in item.assignments.all()], categories)
    step.audit(target=rec, before=before, after={"publication": wanted, "unit": a.unit_id}, note=reason)
    return rec


def sole_replying_unit(item_id) -> int | None:
    """Callers that name no unit mean the item's only replying unit (a lead item's), or else the
    only one that has replied; with several, the unit must be named."""
    rows = list(Assignment.objects.filter(item_id=item_id, role__in=("lead", "separate"))
                .exclude(state=Assignment.State.ENDED).values_list("pk", "replied_round"))
    replied = [pk for pk, n in rows if n >= 1]
    if len(rows) == 1:
        return rows[0][0]
    return replied[0] if len(replied) == 1 else None


@item_action
def decide_publication(user, item_id, *, assignment=None, publish: bool, reason="") -> PublicationRecord:
    step = begin(user, "decide_publication", item_id, assignment_id=assignment or sole_replying_unit(item_id))
    step.check()
    wanted = P.PUBLISHED if publish else P.WITHHELD
    if not publish and step.assignment.publication != P.UNDECIDED:
        # decidable() leaves a decided reply open only to publishing it.
        raise invalid("publish", "该答复已不公开，无需再次决定。", "This reply is not published already; there is nothing to decide.")
    reason = (reason or "").strip()
    if publish and step.item.consent_publish is not True:
        raise invalid("publish", "委员/代表未同意公开，不能公开。", "The proposer has not consented to publication.")
    if not publish and not reason:
        raise invalid("reason", "不公开须说明理由。", "Withholding needs a reason.")
    return _decide(step, PublicationRecord.Kind.PUBLISH if publish else PublicationRecord.Kind.WITHHOLD, wanted, reason)


@item_action
def revoke_publication(user, item_id, *, assignment=None, reason) -> PublicationRecord:
    step = begin(user, "revoke_publication", item_id, assignment_id=assignment or sole_replying_unit(item_id))
    step.check()
    return _decide(step, PublicationRecord.Kind.REVOKE, P.REVOKED, require_text(reason, "reason", "撤销理由", "A reason"))
