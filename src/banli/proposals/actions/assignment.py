"""Assignment by the government office, signing and adjustment requests (rules 3-4)."""


from banli.org.models import SessionPolicy, Unit

from ..models import AdjustmentRequest, Assignment, AssignmentRole, ItemState
from .audiences import tell
from .common import item_action, begin, invalid, now, require_text, today


def _units(ids, field):
    ids = [int(i) for i in ids]
    units = {u.pk: u for u in Unit.objects.filter(pk__in=ids, active=True)}
    if len(units) != len(set(ids)):
        raise invalid(field, "承办单位不存在或已停用。", "A unit does not exist or is inactive.")
    return [units[i] for i in ids]


def _plan(lead, co, separate):
    plan = [(u, AssignmentRole.LEAD) for u in _units([lead] if lead else [], "lead")]
    plan += [(u, AssignmentRole.CO) for u in _units(co, "co")]
    plan += [(u, AssignmentRole.SEPARATE) for u in _units(separate, "separate")]
    seen = [u.pk for u, _ in plan]
    if len(seen) != len(set(seen)):
        raise invalid("units", "同一单位不能重复交办。", "A unit can be assigned only once.")
    return plan


def _create(step, plan, note):
    policy = SessionPolicy.for_session(step.item.session)
    due = policy.due("reply", today())
    made = [
        Assignment.objects.create(item=step.item, unit=u, role=role, note=note, assigned_at=now(), assigned_by=step.user, reply_due=due)
        for u, role in plan
    ]
    tell(step, "assigned", f"新交办{step.item.display_number}，请在规定时限内签收：{step.item.title}", units=[u for u, _ in plan])
    return made


def _check_shape(active):
    """At least one unit that replies (lead or separate); at most one lead."""
    if not any(a.role in (AssignmentRole.LEAD, AssignmentRole.SEPARATE) for a in active):
        raise invalid("lead", "至少需要一个主办或分办单位。", "At least one lead or separate unit is needed.")
    if sum(1 for a in active if a.role == AssignmentRole.LEAD) > 1:
        raise invalid("lead", "主办单位只能有一个。", "There can be only one lead unit.")


def _sync_signing(item):
    """assigned -> handling once every active unit has signed (and back, if a new unit joins)."""
    if item.state not in (ItemState.ASSIGNED, ItemState.HANDLING):
        return
    active = [a for a in Assignment.objects.filter(item=item).exclude(state=Assignment.State.ENDED)]
    state = ItemState.HANDLING if all(a.state == Assignment.State.SIGNED for a in active) else ItemState.ASSIGNED
    if state != item.state:
        item.state = state
        item.save(update_fields=["state", "updated_at"])


@item_action
def assign(user, item_id, *, lead=None, co=(), separate=(), note="") -> list[Assignment]:
    step = begin(user, "assign", item_id)
    step.check()
    plan = _plan(lead, co, separate)
    _check_shape([Assignment(unit=u, role=r) for u, r in plan])
    made = _create(step, plan, (note or "").strip())
    before = step.advance(assigned_at=now())
    step.audit(before=before, after={"state": ItemState.ASSIGNED, "assignments": [(a.unit_id, a.role) for a in made]}, note=note or "")
    return made


@item_action
def reassign(user, item_id, *, remove=(), lead=None, co=(), separate=(), reason) -> list[Assignment]:
    step = begin(user, "reassign", item_id)
    step.check()
    reason = require_text(reason, "reason", "调整理由", "A reason")
    item = step.item
    active = [a for a in item.assignments.all() if a.active]
    removing = [a for a in active if a.pk in {int(r) for r in remove}]
    if len(removing) != len(set(remove)):
        raise invalid("remove", "要撤出的交办记录不存在。", "An assignment to remove does not exist.")
    plan = _plan(lead, co, separate)
    if not removing and not plan:
        raise invalid(None, "请指明要撤出或新增的单位。", "Name units to remove or add.")
    staying = [a for a in active if a not in removing]
    if {a.unit_id for a in staying} & {u.pk for u, _ in plan}:
        raise invalid("units", "该单位已在办理此件。", "That unit is already handling this item.")
    _check_shape(staying + [Assignment(unit=u, role=r) for u, r in plan])
    for a in removing:
        a.state, a.ended_at, a.end_reason = Assignment.State.ENDED, now(), reason
        a.save(update_fields=["state", "ended_at", "end_reason"])
    made = _create(step, plan, reason)
    _sync_signing(item)
    step.audit(before={"removed": [a.pk for a in removing]}, after={"added": [(a.unit_id, a.role) for a in made], "state": item.state}, note=reason)
    tell(step, "unassigned", f"交办已调整，贵单位不再办理：{item.title}", units=[a.unit for a in removing])
    return made


@item_action
def sign(user, item_id, *, assignment) -> Assignment:
    step = begin(user, "sign", item_id, assignment_id=assignment)
    a = step.assignment
    step.check()
    a.state, a.signed_at, a.signed_by = Assignment.State.SIGNED, now(), user
    a.save(update_fields=["state", "signed_at", "signed_by"])
    _sync_signing(step.item)
    step.audit(target=a, before={"state": "pending"}, after={"state": a.state, "item_state": step.item.state})
    return a


@item_action
def request_adjustment(user, item_id, *, assignment, reason, suggested_unit_id=None, suggested_unit_text="") -> AdjustmentRequest:
    step = begin(user, "request_adjustment", item_id, assignment_id=assignment)
    a = step.assignment
    step.check()
    reason = require_text(reason, "reason", "申请调整的理由", "A reason")
    suggested = _units([suggested_unit_id], "suggested_unit_id")[0] if suggested_unit_id else None
    text = (suggested_unit_text or "").strip()
    if suggested is None and not text:
        # Rule 4: not "not our business" without saying whose.
        raise invalid("suggested_unit_id", "请写明应由哪个单位办理。", "Say which unit should handle it.")
    if suggested is not None and suggested.pk == a.unit_id:
        raise invalid("suggested_unit_id", "建议的单位不能是本单位。", "Suggest a unit other than your own.")
    req = AdjustmentRequest.objects.create(assignment=a, reason=reason, suggested_unit=suggested, suggested_unit_text=text, requested_by=user)
    a.state = Assignment.State.ADJUSTING
    a.save(update_fields=["state"])
    step.audit(target=req, before={"assignment_state": "pending"}, after={"assignment_state": a.state, "suggested_unit": suggested.pk if suggested else text}, note=reason)
    tell(step, "request_adjustment", f"{a.unit.name}申请调整：{step.item.title}")
    return req


@item_action
def decide_adjustment(user, item_id, *, assignment, approve: bool, new_unit_id=None, note="") -> AdjustmentRequest:
    step = begin(user, "decide_adjustment", item_id, assignment_id=assignment)
    step.check()
    a = step.assignment
    req = a.adjustments.select_for_update().get(state=AdjustmentRequest.State.PENDING)
    note = (note or "").strip()
    req.decided_by, req.decided_at, req.decision_note = user, now(), note
    if approve:
        unit_id = new_unit_id or req.suggested_unit_id
        if not unit_id:
            raise invalid("new_unit_id", "同意调整时请指定新的承办单位。", "Name the new unit when approving.")
        new_unit = _units([unit_id], "new_unit_id")[0]
        if any(x.unit_id == new_unit.pk for x in step.item.assignments.all() if x.active and x.pk != a.pk):
            raise invalid("new_unit_id", "该单位已在办理此件。", "That unit is already handling this item.")
        a.state, a.ended_at, a.end_reason = Assignment.State.ENDED, now(), f"调整：{req.reason}"
        a.save(update_fields=["state", "ended_at", "end_reason"])
        req.state = AdjustmentRequest.State.APPROVED
        req.new_assignment = _create(step, [(new_unit, a.role)], note or req.reason)[0]
    else:
        if not note:
            raise invalid("note", "不同意调整时请说明理由。", "Give a reason for refusing.")
        # Refused: the unit must now sign for it.
        a.state = Assignment.State.PENDING
        a.save(update_fields=["state"])
        req.state = AdjustmentRequest.State.REFUSED
    req.save()
    _sync_signing(step.item)
    step.audit(target=req, before={"state": "pending"}, after={"state": req.state, "new_assignment": req.new_assignment_id}, note=note)
    tell(step, "decide_adjustment", f"调整申请{'已同意' if approve else '未同意，请签收办理'}：{step.item.title}", units=[a.unit])
    return req
