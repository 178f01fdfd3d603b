"""The reply: draft, unit-leader approval, district-leader approval where the type needs it,
sending; deadline extensions; conversion of a for-reference reply (rules 7, 12)."""


from banli.org.models import ReplyType, SessionPolicy
from banli.params import parse_date

from ..workflow import open_reply
from ..models import ExtensionRequest, Reply, ReplyApproval
from .audiences import tell
from .common import item_action, begin, invalid, now, require_text, today
from .publication import summary as publication_summary
from .settle import settle_item

REPLY_FIELDS = ("body", "promise", "planned_date", "reference_reason", "signatory", "contact_person", "contact_phone", "recommendation", "withhold_reason")


def _clean(data: dict, *, conversion: bool) -> dict:
    code = data.get("reply_type")
    rtype = ReplyType.objects.filter(code=code, active=True).first() if code else None
    if rtype is None:
        raise invalid("reply_type", "请选择答复类型。", "Choose a reply type.")
    if conversion and rtype.closure == ReplyType.Closure.FEEDBACK:
        raise invalid("reply_type", "留作参考类答复只能转为已解决或计划解决类。", "A for-reference reply converts to a solved or planned type only.")
    out = {"reply_type": rtype, "body": require_text(data.get("body"), "body", "答复正文", "The letter")}
    out["signatory"] = require_text(data.get("signatory"), "signatory", "签发人", "The signatory", max_len=30)
    out["contact_person"] = require_text(data.get("contact_person"), "contact_person", "联系人", "The contact person", max_len=30)
    out["contact_phone"] = (data.get("contact_phone") or "").strip()[:30]
    out["promise"] = (data.get("promise") or "").strip()
    out["planned_date"] = parse_date(data["planned_date"], "planned_date") if data.get("planned_date") else None
    out["reference_reason"] = (data.get("reference_reason") or "").strip()
    if rtype.needs_planned_date and not out["planned_date"]:
        raise invalid("planned_date", f"“{rtype.name}”类答复须填写计划完成日期。", f"A '{rtype.name_en or rtype.code}' reply needs a planned completion date.")
    if rtype.needs_reason and not out["reference_reason"]:
        raise invalid("reference_reason", f"“{rtype.name}”类答复须说明理由。", f"A '{rtype.name_en or rtype.code}' reply needs its reason.")
    if out["promise"] and not rtype.needs_reason and not out["planned_date"]:
        raise invalid("planned_date", "答复中有承诺事项的，须写明完成时限。", "A reply that promises something must say by when.")
    if out["planned_date"] and out["planned_date"] < today():
        raise invalid("planned_date", "计划完成日期不能早于今天。", "The planned date cannot be in the past.")
    rec = data.get("recommendation") or Reply.Recommendation.PUBLISH
    if rec not in Reply.Recommendation.values:
        raise invalid("recommendation", "公开建议应为建议公开或建议不公开。", "Recommend publish or withhold.")
    out["recommendation"] = rec
    out["withhold_reason"] = (data.get("withhold_reason") or "").strip()
    if rec == Reply.Recommendation.WITHHOLD and not out["withhold_reason"]:
        raise invalid("withhold_reason", "建议不公开的，须说明理由。", "Recommending to withhold needs a reason.")
    return out


def _write_draft(step, data, *, conversion):
    a = step.assignment
    fields = _clean(data, conversion=conversion)
    reply = open_reply(a)
    if reply is None:
        reply = Reply.objects.create(item=step.item, assignment=a, round=a.reply_round if not conversion else a.replied_round,
                                     is_conversion=conversion, drafted_by=step.user, **fields)
        step.audit(target=reply, after={"reply_type": fields["reply_type"].code, "round": reply.round, "conversion": conversion})
        return reply
    before = {k: getattr(reply, k) for k in ("body", "planned_date", "reference_reason", "recommendation")}
    before["reply_type"] = reply.reply_type.code
    for k, v in fields.items():
        setattr(reply, k, v)
    reply.save()
    step.audit(target=reply, before=before, after={"reply_type": reply.reply_type.code, "planned_date": reply.planned_date})
    return reply


@item_action
def draft_reply(user, item_id, *, assignment, **data) -> Reply:
    step = begin(user, "draft_reply", item_id, assignment_id=assignment)
    step.check()
    return _write_draft(step, data, conversion=False)


@item_action
def convert_reply_type(user, item_id, *, assignment, **data) -> Reply:
    step = begin(user, "convert_reply_type", item_id, assignment_id=assignment)
    step.check()
    return _write_draft(step, data, conversion=True)


def _locked_open_reply(step) -> Reply | None:
    r = open_reply(step.assignment)
    return Reply.objects.select_for_update().select_related("reply_type").get(pk=r.pk) if r else None


@item_action
def submit_reply(user, item_id, *, assignment) -> Reply:
    step = begin(user, "submit_reply", item_id, assignment_id=assignment)
    step.check()
    reply = _locked_open_reply(step)
    reply.state = Reply.State.PENDING_UNIT
    reply.save(update_fields=["state"])
    step.audit(target=reply, before={"state": "draft"}, after={"state": reply.state})
    tell(step, "submit_reply", f"答复待审核：{step.item.title}", units=[step.assignment.unit])
    return reply


def _decide(step, level, approve, comment):
    reply = _locked_open_reply(step)
    before = reply.state
    ReplyApproval.objects.create(reply=reply, level=level, decision="approved" if approve else "returned", comment=(comment or "").strip(), by=step.user)
    if not approve:
        require_text(comment, "comment", "退回意见", "A comment")
        reply.state = Reply.State.DRAFT
        tell(step, "reply_returned", f"答复被退回修改：{step.item.title}", units=[step.assignment.unit])
    elif level == ReplyApproval.Level.UNIT and reply.reply_type.needs_leader_approval:
        reply.state = Reply.State.PENDING_LEADER
        tell(step, "reply_to_leader", f"{reply.reply_type.name}类答复待您阅批：{step.item.title}", units=[step.assignment.unit])
    else:
        reply.state = Reply.State.APPROVED
        tell(step, "reply_approved", f"答复已审核，可以发出：{step.item.title}", units=[step.assignment.unit])
    reply.save(update_fields=["state"])
    step.audit(target=reply, before={"state": before}, after={"state": reply.state, "level": level}, note=comment or "")
    return reply


@item_action
def approve_reply(user, item_id, *, assignment, comment="") -> Reply:
    step = begin(user, "approve_reply", item_id, assignment_id=assignment)
    step.check()
    return _decide(step, ReplyApproval.Level.UNIT, True, comment)


@item_action
def return_reply(user, item_id, *, assignment, comment) -> Reply:
    step = begin(user, "return_reply", item_id, assignment_id=assignment)
    step.check()
    return _decide(step, ReplyApproval.Level.UNIT, False, comment)


@item_action
def leader_approve_reply(user, item_id, *, assignment, comment="") -> Reply:
    step = begin(user, "leader_approve_reply", item_id, assignment_id=assignment)
    step.check()
    return _decide(step, ReplyApproval.Level.DISTRICT, True, comment)


@item_action
def leader_return_reply(user, item_id, *, assignment, comment) -> Reply:
    step = begin(user, "leader_return_reply", item_id, assignment_id=assignment)
    step.check()
    return _decide(step, ReplyApproval.Level.DISTRICT, False, comment)


@item_action
def send_reply(user, item_id, *, assignment) -> Reply:
    step = begin(user, "send_reply", item_id, assignment_id=assignment)
    a = step.assignment
    step.check()
    reply = _locked_open_reply(step)
    reply.state, reply.sent_at = Reply.State.SENT, now()
    reply.save(update_fields=["state", "sent_at"])
    item = step.item
    before = {"state": item.state, "reply_type": item.reply_type_id}
    if reply.is_conversion:
        # Tracked from now on as the new type: progress updates and a closure report.
        a.closed_at, a.closed_early = None, False
    else:
        a.replied_round = reply.round
    a.save(update_fields=["replied_round", "closed_at", "closed_early"])
    item.reply_type = reply.reply_type
    item.replied_at = reply.sent_at
    # A newly replied unit awaits the office's publication decision (rule 13, per unit).
    item.publication = publication_summary(item.assignments.all())
    settle_item(item)
    step.audit(target=reply, before=before, after={"state": item.state, "reply_type": reply.reply_type.code, "round": reply.round})
    tell(step, "replied", f"{a.unit.name}已答复，请评价：{item.title}")
    return reply


@item_action
def request_extension(user, item_id, *, assignment, requested_due, reason) -> ExtensionRequest:
    step = begin(user, "request_extension", item_id, assignment_id=assignment)
    a = step.assignment
    step.check()
    due = parse_date(requested_due, "requested_due")
    policy = SessionPolicy.for_session(step.item.session)
    latest = policy.due("reply_max", a.assigned_at)
    if a.reply_due and due <= a.reply_due:
        raise invalid("requested_due", "申请的期限须晚于现有期限。", "The requested date must be later than the current deadline.")
    if due > latest:
        raise invalid("requested_due", f"延期后最长不超过交办后{policy.describe('reply_max')}（{latest}）。", f"The deadline can be extended to {latest} at most.")
    req = ExtensionRequest.objects.create(assignment=a, requested_due=due, reason=require_text(reason, "reason", "延期理由", "A reason"), requested_by=user, previous_due=a.reply_due)
    step.audit(target=req, after={"requested_due": due}, note=req.reason)
    tell(step, "request_extension", f"{a.unit.name}申请延期至{due}：{step.item.title}")
    return req


@item_action
def decide_extension(user, item_id, *, assignment, approve: bool, note="") -> ExtensionRequest:
    step = begin(user, "decide_extension", item_id, assignment_id=assignment)
    step.check()
    a = step.assignment
    req = a.extensions.select_for_update().filter(state=ExtensionRequest.State.PENDING).first()
    if req is None:
        raise invalid(None, "没有待审批的延期申请。", "No extension request is pending.")
    req.state = ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.REFUSED
    req.decided_by, req.decided_at, req.decision_note = user, now(), (note or "").strip()
    req.save()
    if approve:
        a.reply_due = req.requested_due
        a.save(update_fields=["reply_due"])
    step.audit(target=req, before={"reply_due": req.previous_due}, after={"reply_due": a.reply_due, "state": req.state}, note=note or "")
    tell(step, "decide_extension", f"延期申请{'已批准' if approve else '未批准'}：{step.item.title}", units=[a.unit])
    return req
