"""Publication (rule 13): the proposer's consent, the unit's recommendation (on the reply), the
office's decision, and revocation."""


from ..models import Publication, PublicationRecord
from .common import item_action, begin, invalid, require_text


@item_action
def decide_publication(user, item_id, *, publish: bool, reason="") -> PublicationRecord | None:
    step = begin(user, "decide_publication", item_id)
    item = step.item
    wanted = Publication.PUBLISHED if publish else Publication.WITHHELD
    if item.publication == wanted:
        return None
    step.check()
    reason = (reason or "").strip()
    if publish and item.consent_publish is not True:
        raise invalid("publish", "委员/代表未同意公开，不能公开。", "The proposer has not consented to publication.")
    if not publish and not reason:
        raise invalid("reason", "不公开须说明理由。", "Withholding needs a reason.")
    before = {"publication": item.publication}
    item.publication = wanted
    item.save(update_fields=["publication", "updated_at"])
    rec = PublicationRecord.objects.create(item=item, kind=PublicationRecord.Kind.PUBLISH if publish else PublicationRecord.Kind.WITHHOLD, reason=reason, by=user)
    step.audit(target=rec, before=before, after={"publication": wanted}, note=reason)
    return rec


@item_action
def revoke_publication(user, item_id, *, reason) -> PublicationRecord | None:
    step = begin(user, "revoke_publication", item_id)
    item = step.item
    if item.publication == Publication.REVOKED:
        return None
    step.check()
    if item.publication != Publication.PUBLISHED:
        raise invalid(None, "该件尚未公开。", "The item is not published.")
    reason = require_text(reason, "reason", "撤销理由", "A reason")
    item.publication = Publication.REVOKED
    item.save(update_fields=["publication", "updated_at"])
    rec = PublicationRecord.objects.create(item=item, kind=PublicationRecord.Kind.REVOKE, reason=reason, by=user)
    step.audit(target=rec, before={"publication": Publication.PUBLISHED}, after={"publication": item.publication}, note=reason)
    return rec
