"""The confirmation after an action on a page: what happened, what happens next (whose step, by
when), and the next item of the queue the step came from.

One entry per action of the transition table (tests hold SAID to workflow.TABLE). Dates are the
deadlines the action itself wrote (banli.deadlines rows, synced inside the action's transaction),
never computed again here, so the message and the deadlines list cannot disagree."""

from dataclasses import dataclass
from typing import Callable

from django.utils.html import format_html
from django.utils.translation import gettext as _, ngettext

from banli.deadlines.models import Deadline, Milestone
from banli.org.models import LIMITS, PeriodUnit, SessionPolicy
from banli.proposals.models import (
    AdjustmentRequest, Assignment, AssignmentRole, ClosureReport, Consultation, ExtensionRequest, Feedback, Item, ItemState, Reply,
)
from banli.proposals.todo import next_entry
from banli.proposals.todo_base import unit_name, who, word
from banli.web.templatetags.banli_web import number

M = Milestone


@dataclass
class Said:
    done: str
    next: str = ""


class Facts:
    """The item as the action left it, and the open deadlines it wrote."""

    def __init__(self, user, item_id, data: dict):
        self.user, self.data = user, data
        self.item = Item.objects.select_related("session", "proposer", "key_leader", "merged_into").get(pk=item_id)
        self.assignments = list(Assignment.objects.filter(item_id=item_id).select_related("unit__leader", "unit__supervising_leader")
                                .order_by("id"))
        aid = data.get("assignment")
        if aid is None and "assignment" in data and len(self.replying) == 1:
            aid = self.replying[0].pk  # publication with one replying unit: the assignment may be left out
        self.a = next((a for a in self.assignments if str(a.pk) == str(aid)), None) if aid else None
        self._open = None

    @property
    def active(self) -> list[Assignment]:
        return [a for a in self.assignments if a.active]

    @property
    def replying(self) -> list[Assignment]:
        return [a for a in self.active if a.answers]

    @property
    def unit(self) -> str:
        return unit_name(self.a.unit) if self.a else ""

    @property
    def person(self) -> str:
        """The proposer by name (王委员), or the word for one (委员)."""
        return self.item.proposer.name if self.item.proposer_id else word(self.item.assembly, "person")

    @property
    def office(self) -> str:
        return word(self.item.assembly, "office")

    def due(self, kind, a: Assignment | None = None):
        """The earliest open due date of this kind (for one assignment, or any)."""
        if self._open is None:
            self._open = list(Deadline.objects.filter(item_id=self.item.pk, state__in=[Deadline.State.OPEN, Deadline.State.LATE]))
        dates = [d.due_on for d in self._open if d.kind == kind and (a is None or d.assignment_id == a.pk)]
        return min(dates).isoformat() if dates else ""

    def limit(self, name: str) -> str:
        """A time limit of the session's settings, in words: 5 个工作日, 1 个月."""
        policy = SessionPolicy.for_session(self.item.session)
        amount_field, _default = LIMITS[name]
        n, unit = getattr(policy, amount_field), getattr(policy, f"{name}_unit")
        words = {PeriodUnit.WORKING_DAYS: ngettext("%(n)s 个工作日", "%(n)s 个工作日", n), PeriodUnit.DAYS: ngettext("%(n)s 天", "%(n)s 天", n),
                 PeriodUnit.MONTHS: ngettext("%(n)s 个月", "%(n)s 个月", n)}
        return words[unit] % {"n": n}


def _names(assignments) -> str:
    return "、".join(f"{unit_name(a.unit)}（{a.get_role_display()}）" for a in assignments)


def _dated(text: str, date: str) -> str:
    return f"{text}（{_('截至 %(date)s') % {'date': date}}）" if date else text


def _ended(f: Facts) -> str:
    return _("此件办理结束。")


def _to_sign(f: Facts, assignments) -> str:
    pending = [a for a in assignments if a.state == Assignment.State.PENDING]
    if not pending:
        return ""
    who_signs = _("各单位") if len(pending) > 1 else unit_name(pending[0].unit)
    due = min((f.due(M.SIGN, a) for a in pending if f.due(M.SIGN, a)), default="")
    return _dated(_("下一步：%(units)s在 %(limit)s内签收") % {"units": who_signs, "limit": f.limit("sign")}, due)


def unit_next(f: Facts, a: Assignment) -> str:
    """The one next step of a unit's assignment, from its records: signing, meeting the proposer,
    the co-handling opinion, the reply and where it stands, progress, closure."""
    if a is None:
        return ""
    u = unit_name(a.unit)
    if a.state == Assignment.State.PENDING:
        return _dated(_("下一步：%(unit)s签收") % {"unit": u}, f.due(M.SIGN, a))
    if a.state == Assignment.State.ADJUSTING:
        return _("下一步：区府办决定是否同意%(unit)s的调整申请") % {"unit": u}
    if a.role == AssignmentRole.CO:
        if f.due(M.CO_OPINION, a):
            return _dated(_("下一步：%(unit)s向主办单位提交会办意见") % {"unit": u}, f.due(M.CO_OPINION, a))
        return _("会办单位的工作已完成，由主办单位答复。")
    r = a.replies.exclude(state=Reply.State.SENT).select_related("reply_type").order_by("id").last()
    reply_due = f.due(M.SECOND_REPLY, a) or f.due(M.REPLY, a)
    if r is not None:
        if r.state == Reply.State.PENDING_UNIT:
            return _("下一步：单位领导（%(name)s）审核答复") % {"name": who(a.unit.leader) or _("单位主要领导")}
        if r.state == Reply.State.PENDING_LEADER:
            return _("下一步：分管区领导（%(name)s）阅批答复") % {"name": who(a.unit.supervising_leader) or _("分管区领导")}
        if r.state == Reply.State.APPROVED:
            return _dated(_("下一步：%(unit)s联络员发出答复") % {"unit": u}, reply_due)
        if r.approvals.exists():
            return _dated(_("下一步：%(unit)s联络员按退回意见修改后重新提交审核") % {"unit": u}, reply_due)
        return _dated(_("下一步：%(unit)s联络员提交单位领导审核") % {"unit": u}, reply_due)
    if a.replied_round < a.reply_round:
        if f.due(M.CONSULT, a):
            return _dated(_("下一步：%(unit)s与%(person)s当面沟通（办前面商），答复期限 %(reply)s") % {
                "unit": u, "person": f.person, "reply": reply_due}, f.due(M.CONSULT, a))
        if a.reply_round > 1:
            return _("下一步：%(unit)s重新办理，再次联系%(person)s后重新答复，答复期限 %(date)s") % {"unit": u, "person": f.person, "date": reply_due}
        return _("下一步：%(unit)s拟写答复，答复期限 %(date)s") % {"unit": u, "date": reply_due}
    if a.closed_at:
        return _("%(unit)s已办结。") % {"unit": u}
    if f.due(M.FEEDBACK):
        return _dated(_("下一步：%(person)s评价答复") % {"person": f.person}, f.due(M.FEEDBACK))
    if f.due(M.PROGRESS, a):
        return _dated(_("下一步：%(unit)s落实答复事项，按期报送办理进展，完成后报送办结报告") % {"unit": u}, f.due(M.PROGRESS, a))
    return _("下一步：%(unit)s落实答复事项，完成后报送办结报告") % {"unit": u}


def _item_next(f: Facts) -> str:
    """The item's next step as a whole, for steps not tied to one unit."""
    s = f.item.state
    if s == ItemState.DRAFT:
        return _("下一步：%(person)s修改后提交") % {"person": f.person}
    if s == ItemState.SUBMITTED:
        return _dated(_("下一步：%(office)s立案审查") % {"office": f.office}, f.due(M.REGISTER))
    if s == ItemState.REGISTERED:
        return _("下一步：区府办交办承办单位")
    if s in (ItemState.WITHDRAWN, ItemState.NOT_REGISTERED, ItemState.MERGED, ItemState.CONVERTED):
        return _ended(f)
    if s == ItemState.CLOSED:
        return _("此件已办结。")
    if s == ItemState.ASSIGNED and any(a.state == Assignment.State.PENDING for a in f.active):
        return _to_sign(f, f.active)
    for a in f.replying:
        step = unit_next(f, a)
        if step and not step.endswith(_("已办结。")):
            return step
    return ""


def _feedback(f: Facts) -> Said:
    fb = Feedback.objects.select_related("grade", "reply__assignment__unit").filter(reply_id=f.data.get("reply_id")).first()
    if fb is None:
        return Said(_("已评价答复。"), _item_next(f))
    agrees = _("同意答复") if fb.agrees else _("不同意答复")
    done = _("已评价：%(grade)s，%(agrees)s。") % {"grade": fb.grade.shown_name, "agrees": agrees}
    a = next(x for x in f.assignments if x.pk == fb.reply.assignment_id)
    if a.reply_round > a.replied_round:
        return Said(done, _("下一步：%(unit)s重新办理，由区府办督促，答复期限 %(date)s") % {
            "unit": unit_name(a.unit), "date": f.due(M.SECOND_REPLY, a)})
    return Said(done, unit_next(f, a) if not a.closed_at else (_("此件已办结。") if f.item.state == ItemState.CLOSED else _item_next(f)))


def _no_feedback(f: Facts) -> Said:
    return Said(_("已登记%(person)s逾期未反馈（不作评价）。") % {"person": f.person}, _item_next(f))


def _assign(f: Facts) -> Said:
    return Said(_("已交办给%(units)s。") % {"units": _names(f.active)}, _to_sign(f, f.active))


def _reassign(f: Facts) -> Said:
    return Said(_("已调整交办，现由%(units)s办理。") % {"units": _names(f.active)}, _to_sign(f, f.active) or _item_next(f))


def _decide_adjustment(f: Facts) -> Said:
    req = AdjustmentRequest.objects.filter(assignment=f.a).select_related("new_assignment__unit").order_by("id").last()
    if req and req.state == AdjustmentRequest.State.APPROVED and req.new_assignment:
        new = next(a for a in f.assignments if a.pk == req.new_assignment_id)
        return Said(_("已同意调整：%(old)s撤出，改由%(new)s办理。") % {"old": f.unit, "new": unit_name(new.unit)}, _to_sign(f, [new]))
    return Said(_("已不同意%(unit)s的调整申请。") % {"unit": f.unit}, _("下一步：%(unit)s签收办理") % {"unit": f.unit})


def _consultation(f: Facts) -> Said:
    c = Consultation.objects.filter(item=f.item, unit=f.a.unit).order_by("id").last()
    done = _("已记录%(kind)s（%(form)s，%(date)s）。") % {"kind": c.get_kind_display(), "form": c.get_form_display(), "date": c.held_on.isoformat()}
    return Said(done, unit_next(f, f.a))


def _extension_asked(f: Facts) -> Said:
    e = ExtensionRequest.objects.filter(assignment=f.a).order_by("id").last()
    return Said(_("已申请将答复期限延至 %(date)s。") % {"date": e.requested_due.isoformat()}, _("下一步：区府办审批延期申请"))


def _extension_decided(f: Facts) -> Said:
    e = ExtensionRequest.objects.filter(assignment=f.a).order_by("id").last()
    if e.state == ExtensionRequest.State.APPROVED:
        return Said(_("已批准延期：%(unit)s的答复期限延至 %(date)s。") % {"unit": f.unit, "date": f.a.reply_due.isoformat()}, unit_next(f, f.a))
    return Said(_("未批准延期：%(unit)s的答复期限仍为 %(date)s。") % {"unit": f.unit, "date": f.due(M.REPLY, f.a)},
                unit_next(f, f.a))


def _reply_decided(f: Facts, level: str, approved: bool) -> Said:
    done = {("unit", True): _("已审核同意%(unit)s的答复。"), ("unit", False): _("已将%(unit)s的答复退回修改。"),
            ("district", True): _("已阅批同意%(unit)s的答复。"), ("district", False): _("已将%(unit)s的答复退回修改。")}[(level, approved)]
    return Said(done % {"unit": f.unit}, unit_next(f, f.a))


def _sent(f: Facts) -> Said:
    r = f.a.replies.filter(state=Reply.State.SENT).select_related("reply_type").order_by("id").last()
    done = _("%(unit)s的答复（%(type)s）已发给%(person)s。") % {"unit": f.unit, "type": r.reply_type.shown_name, "person": f.person}
    if r.is_conversion:
        return Said(done, unit_next(f, f.a))
    return Said(done, _dated(_("下一步：%(person)s在 %(limit)s内评价答复") % {"person": f.person, "limit": f.limit("feedback")},
                             f.due(M.FEEDBACK)))


def _closure(f: Facts, approved: bool | None) -> Said:
    report = ClosureReport.objects.filter(assignment=f.a).order_by("id").last()
    if approved is None:
        return Said(_("%(unit)s的办结报告已报送。") % {"unit": f.unit},
                    _("下一步：单位领导（%(name)s）审核办结报告") % {"name": who(f.a.unit.leader) or _("单位主要领导")})
    if approved and report and report.state == ClosureReport.State.APPROVED:
        nxt = _("此件已办结。") if f.item.state == ItemState.CLOSED else _item_next(f)
        return Said(_("已审核同意%(unit)s的办结报告，%(unit)s已办结。") % {"unit": f.unit}, nxt)
    return Said(_("已退回%(unit)s的办结报告。") % {"unit": f.unit}, _("下一步：%(unit)s联络员修改后重新报送") % {"unit": f.unit})


def _publication(f: Facts) -> Said:
    a = f.a or (f.replying[0] if f.replying else None)
    published = a is not None and a.publication == "published"
    done = _("已决定公开%(unit)s的答复，门户网站即时可见。") if published else _("已决定不公开%(unit)s的答复，理由已记录。")
    return Said(done % {"unit": unit_name(a.unit) if a else ""})


def _message(f: Facts) -> Said:
    to = f.data.get("to_unit_id")
    if to:
        a = next((x for x in f.active if x.unit_id == int(to)), None)
        name = unit_name(a.unit) if a else ""
        due = f.due(M.MESSAGE)
        return Said(_("留言已发送。"), _dated(_("下一步：%(unit)s在 %(limit)s内回复") % {"unit": name, "limit": f.limit("message")}, due))
    return Said(_("留言已发送，对方会在待办中看到。"))


def _withdrawal_decided(f: Facts) -> Said:
    if f.item.state == ItemState.WITHDRAWN:
        return Said(_("已同意撤回。"), _ended(f))
    return Said(_("已不同意撤回，此件继续办理。"), _item_next(f))


S = Said
SAID: dict[str, Callable[[Facts], Said]] = {
    "edit_draft": lambda f: S(_("草稿已保存。"), _("下一步：%(person)s提交（提交前可邀请联名）") % {"person": f.person}),
    "invite_cosigners": lambda f: S(_("已发出联名邀请。"), _dated(_("下一步：联名人在 %(limit)s内确认；提交时未确认的不列入联名") % {
        "limit": f.limit("cosign")}, f.due(M.COSIGN))),
    "respond_cosign": lambda f: S(_("已确认联名。") if f.data.get("confirm") else _("已谢绝联名。"),
                                  _("下一步：%(person)s提交") % {"person": f.person}),
    "submit": lambda f: S(_("已提交。"), _dated(_("下一步：%(office)s在 %(limit)s内立案审查") % {"office": f.office, "limit": f.limit("register")},
                                                f.due(M.REGISTER))),
    "withdraw": lambda f: S(_("已撤回。"), _ended(f)),
    "set_publication_consent": lambda f: S(_("已设置为同意公开。") if f.data.get("consent") else _("已设置为不同意公开。"),
                                           _("答复后由区府办决定是否公开，会尊重您的意见。")),
    "register": lambda f: S(_("已立案，编号%(number)s。") % {"number": number(f.item)}, _("下一步：区府办交办承办单位")),
    "return_for_revision": lambda f: S(_("已退回%(person)s修改，理由已告知。") % {"person": f.person},
                                       _("下一步：%(person)s修改后重新提交") % {"person": f.person}),
    "reject": lambda f: S(_("已不予立案，理由已告知%(person)s。") % {"person": f.person}, _ended(f)),
    "merge": lambda f: S(_("已并入%(number)s。") % {"number": number(f.item.merged_into) if f.item.merged_into else ""},
                         _("此件办理结束；%(person)s会收到所并入件的答复。") % {"person": f.person}),
    "convert": lambda f: S(_("已转为%(to)s。") % {"to": f.item.converted_to}, _ended(f)),
    "request_withdrawal": lambda f: S(_("已申请撤回。"), _("下一步：%(office)s审核撤回申请") % {"office": f.office}),
    "decide_withdrawal": _withdrawal_decided,
    "assign": _assign,
    "reassign": _reassign,
    "sign": lambda f: S(_("%(unit)s已签收。") % {"unit": f.unit}, unit_next(f, f.a)),
    "request_adjustment": lambda f: S(_("%(unit)s已申请调整。") % {"unit": f.unit},
                                      _dated(_("下一步：区府办决定是否调整"), f.due(M.ADJUST_DECISION))),
    "decide_adjustment": _decide_adjustment,
    "record_consultation": _consultation,
    "send_co_opinion": lambda f: S(_("%(unit)s的会办意见已提交主办单位。") % {"unit": f.unit},
                                   _item_next(f)),
    "grade_co_unit": lambda f: S(_("已评价会办单位%(unit)s。") % {"unit": f.unit}),
    "waive_co_opinion": lambda f: S(_("已豁免%(unit)s的会办意见。") % {"unit": f.unit}, _item_next(f)),
    "draft_reply": lambda f: S(_("答复草稿已保存。"), unit_next(f, f.a)),
    "convert_reply_type": lambda f: S(_("类型转换的答复草稿已保存。"), unit_next(f, f.a)),
    "submit_reply": lambda f: S(_("%(unit)s的答复已提交审核。") % {"unit": f.unit}, unit_next(f, f.a)),
    "approve_reply": lambda f: _reply_decided(f, "unit", True),
    "return_reply": lambda f: _reply_decided(f, "unit", False),
    "leader_approve_reply": lambda f: _reply_decided(f, "district", True),
    "leader_return_reply": lambda f: _reply_decided(f, "district", False),
    "send_reply": _sent,
    "request_extension": _extension_asked,
    "decide_extension": _extension_decided,
    "give_feedback": _feedback,
    "record_no_feedback": _no_feedback,
    "record_mediation": lambda f: S(_("协调会已记录。"), _item_next(f)),
    "report_progress": lambda f: S(_("%(unit)s的办理进展已报送。") % {"unit": f.unit},
                                   _dated(_("下一步：%(unit)s下次报送办理进展") % {"unit": f.unit}, f.due(M.PROGRESS, f.a))),
    "file_closure_report": lambda f: _closure(f, None),
    "approve_closure_report": lambda f: _closure(f, True),
    "return_closure_report": lambda f: _closure(f, False),
    "reopen": lambda f: S(_("已重新打开，理由已记录。"), _item_next(f)),
    "decide_publication": _publication,
    "revoke_publication": lambda f: S(_("已撤销公开%(unit)s的答复，门户网站不再显示。") % {"unit": f.unit}),
    "mark_key": lambda f: S(_("已设为重点，由%(leader)s牵头督办。") % {"leader": who(f.item.key_leader)}, _item_next(f)),
    "unmark_key": lambda f: S(_("已取消重点。")),
    "give_instruction": lambda f: S(_("批示已记录，承办单位会收到通知。"), _item_next(f)),
    "urge": lambda f: S(_("已催办%(unit)s，催办记录计入考核。") % {"unit": f.unit}, unit_next(f, f.a)),
    "post_message": _message,
    "add_attachment": lambda f: S(_("附件已上传。")),
}

# The to-do section(s) each step is taken from: after it, the next entry there is offered.
QUEUES: dict[str, tuple[str, tuple[str, ...]]] = {
    "respond_cosign": ("proposer", ("cosign",)),
    "submit": ("proposer", ("drafts",)),
    "give_feedback": ("proposer", ("to_rate",)),
    "register": ("assembly_office", ("review",)), "return_for_revision": ("assembly_office", ("review",)),
    "reject": ("assembly_office", ("review",)), "merge": ("assembly_office", ("review",)), "convert": ("assembly_office", ("review",)),
    "decide_withdrawal": ("assembly_office", ("withdrawals",)),
    "assign": ("gov_office", ("to_assign",)),
    "decide_adjustment": ("gov_office", ("adjustments",)),
    "decide_extension": ("gov_office", ("extensions",)),
    "decide_publication": ("gov_office", ("publication",)),
    "urge": ("gov_office", ("late",)),
    "sign": ("liaison", ("unit_sign",)), "request_adjustment": ("liaison", ("unit_sign",)),
    "record_consultation": ("liaison", ("unit_consult",)),
    "send_co_opinion": ("liaison", ("unit_co_opinion",)),
    "submit_reply": ("liaison", ("unit_reply_returned", "unit_reply", "unit_second_reply")),
    "send_reply": ("liaison", ("unit_reply_send",)),
    "report_progress": ("liaison", ("unit_progress",)),
    "approve_reply": ("unit_head", ("approve_replies",)), "return_reply": ("unit_head", ("approve_replies",)),
    "approve_closure_report": ("unit_head", ("approve_closure",)), "return_closure_report": ("unit_head", ("approve_closure",)),
    "leader_approve_reply": ("district_leader", ("leader_replies",)), "leader_return_reply": ("district_leader", ("leader_replies",)),
}


def said(user, action: str, item_id: int, data: dict) -> Said:
    return SAID[action](Facts(user, item_id, data))


def confirmation(user, action: str, item_id: int, data: dict, label: str):
    """The flash message: 已完成：<step>. What happened. 下一步：… and a link to the next item of
    the queue. Safe HTML (the link); everything else is escaped by format_html."""
    s = said(user, action, item_id, data)
    parts = [format_html("<strong>{}</strong> {}", _("已完成：%(action)s") % {"action": label}, s.done)]
    if s.next:
        parts.append(format_html('<span class="next-step">{}</span>', s.next))
    found = None
    if action in QUEUES:
        role, keys = QUEUES[action]
        found = next_entry(user, role, keys, after_item_id=item_id)
    if found:
        section, e = found
        href = f"/items/{e.item.pk}/" + (f"#{e.anchor}" if e.anchor else "")
        # A tap target of 44 px: banli.css (.flash .next-item), no inline style (the CSP allows none).
        parts.append(format_html('<a class="next-item" href="{}">{}</a>',
                                 href, _("下一件%(queue)s：%(item)s") % {"queue": section.title,
                                                                      "item": f"{number(e.item)} {e.item.title}".strip()}))
    return format_html("<br>".join(["{}"] * len(parts)), *parts)
