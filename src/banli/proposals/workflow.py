"""The transition table: every action an item allows, from which states, to which state, who may
take it, and the guard it must pass. Pages show exactly what this table allows; the API refuses
the rest with the table's reason. Action functions call `check` before they write anything."""

from dataclasses import dataclass
from typing import Callable

from django.utils import translation

from banli.errors import BanliError, forbidden

from .access import Actor
from .guards import (  # open_reply, rated_reply, awaiting_rating: re-exported for the actions and pages
    awaiting_rating, closure_open, co_gradable, closure_pending, co_opinion_open, decidable, extension_pending, feedback_lapsed,
    is_key, lapsed_replies, may_draft, may_draft_conversion, may_request_adjustment, may_request_extension, may_send, no_withdrawal_request,
    not_key, open_reply, pending_assignment, progress_open, published, rated_reply, refuse, reply_awaits_rating, reply_in,
    signed, unnumbered, urgeable, waivable, withdrawal_requested,
)
from .models import STATE_EN, Assignment, Item, ItemState, Reply

S = ItemState
OPEN_HANDLING = frozenset({S.ASSIGNED, S.HANDLING, S.REHANDLING})
AFTER_REPLY = frozenset({S.REPLIED, S.EVALUATED, S.CLOSED})
LIVE = frozenset({S.SUBMITTED, S.REGISTERED, S.ASSIGNED, S.HANDLING, S.REPLIED, S.EVALUATED, S.REHANDLING, S.CLOSED})
REPLY_STATES = frozenset({S.ASSIGNED, S.HANDLING, S.REHANDLING, S.EVALUATED, S.CLOSED})
SUPERVISED = frozenset({S.REGISTERED, S.ASSIGNED, S.HANDLING, S.REPLIED, S.EVALUATED, S.REHANDLING})
ALL_BUT_DRAFT = LIVE | {S.NOT_REGISTERED, S.MERGED, S.CONVERTED, S.WITHDRAWN}
# A unit signs (or asks for adjustment) whenever it has been assigned and the item is still being
# handled: a co-handling unit added late may still be signing after the lead has replied.
HANDLED = frozenset({S.ASSIGNED, S.HANDLING, S.REHANDLING, S.REPLIED, S.EVALUATED})
# Steps that follow one unit's reply: rating, progress, closure, publication. In separate handling
# (分办, rule 3) each unit's reply is rated, tracked, closed and published on its own, so these run
# while other units are still handling (or re-handling) the item, or have not even signed yet
# (assigned); the guards ask about the unit.
AFTER_A_REPLY = frozenset({S.ASSIGNED, S.HANDLING, S.REHANDLING, S.REPLIED, S.EVALUATED})


@dataclass(frozen=True)
class Transition:
    action: str
    zh: str
    en: str
    from_states: frozenset
    to_state: str | None  # None: the state stays, or the action decides (e.g. once every unit has signed)
    who: frozenset  # relations of the actor to the item (or to the target assignment)
    scope: str = "item"  # "item" or "assignment": whether the action names one unit's assignment
    guard: Callable | None = None  # (item, assignment) -> BanliError | None


T = Transition
F = frozenset
TRANSITIONS = [
    # Drafting and co-signing (rule 1)
    T("edit_draft", "修改草稿", "edit the draft", F({S.DRAFT}), None, F({"proposer"})),
    T("invite_cosigners", "邀请联名", "invite co-signers", F({S.DRAFT}), None, F({"proposer"})),
    T("respond_cosign", "回应联名邀请", "answer the co-signing invitation", F({S.DRAFT}), None, F({"invited_cosigner"})),
    T("submit", "提交", "submit", F({S.DRAFT}), S.SUBMITTED, F({"proposer"})),
    T("withdraw", "撤回", "withdraw", F({S.DRAFT, S.SUBMITTED}), S.WITHDRAWN, F({"proposer"})),
    T("set_publication_consent", "设置是否同意公开", "set consent to publication", LIVE - {S.CLOSED} | {S.DRAFT}, None, F({"proposer"})),
    # Registration review (rule 2)
    T("register", "立案", "register", F({S.SUBMITTED}), S.REGISTERED, F({"assembly_office"}), guard=unnumbered),
    T("return_for_revision", "退回修改", "return for revision", F({S.SUBMITTED}), S.DRAFT, F({"assembly_office"})),
    T("reject", "不予立案", "reject", F({S.SUBMITTED}), S.NOT_REGISTERED, F({"assembly_office"})),
    T("merge", "并案", "merge", F({S.SUBMITTED}), S.MERGED, F({"assembly_office"})),
    T("convert", "转为意见建议", "convert", F({S.SUBMITTED}), S.CONVERTED, F({"assembly_office"})),
    T("request_withdrawal", "申请撤回", "ask to withdraw", F({S.REGISTERED, S.ASSIGNED, S.HANDLING}), None, F({"proposer"}),
      guard=no_withdrawal_request),
    T("decide_withdrawal", "审核撤回申请", "decide on the withdrawal", F({S.REGISTERED, S.ASSIGNED, S.HANDLING}), None, F({"assembly_office"}),
      guard=withdrawal_requested),
    # Assignment and signing (rules 3-4)
    T("assign", "交办", "assign", F({S.REGISTERED}), S.ASSIGNED, F({"gov_office"})),
    T("reassign", "调整交办", "re-assign", OPEN_HANDLING, None, F({"gov_office"})),
    T("sign", "签收", "sign for the item", HANDLED, None, F({"liaison"}), "assignment", pending_assignment),
    T("request_adjustment", "申请调整", "request adjustment", HANDLED, None, F({"liaison"}), "assignment", may_request_adjustment),
    T("decide_adjustment", "审核调整申请", "decide on the adjustment", HANDLED, None, F({"gov_office"}), "assignment",
      lambda item, a: None if a.state == Assignment.State.ADJUSTING else refuse("no_adjustment", "没有待决定的调整申请。", "No adjustment request is pending.")),
    # Consultation and co-handling (rules 5-6)
    # From ASSIGNED too: a unit that has signed meets the proposer while another unit has not signed yet;
    # and after closure, for the visit after handling (办后回访, rule 5).
    T("record_consultation", "记录面商沟通", "record a consultation", HANDLED | {S.CLOSED}, None, F({"liaison"}), "assignment",
      lambda item, a: signed(a)),
    T("send_co_opinion", "提交会办意见", "send the co-handling opinion", OPEN_HANDLING, None, F({"liaison"}), "assignment", co_opinion_open),
    T("grade_co_unit", "评价会办单位", "grade the co-handling unit", AFTER_A_REPLY | {S.CLOSED}, None, F({"lead_liaison"}), "assignment",
      co_gradable),
    T("waive_co_opinion", "豁免会办意见", "waive the co-handling opinion", OPEN_HANDLING, None, F({"gov_office"}), "assignment", waivable),
    # Reply and its approvals (rules 7, 12)
    T("draft_reply", "拟写答复", "draft the reply", OPEN_HANDLING, None, F({"liaison"}), "assignment", may_draft),
    T("convert_reply_type", "转换答复类型", "convert the reply type", AFTER_A_REPLY | {S.CLOSED}, None, F({"liaison"}), "assignment", may_draft_conversion),
    T("submit_reply", "提交审核", "submit the reply for approval", REPLY_STATES, None, F({"liaison"}), "assignment", reply_in(Reply.State.DRAFT)),
    T("approve_reply", "单位领导审核答复", "approve the reply (unit leader)", REPLY_STATES, None, F({"unit_head"}), "assignment", reply_in(Reply.State.PENDING_UNIT)),
    T("return_reply", "单位领导退回答复", "return the reply (unit leader)", REPLY_STATES, None, F({"unit_head"}), "assignment", reply_in(Reply.State.PENDING_UNIT)),
    T("leader_approve_reply", "区领导阅批答复", "approve the reply (district leader)", REPLY_STATES, None, F({"district_leader"}), "assignment", reply_in(Reply.State.PENDING_LEADER)),
    T("leader_return_reply", "区领导退回答复", "return the reply (district leader)", REPLY_STATES, None, F({"district_leader"}), "assignment", reply_in(Reply.State.PENDING_LEADER)),
    T("send_reply", "发出答复", "send the reply", REPLY_STATES, None, F({"liaison"}), "assignment", may_send),
    T("request_extension", "申请延期", "request an extension", OPEN_HANDLING, None, F({"liaison"}), "assignment", may_request_extension),
    T("decide_extension", "审批延期", "decide on the extension", OPEN_HANDLING, None, F({"gov_office"}), "assignment", extension_pending),
    # Feedback and re-handling (rule 9)
    T("give_feedback", "评价答复", "rate the reply", AFTER_A_REPLY, None, F({"proposer"}), guard=reply_awaits_rating),
    T("record_no_feedback", "登记逾期未反馈", "record no feedback", AFTER_A_REPLY, None, F({"gov_office"}), guard=feedback_lapsed),
    T("record_mediation", "记录协调会", "record a mediation meeting", F({S.REHANDLING, S.REPLIED, S.EVALUATED}), None, F({"gov_office", "assembly_office"})),
    # Progress and closure (rules 10-11)
    T("report_progress", "报送办理进展", "report progress", AFTER_A_REPLY, None, F({"liaison"}), "assignment", progress_open),
    T("file_closure_report", "报送办结报告", "file the closure report", AFTER_A_REPLY, None, F({"liaison"}), "assignment", closure_open),
    T("approve_closure_report", "审核办结报告", "approve the closure report", AFTER_A_REPLY, None, F({"unit_head"}), "assignment", closure_pending),
    T("return_closure_report", "退回办结报告", "return the closure report", AFTER_A_REPLY, None, F({"unit_head"}), "assignment", closure_pending),
    T("reopen", "重新打开", "reopen", F({S.CLOSED}), S.EVALUATED, F({"gov_office"})),
    # Publication (rule 13)
    T("decide_publication", "决定是否公开", "decide on publication", AFTER_A_REPLY | {S.CLOSED}, None, F({"gov_office"}), "assignment", decidable),
    T("revoke_publication", "撤销公开", "revoke publication", AFTER_A_REPLY | {S.CLOSED}, None, F({"gov_office"}), "assignment", published),
    # Supervision (rule 14)
    T("mark_key", "设为重点提案", "mark as key item", SUPERVISED, None, F({"gov_office"}), guard=not_key),
    T("unmark_key", "取消重点", "unmark key item", SUPERVISED | {S.CLOSED}, None, F({"gov_office"}), guard=is_key),
    T("give_instruction", "领导批示", "give an instruction", SUPERVISED | {S.CLOSED}, None, F({"key_leader", "portfolio_leader"})),
    T("urge", "催办", "urge the unit", OPEN_HANDLING | {S.REPLIED, S.EVALUATED}, None, F({"gov_office"}), "assignment", urgeable),
    # Communication (rule 15)
    T("post_message", "发送留言", "post a message", LIVE, None, F({"proposer", "cosigner", "unit", "gov_office", "assembly_office"})),
    T("add_attachment", "上传附件", "add an attachment", LIVE | {S.DRAFT}, None, F({"proposer", "unit", "gov_office", "assembly_office"})),
]
TABLE: dict[str, Transition] = {t.action: t for t in TRANSITIONS}
# Rows of an item's history that are not steps of the table: (Chinese, English) for the timeline and the dossier.
OTHER_ACTIONS = {"create_draft": ("起草", "drafted"), "import_item": ("批量导入", "imported")}


def item_relations(actor: Actor, item: Item) -> set[str]:
    """The actor's relations to the item that do not depend on one assignment.
    Reads item.cosigners and item.assignments, which callers prefetch."""
    rel = set()
    if item.proposer_id in actor.person_ids:
        rel.add("proposer")
    if actor.person_ids:
        for c in item.cosigners.all():
            if c.person_id in actor.person_ids:
                if c.state in ("invited", "confirmed"):
                    rel.add("cosigner")
                if c.state == "invited":
                    rel.add("invited_cosigner")
    if item.assembly in actor.assembly_offices:
        rel.add("assembly_office")
    if actor.gov_office:
        rel.add("gov_office")
    if actor.district_leader and item.key_leader_id == actor.user.pk:
        rel.add("key_leader")
    active_units = {a.unit_id for a in item.assignments.all() if a.active}
    if actor.unit_ids & active_units:
        rel.add("unit")
    if actor.liaison_unit_ids & {a.unit_id for a in item.assignments.all() if a.active and a.role == "lead"}:
        rel.add("lead_liaison")
    if actor.district_leader and actor.portfolio_unit_ids & active_units:
        rel.add("portfolio_leader")
    return rel


def assignment_relations(actor: Actor, assignment: Assignment) -> set[str]:
    rel = set()
    if assignment.unit_id in actor.liaison_unit_ids and assignment.active:
        rel.add("liaison")
    if assignment.unit_id in actor.head_unit_ids and assignment.active:
        rel.add("unit_head")
    if actor.district_leader and assignment.unit_id in actor.portfolio_unit_ids:
        rel.add("district_leader")
    return rel


def role_refusal(action: str, actor: Actor, item: Item, assignment: Assignment | None = None) -> BanliError | None:
    """Why the actor has no standing for this action on this item (or unit), or None."""
    t = TABLE[action]
    rel = item_relations(actor, item)
    if t.scope == "assignment":
        if assignment is None:
            return BanliError("invalid", "请指明承办单位的交办记录。", "Name the unit's assignment.", field="assignment")
        rel |= assignment_relations(actor, assignment)
    if not (rel & t.who):
        return forbidden(f"您无权{t.zh}。", f"You may not {t.en}.")
    return None


def refusal(action: str, actor: Actor, item: Item, assignment: Assignment | None = None) -> BanliError | None:
    """Why the actor may not take this action now, or None if they may."""
    t = TABLE[action]
    err = role_refusal(action, actor, item, assignment)
    if err is not None:
        return err
    if item.state not in t.from_states:
        with translation.override("zh-hans"):  # the zh message says the state in Chinese, whatever the request's language
            label = str(ItemState(item.state).label)
        return refuse("wrong_state", f"当前状态为“{label}”，不能{t.zh}。", f"Cannot {t.en} while the item is {STATE_EN[item.state]}.")
    if t.guard is not None:
        return t.guard(item, assignment)
    return None


def check(action: str, actor: Actor, item: Item, assignment: Assignment | None = None) -> None:
    err = refusal(action, actor, item, assignment)
    if err is not None:
        raise err


def available_actions(actor: Actor, item: Item) -> list[dict]:
    """Every action this actor may take on the item now, with the assignment it applies to."""
    out = []
    assignments = [a for a in item.assignments.all() if a.active]
    for t in TRANSITIONS:
        if t.scope == "item":
            if refusal(t.action, actor, item) is None:
                out.append({"action": t.action, "label": t.zh, "label_en": t.en})
        else:
            for a in assignments:
                if refusal(t.action, actor, item, a) is None:
                    out.append({"action": t.action, "label": t.zh, "label_en": t.en, "assignment": a.pk, "unit": a.unit.name})
    return out
