"""Registration review by the assembly office (rule 2), and withdrawal after registration."""


from banli.org.models import Session

from ..models import Assignment, Item, ItemState
from .audiences import tell
from .common import item_action, begin, invalid, now, require_text


# What an item may not be merged into (banli.proposals.suggestions offers the others).
MERGE_REFUSED = (ItemState.DRAFT, ItemState.SUBMITTED, ItemState.NOT_REGISTERED, ItemState.MERGED, ItemState.CONVERTED, ItemState.WITHDRAWN)


def _reason(reason, zh="理由", en="A reason"):
    return require_text(reason, "reason", zh, en)


@item_action
def register(user, item_id) -> Item:
    step = begin(user, "register", item_id)
    item = step.item
    step.check()
    # The session row is the numbering lock: two clerks registering at once get different numbers.
    session = Session.objects.select_for_update().get(pk=item.session_id)
    session.last_number += 1
    session.save(update_fields=["last_number"])
    before = step.advance(number=session.last_number, registered_at=now(), state_reason="")
    step.audit(before=before, after={"state": item.state, "number": item.number})
    tell(step, "register", f"已立案{item.display_number}：{item.title}")
    return item


@item_action
def return_for_revision(user, item_id, *, reason) -> Item:
    step = begin(user, "return_for_revision", item_id)
    step.check()
    reason = _reason(reason, "退回理由", "A reason for returning")
    before = step.advance(state_reason=reason)
    step.audit(before=before, after={"state": ItemState.DRAFT}, note=reason)
    tell(step, "return_for_revision", f"退回修改：{step.item.title}。理由：{reason}")
    return step.item


@item_action
def reject(user, item_id, *, reason) -> Item:
    step = begin(user, "reject", item_id)
    step.check()
    reason = _reason(reason, "不予立案的理由", "A reason for rejecting")
    before = step.advance(state_reason=reason)
    step.audit(before=before, after={"state": step.item.state}, note=reason)
    tell(step, "reject", f"不予立案：{step.item.title}。理由：{reason}")
    return step.item


@item_action
def merge(user, item_id, *, into_number=None, into_id=None, reason="") -> Item:
    """Merge into another item of the same session, named by its number (第N号) as the office
    knows it (into_id, the internal id, for API clients that have it)."""
    step = begin(user, "merge", item_id)
    item = step.item
    step.check()
    field = "into_number" if into_number or not into_id else "into_id"
    if not into_number and not into_id:
        raise invalid("into_number", "请填写并入的提案/建议编号（第N号）。", "Give the number of the item to merge into.")
    found = Item.objects.filter(session_id=item.session_id).exclude(pk=item.pk)
    target = (found.filter(number=into_number) if into_number else found.filter(pk=into_id)).first()
    if target is None or target.state in MERGE_REFUSED:
        raise invalid(field, "只能并入同一会次已立案的提案/建议：本会次没有这个编号的已立案件。",
                      "An item can only be merged into a registered item of the same session: this session has no registered item with that number.")
    before = step.advance(merged_into=target, state_reason=(reason or "").strip())
    step.audit(before=before, after={"state": item.state, "merged_into": target.pk}, note=reason or "")
    tell(step, "merge", f"已并入{target.display_number}《{target.title}》办理：{item.title}")
    return item


@item_action
def convert(user, item_id, *, to="意见建议", reason="") -> Item:
    step = begin(user, "convert", item_id)
    step.check()
    to = (to or "").strip()
    if to not in ("意见建议", "社情民意"):
        raise invalid("to", "只能转为意见建议或社情民意。", "Convert to 意见建议 or 社情民意 only.")
    before = step.advance(converted_to=to, state_reason=(reason or "").strip())
    step.audit(before=before, after={"state": step.item.state, "converted_to": to}, note=reason or "")
    tell(step, "convert", f"已转为{to}处理：{step.item.title}")
    return step.item


@item_action
def request_withdrawal(user, item_id, *, reason) -> Item:
    step = begin(user, "request_withdrawal", item_id)
    item = step.item
    step.check()
    item.withdrawal_reason = _reason(reason, "撤回理由", "A reason for withdrawing")
    item.withdrawal_requested = True
    item.save(update_fields=["withdrawal_reason", "withdrawal_requested", "updated_at"])
    step.audit(after={"withdrawal_requested": True}, note=item.withdrawal_reason)
    tell(step, "request_withdrawal", f"申请撤回：{item.title}")
    return item


@item_action
def decide_withdrawal(user, item_id, *, approve: bool, note="") -> Item:
    step = begin(user, "decide_withdrawal", item_id)
    item = step.item
    step.check()
    item.withdrawal_requested = False
    if approve:
        before = step.decide_state(ItemState.WITHDRAWN, state_reason=item.withdrawal_reason)
        # The units are released from a withdrawn item; their assignments stay as history.
        released = [a for a in item.assignments.all() if a.active]
        Assignment.objects.filter(pk__in=[a.pk for a in released]).update(
            state=Assignment.State.ENDED, ended_at=now(), end_reason=f"委员/代表撤回：{item.withdrawal_reason}")
        tell(step, "withdrawn", f"已撤回，无需继续办理：{item.title}", units=[a.unit for a in released])
    else:
        before = {"state": item.state}
        item.save(update_fields=["withdrawal_requested", "updated_at"])
    step.audit(before=before, after={"state": item.state, "approved": approve}, note=note or "")
    tell(step, "decide_withdrawal", f"撤回申请{'已同意' if approve else '未同意'}：{item.title}")
    return item
