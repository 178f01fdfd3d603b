"""The transition table: every action an item allows, from which states, to which state, who may
take it, and the guard it must pass. Pages show exactly what this table allows; the API refuses
the rest with the table's reason. Action functions call `check` before they write anything."""

from dataclasses import dataclass
from typing import Callable

from django.utils import timezone, translation

from banli.errors import BanliError, forbidden

from .access import Actor
from .models import STATE_EN, Assignment, AssignmentRole, CoOpinion, Item, ItemState, Publication, Reply, has_related

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
# while other units are still handling (or re-handling) the item; the guards ask about the unit.
AFTER_A_REPLY = frozenset({S.HANDLING, S.REHANDLING, S.REPLIED, S.EVALUATED})


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


def _err(code, zh, en):
    return BanliError(code, zh, en, status=409)


# Guards that depend on more than the item's state. They read prefetched relations only.
def _pending_assignment(item, a: Assignment):
    if a.state == Assignment.State.ADJUSTING:
        return _err("adjustment_pending", "调整申请正在等待区府办决定。", "An adjustment request awaits the office's decision.")
    if a.state != Assignment.State.PENDING:
        return _err("already_signed", "该单位已签收。", "This unit has already signed for the item.")
    return None


def _may_request_adjustment(item, a: Assignment):
    err = _pending_assignment(item, a)
    if err:
        return err
    # Rule 4: once the office has refused an adjustment, the unit must sign for the item.
    if any(r.state == "refused" for r in a.adjustments.all()):
        return _err("adjustment_refused", "区府办已不同意调整，请签收办理。", "The office refused the adjustment; sign for the item.")
    return None


def _signed(a: Assignment):
    if a.state != Assignment.State.SIGNED:
        return _err("not_signed", "请先签收。", "Sign for the item first.")
    return None


def _co_opinion_open(item, a: Assignment):
    if a.role != AssignmentRole.CO:
        return _err("not_co_unit", "只有会办单位提出会办意见。", "Only a co-handling unit writes a co-handling opinion.")
    if _has_opinion(a):
        return _err("opinion_exists", "会办意见已提交或已豁免。", "The co-handling opinion is already in or waived.")
    return _signed(a)


def _has_opinion(a: Assignment) -> bool:
    try:
        return a.co_opinion is not None
    except CoOpinion.DoesNotExist:
        return False


def _waivable(item, a: Assignment):
    if a.role != AssignmentRole.CO:
        return _err("not_co_unit", "只有会办单位的意见可以豁免。", "Only a co-handling opinion can be waived.")
    if _has_opinion(a):
        return _err("opinion_exists", "会办意见已提交或已豁免。", "The co-handling opinion is already in or waived.")
    return None


def _owes_reply(item, a: Assignment):
    if not a.answers:
        return _err("not_replying_unit", "会办单位不单独答复，请提出会办意见。", "A co-handling unit sends an opinion, not a reply.")
    if a.replied_round >= a.reply_round:
        return _err("already_replied", "本轮答复已发出。", "This round's reply has already been sent.")
    return _signed(a)


def _may_convert(item, a: Assignment):
    if not a.answers:
        return _err("not_replying_unit", "会办单位不单独答复。", "A co-handling unit does not reply.")
    last = _last_sent_reply(a)
    if last is None or last.reply_type.closure != last.reply_type.Closure.FEEDBACK:
        return _err("not_reference_type", "只有留作参考类答复可以转换类型。", "Only a for-reference reply can be converted.")
    return _unit_rated(a)


def _owes_no_reply(a: Assignment):
    if a.replied_round < a.reply_round:
        return _err("reply_owed", "该单位正在办理答复（或重新办理），答复发出后再办此事项。",
                    "This unit owes a reply (or a second reply); this step comes after it is sent.")
    return None


def _unit_rated(a: Assignment):
    """The unit's reply has been rated (or the window lapsed) and no second reply is owed."""
    err = _owes_no_reply(a)
    if err:
        return err
    r = rated_reply(a)
    if r is not None and not has_related(r, "feedback"):
        return _err("not_rated", "该单位的答复尚待委员/代表评价。", "This unit's reply still awaits the proposer's rating.")
    return None


def rated_reply(a: Assignment) -> Reply | None:
    """The reply the proposer rates: the latest sent one of the current round (a type
    conversion is not rated again)."""
    sent = [r for r in a.replies.all() if r.state == Reply.State.SENT and not r.is_conversion]
    return sent[-1] if sent else None


def awaiting_rating(item) -> list[Reply]:
    """Sent replies of the item's replying units that await the proposer's rating, one per unit."""
    out = []
    for a in item.assignments.all():
        r = rated_reply(a) if a.active and a.answers else None
        if r is not None and not has_related(r, "feedback"):
            out.append(r)
    return out


def _awaiting_rating(item, a=None):
    if not awaiting_rating(item):
        return _err("nothing_to_rate", "没有待评价的答复。", "No reply awaits a rating.")
    return None


def _has_replied(item, a: Assignment):
    if not a.answers:
        return _err("not_replying_unit", "会办单位不单独答复，公开随主办单位答复。", "A co-handling unit's work is published with the lead's reply.")
    if a.replied_round < 1:
        return _err("not_replied", "该单位尚未答复。", "This unit has not replied yet.")
    return None


def _published(item, a: Assignment):
    err = _has_replied(item, a)
    if err is None and a.publication != Publication.PUBLISHED:
        err = _err("not_published", "该答复尚未公开。", "This reply is not published.")
    return err


def _closure_open(item, a: Assignment):
    if not a.answers:
        return _err("not_replying_unit", "会办单位不报送办结报告。", "A co-handling unit files no closure report.")
    if a.closed_at:
        return _err("already_closed", "该单位已办结。", "This unit's handling is already closed.")
    # A for-reference (C) assignment closes on feedback; one still open in "evaluated" was reopened
    # by the office, and a closure report is how it closes again.
    if _last_sent_reply(a) is None:
        return _err("no_reply", "尚未答复，不能报送办结报告。", "No reply has been sent yet.")
    if any(r.state == r.State.PENDING for r in a.closure_reports.all()):
        return _err("report_pending", "办结报告正在审核中。", "A closure report is awaiting approval.")
    return _unit_rated(a)


def _closure_pending(item, a: Assignment):
    if not any(r.state == "pending" for r in a.closure_reports.all()):
        return _err("no_report", "没有待审核的办结报告。", "No closure report awaits approval.")
    return None


def _progress_open(item, a: Assignment):
    if not a.answers or a.closed_at:
        return _err("no_progress_due", "该单位无需报送办理进展。", "This unit has no progress to report.")
    last = _last_sent_reply(a)
    if last is None or not last.reply_type.progress_every_months:
        return _err("no_progress_due", "该答复类型无需报送办理进展。", "This reply type needs no progress updates.")
    return _owes_no_reply(a)


def _last_sent_reply(a: Assignment) -> Reply | None:
    sent = [r for r in a.replies.all() if r.state == Reply.State.SENT]
    return sent[-1] if sent else None


def open_reply(a: Assignment) -> Reply | None:
    """The unit's reply not yet sent (draft or in approval), if any."""
    open_ = [r for r in a.replies.all() if r.state != Reply.State.SENT]
    return open_[-1] if open_ else None


def _reply_in(*states):
    def guard(item, a: Assignment):
        r = open_reply(a)
        if r is None or r.state not in states:
            return _err("no_reply_here", "没有处于此环节的答复。", "No reply is at this step.")
        return None

    return guard


def _draftable(item, a: Assignment):
    r = open_reply(a)
    if r is not None and r.state != Reply.State.DRAFT:
        return _err("reply_in_approval", "答复正在审核中，退回后方可修改。", "The reply is being approved; it can be changed once returned.")
    return None


def _may_draft(item, a: Assignment):
    return _owes_reply(item, a) or _draftable(item, a)


def _may_draft_conversion(item, a: Assignment):
    return _may_convert(item, a) or _draftable(item, a)


def _may_send(item, a: Assignment):
    err = _reply_in(Reply.State.APPROVED)(item, a)
    if err:
        return err
    if a.role == AssignmentRole.LEAD and a.reply_round == 1 and not open_reply(a).is_conversion:
        missing = [c.unit.name for c in item.assignments.all() if c.active and c.role == AssignmentRole.CO and not _has_opinion(c)]
        if missing:
            names = "、".join(missing)
            return _err("co_opinions_missing", f"尚缺会办意见：{names}。收齐或经区府办豁免后方可答复。",
                        f"Co-handling opinions missing from: {names}. They must be in or waived first.")
    if a.answers and a.reply_round == 1 and not open_reply(a).is_conversion:
        # Rule 5, for the lead and for each separate unit, which replies on its own (rule 3).
        met = any(c.unit_id == a.unit_id and c.kind == "before" and c.form in c.FACE_TO_FACE for c in item.consultations.all())
        if not met:
            return _err("no_consultation", "答复前须与委员/代表当面沟通至少一次（办前面商）。",
                        "The unit must meet the proposer face to face before replying.")
    if a.reply_round > 1 and not _contacted_again(item, a):
        return _err("no_second_contact", "重新办理须再次与委员/代表沟通后方可再次答复。",
                    "In re-handling the unit contacts the proposer again before the second reply.")
    return None


def _contacted_again(item, a: Assignment) -> bool:
    """Rule 9: a contact with the proposer on or after the rating that sent the unit back."""
    rated = [r for r in a.replies.all() if r.round == a.reply_round - 1 and not r.is_conversion and has_related(r, "feedback")]
    if not rated:
        return True
    rated_at = rated[-1].feedback.at
    since = timezone.localtime(rated_at).date()
    # Recorded after the rating, and held on or after its day (not an earlier meeting entered late).
    return any(c.unit_id == a.unit_id and c.held_on >= since and c.recorded_at > rated_at for c in item.consultations.all())


def _extension_pending(item, a: Assignment):
    err = _active(item, a)
    if err is None and not any(e.state == "pending" for e in a.extensions.all()):
        err = _err("no_extension", "没有待审批的延期申请。", "No extension request is pending.")
    return err


def _active(item, a: Assignment):
    if not a.active:
        return _err("assignment_ended", "该交办已调整撤出。", "This assignment has ended.")
    return None


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
    T("register", "立案", "register", F({S.SUBMITTED}), S.REGISTERED, F({"assembly_office"})),
    T("return_for_revision", "退回修改", "return for revision", F({S.SUBMITTED}), S.DRAFT, F({"assembly_office"})),
    T("reject", "不予立案", "reject", F({S.SUBMITTED}), S.NOT_REGISTERED, F({"assembly_office"})),
    T("merge", "并案", "merge", F({S.SUBMITTED}), S.MERGED, F({"assembly_office"})),
    T("convert", "转为意见建议", "convert", F({S.SUBMITTED}), S.CONVERTED, F({"assembly_office"})),
    T("request_withdrawal", "申请撤回", "ask to withdraw", F({S.REGISTERED, S.ASSIGNED, S.HANDLING}), None, F({"proposer"})),
    T("decide_withdrawal", "审核撤回申请", "decide on the withdrawal", F({S.REGISTERED, S.ASSIGNED, S.HANDLING}), None, F({"assembly_office"})),
    # Assignment and signing (rules 3-4)
    T("assign", "交办", "assign", F({S.REGISTERED}), S.ASSIGNED, F({"gov_office"})),
    T("reassign", "调整交办", "re-assign", OPEN_HANDLING, None, F({"gov_office"})),
    T("sign", "签收", "sign for the item", HANDLED, None, F({"liaison"}), "assignment", _pending_assignment),
    T("request_adjustment", "申请调整", "request adjustment", HANDLED, None, F({"liaison"}), "assignment", _may_request_adjustment),
    T("decide_adjustment", "审核调整申请", "decide on the adjustment", HANDLED, None, F({"gov_office"}), "assignment",
      lambda item, a: None if a.state == Assignment.State.ADJUSTING else _err("no_adjustment", "没有待决定的调整申请。", "No adjustment request is pending.")),
    # Consultation and co-handling (rules 5-6)
    # From ASSIGNED too: a unit that has signed meets the proposer while another unit has not signed yet;
    # and after closure, for the visit after handling (办后回访, rule 5).
    T("record_consultation", "记录面商沟通", "record a consultation", HANDLED | {S.CLOSED}, None, F({"liaison"}), "assignment",
      lambda item, a: _signed(a)),
    T("send_co_opinion", "提交会办意见", "send the co-handling opinion", OPEN_HANDLING, None, F({"liaison"}), "assignment", _co_opinion_open),
    T("waive_co_opinion", "豁免会办意见", "waive the co-handling opinion", OPEN_HANDLING, None, F({"gov_office"}), "assignment", _waivable),
    # Reply and its approvals (rules 7, 12)
    T("draft_reply", "拟写答复", "draft the reply", OPEN_HANDLING, None, F({"liaison"}), "assignment", _may_draft),
    T("convert_reply_type", "转换答复类型", "convert the reply type", AFTER_A_REPLY | {S.CLOSED}, None, F({"liaison"}), "assignment", _may_draft_conversion),
    T("submit_reply", "提交审核", "submit the reply for approval", REPLY_STATES, None, F({"liaison"}), "assignment", _reply_in(Reply.State.DRAFT)),
    T("approve_reply", "单位领导审核答复", "approve the reply (unit leader)", REPLY_STATES, None, F({"unit_head"}), "assignment", _reply_in(Reply.State.PENDING_UNIT)),
    T("return_reply", "单位领导退回答复", "return the reply (unit leader)", REPLY_STATES, None, F({"unit_head"}), "assignment", _reply_in(Reply.State.PENDING_UNIT)),
    T("leader_approve_reply", "区领导阅批答复", "approve the reply (district leader)", REPLY_STATES, None, F({"district_leader"}), "assignment", _reply_in(Reply.State.PENDING_LEADER)),
    T("leader_return_reply", "区领导退回答复", "return the reply (district leader)", REPLY_STATES, None, F({"district_leader"}), "assignment", _reply_in(Reply.State.PENDING_LEADER)),
    T("send_reply", "发出答复", "send the reply", REPLY_STATES, None, F({"liaison"}), "assignment", _may_send),
    T("request_extension", "申请延期", "request an extension", OPEN_HANDLING, None, F({"liaison"}), "assignment", _owes_reply),
    T("decide_extension", "审批延期", "decide on the extension", OPEN_HANDLING, None, F({"gov_office"}), "assignment", _extension_pending),
    # Feedback and re-handling (rule 9)
    T("give_feedback", "评价答复", "rate the reply", AFTER_A_REPLY, None, F({"proposer"}), guard=_awaiting_rating),
    T("record_no_feedback", "登记逾期未反馈", "record no feedback", AFTER_A_REPLY, None, F({"gov_office"}), guard=_awaiting_rating),
    T("record_mediation", "记录协调会", "record a mediation meeting", F({S.REHANDLING, S.REPLIED, S.EVALUATED}), None, F({"gov_office", "assembly_office"})),
    # Progress and closure (rules 10-11)
    T("report_progress", "报送办理进展", "report progress", AFTER_A_REPLY, None, F({"liaison"}), "assignment", _progress_open),
    T("file_closure_report", "报送办结报告", "file the closure report", AFTER_A_REPLY, None, F({"liaison"}), "assignment", _closure_open),
    T("approve_closure_report", "审核办结报告", "approve the closure report", AFTER_A_REPLY, None, F({"unit_head"}), "assignment", _closure_pending),
    T("return_closure_report", "退回办结报告", "return the closure report", AFTER_A_REPLY, None, F({"unit_head"}), "assignment", _closure_pending),
    T("reopen", "重新打开", "reopen", F({S.CLOSED}), S.EVALUATED, F({"gov_office"})),
    # Publication (rule 13)
    T("decide_publication", "决定是否公开", "decide on publication", AFTER_A_REPLY | {S.CLOSED}, None, F({"gov_office"}), "assignment", _has_replied),
    T("revoke_publication", "撤销公开", "revoke publication", AFTER_A_REPLY | {S.CLOSED}, None, F({"gov_office"}), "assignment", _published),
    # Supervision (rule 14)
    T("mark_key", "设为重点提案", "mark as key item", SUPERVISED, None, F({"gov_office"})),
    T("unmark_key", "取消重点", "unmark key item", SUPERVISED | {S.CLOSED}, None, F({"gov_office"})),
    T("give_instruction", "领导批示", "give an instruction", SUPERVISED | {S.CLOSED}, None, F({"key_leader", "portfolio_leader"})),
    T("urge", "催办", "urge the unit", OPEN_HANDLING | {S.REPLIED, S.EVALUATED}, None, F({"gov_office"}), "assignment", _active),
    # Communication (rule 15)
    T("post_message", "发送留言", "post a message", LIVE, None, F({"proposer", "cosigner", "unit", "gov_office", "assembly_office"})),
    T("add_attachment", "上传附件", "add an attachment", LIVE | {S.DRAFT}, None, F({"proposer", "unit", "gov_office", "assembly_office"})),
]
TABLE: dict[str, Transition] = {t.action: t for t in TRANSITIONS}


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
        return _err("wrong_state", f"当前状态为“{label}”，不能{t.zh}。", f"Cannot {t.en} while the item is {STATE_EN[item.state]}.")
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
