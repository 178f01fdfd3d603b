"""Key items and their supervising leaders, leader instructions, urge notices (rule 14)."""


from banli.org.models import StaffRole

from ..models import KeyItemMark, LeaderInstruction, UrgeNotice
from .audiences import tell
from .common import item_action, begin, invalid, require_text


@item_action
def mark_key(user, item_id, *, leader_id, reason="") -> KeyItemMark:
    step = begin(user, "mark_key", item_id)
    item = step.item
    step.check()
    if not StaffRole.objects.filter(user_id=leader_id, kind=StaffRole.Kind.DISTRICT_LEADER).exists():
        raise invalid("leader_id", "牵头督办领导须为区领导。", "The supervising leader must be a district leader.")
    before = {"is_key": item.is_key, "key_leader": item.key_leader_id}
    item.is_key, item.key_leader_id = True, int(leader_id)
    item.save(update_fields=["is_key", "key_leader", "updated_at"])
    mark = KeyItemMark.objects.create(item=item, marked=True, leader_id=leader_id, reason=(reason or "").strip(), by=user)
    step.audit(target=mark, before=before, after={"is_key": True, "key_leader": item.key_leader_id})
    tell(step, "mark_key", f"请您牵头督办重点提案/建议：{item.title}")
    return mark


@item_action
def unmark_key(user, item_id, *, reason) -> KeyItemMark:
    step = begin(user, "unmark_key", item_id)
    item = step.item
    step.check()
    reason = require_text(reason, "reason", "取消理由", "A reason")
    before = {"is_key": True, "key_leader": item.key_leader_id}
    item.is_key, item.key_leader = False, None
    item.save(update_fields=["is_key", "key_leader", "updated_at"])
    mark = KeyItemMark.objects.create(item=item, marked=False, reason=reason, by=user)
    step.audit(target=mark, before=before, after={"is_key": False}, note=reason)
    return mark


@item_action
def give_instruction(user, item_id, *, text) -> LeaderInstruction:
    step = begin(user, "give_instruction", item_id)
    step.check()
    ins = LeaderInstruction.objects.create(item=step.item, leader=user, text=require_text(text, "text", "批示内容", "The instruction"))
    step.audit(target=ins, after={"leader": user.pk})
    units = [a.unit for a in step.item.assignments.all() if a.active]
    tell(step, "give_instruction", f"区领导批示：{step.item.title}", units=units)
    return ins


@item_action
def urge(user, item_id, *, assignment, text) -> UrgeNotice:
    step = begin(user, "urge", item_id, assignment_id=assignment)
    step.check()
    u = UrgeNotice.objects.create(item=step.item, unit=step.assignment.unit, text=require_text(text, "text", "催办内容", "The notice"), by=user)
    step.audit(target=u, after={"unit": u.unit_id})
    tell(step, "urge", f"催办：{step.item.title}。{u.text}", units=[u.unit])
    return u
