"""The guards of the transition table (workflow.py): what each step needs beyond the item's
state, asked of one item and, for a unit's step, its assignment. They read prefetched relations
only, so the table answers the pages, the API and the actions without a query per question."""

from django.utils import timezone

from banli.errors import BanliError

from .models import Assignment, AssignmentRole, Publication, Reply, has_related


def refuse(code, zh, en):
    return BanliError(code, zh, en, status=409)


# Guards that depend on more than the item's state. They read prefetched relations only.
def pending_assignment(item, a: Assignment):
    if a.state == Assignment.State.ADJUSTING:
        return refuse("adjustment_pending", "调整申请正在等待区府办决定。", "An adjustment request awaits the office's decision.")
    if a.state != Assignment.State.PENDING:
        return refuse("already_signed", "该单位已签收。", "This unit has already signed for the item.")
    return None


def may_request_adjustment(item, a: Assignment):
    err = pending_assignment(item, a)
    if err:
        return err
    # Rule 4: once the office has refused an adjustment, the unit must sign for the item.
    if any(r.state == "refused" for r in a.adjustments.all()):
        return refuse("adjustment_refused", "区府办已不同意调整，请签收办理。", "The office refused the adjustment; sign for the item.")
    return None


def signed(a: Assignment):
    if a.state != Assignment.State.SIGNED:
        return refuse("not_signed", "请先签收。", "Sign for the item first.")
    return None


def co_opinion_open(item, a: Assignment):
    if a.role != AssignmentRole.CO:
        return refuse("not_co_unit", "只有会办单位提出会办意见。", "Only a co-handling unit writes a co-handling opinion.")
    if has_opinion(a):
        return refuse("opinion_exists", "会办意见已提交或已豁免。", "The co-handling opinion is already in or waived.")
    return signed(a)


def has_opinion(a: Assignment) -> bool:
    return has_related(a, "co_opinion")


def waivable(item, a: Assignment):
    if a.role != AssignmentRole.CO:
        return refuse("not_co_unit", "只有会办单位的意见可以豁免。", "Only a co-handling opinion can be waived.")
    if has_opinion(a):
        return refuse("opinion_exists", "会办意见已提交或已豁免。", "The co-handling opinion is already in or waived.")
    return None


def owes_reply(item, a: Assignment):
    if not a.answers:
        return refuse("not_replying_unit", "会办单位不单独答复，请提出会办意见。", "A co-handling unit sends an opinion, not a reply.")
    if a.replied_round >= a.reply_round:
        return refuse("already_replied", "本轮答复已发出。", "This round's reply has already been sent.")
    return signed(a)


def may_convert(item, a: Assignment):
    if not a.answers:
        return refuse("not_replying_unit", "会办单位不单独答复。", "A co-handling unit does not reply.")
    last = last_sent_reply(a)
    if last is None or last.reply_type.closure != last.reply_type.Closure.FEEDBACK:
        return refuse("not_reference_type", "只有留作参考类答复可以转换类型。", "Only a for-reference reply can be converted.")
    return unit_rated(a)


def owes_no_reply(a: Assignment):
    if a.replied_round < a.reply_round:
        return refuse("reply_owed", "该单位正在办理答复（或重新办理），答复发出后再办此事项。",
                    "This unit owes a reply (or a second reply); this step comes after it is sent.")
    return None


def unit_rated(a: Assignment):
    """The unit's reply has been rated (or the window lapsed) and no second reply is owed."""
    err = owes_no_reply(a)
    if err:
        return err
    r = rated_reply(a)
    if r is not None and not has_related(r, "feedback"):
        return refuse("not_rated", "该单位的答复尚待委员/代表评价。", "This unit's reply still awaits the proposer's rating.")
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


def reply_awaits_rating(item, a=None):
    if not awaiting_rating(item):
        return refuse("nothing_to_rate", "没有待评价的答复。", "No reply awaits a rating.")
    return None


def has_replied(item, a: Assignment):
    if not a.answers:
        return refuse("not_replying_unit", "会办单位不单独答复，公开随主办单位答复。", "A co-handling unit's work is published with the lead's reply.")
    if a.replied_round < 1:
        return refuse("not_replied", "该单位尚未答复。", "This unit has not replied yet.")
    return None


def published(item, a: Assignment):
    err = has_replied(item, a)
    if err is None and a.publication != Publication.PUBLISHED:
        err = refuse("not_published", "该答复尚未公开。", "This reply is not published.")
    return err


def closure_open(item, a: Assignment):
    if not a.answers:
        return refuse("not_replying_unit", "会办单位不报送办结报告。", "A co-handling unit files no closure report.")
    if a.closed_at:
        return refuse("already_closed", "该单位已办结。", "This unit's handling is already closed.")
    # A for-reference (C) assignment closes on feedback; one still open in "evaluated" was reopened
    # by the office, and a closure report is how it closes again.
    if last_sent_reply(a) is None:
        return refuse("no_reply", "尚未答复，不能报送办结报告。", "No reply has been sent yet.")
    if any(r.state == r.State.PENDING for r in a.closure_reports.all()):
        return refuse("report_pending", "办结报告正在审核中。", "A closure report is awaiting approval.")
    return unit_rated(a)


def closure_pending(item, a: Assignment):
    if not any(r.state == "pending" for r in a.closure_reports.all()):
        return refuse("no_report", "没有待审核的办结报告。", "No closure report awaits approval.")
    return None


def progress_open(item, a: Assignment):
    if not a.answers or a.closed_at:
        return refuse("no_progress_due", "该单位无需报送办理进展。", "This unit has no progress to report.")
    last = last_sent_reply(a)
    if last is None or not last.reply_type.progress_every_months:
        return refuse("no_progress_due", "该答复类型无需报送办理进展。", "This reply type needs no progress updates.")
    return owes_no_reply(a)


def last_sent_reply(a: Assignment) -> Reply | None:
    sent = [r for r in a.replies.all() if r.state == Reply.State.SENT]
    return sent[-1] if sent else None


def open_reply(a: Assignment) -> Reply | None:
    """The unit's reply not yet sent (draft or in approval), if any."""
    open_ = [r for r in a.replies.all() if r.state != Reply.State.SENT]
    return open_[-1] if open_ else None


def reply_in(*states):
    def guard(item, a: Assignment):
        r = open_reply(a)
        if r is None or r.state not in states:
            return refuse("no_reply_here", "没有处于此环节的答复。", "No reply is at this step.")
        return None

    return guard


def draftable(item, a: Assignment):
    r = open_reply(a)
    if r is not None and r.state != Reply.State.DRAFT:
        return refuse("reply_in_approval", "答复正在审核中，退回后方可修改。", "The reply is being approved; it can be changed once returned.")
    return None


def may_draft(item, a: Assignment):
    return owes_reply(item, a) or draftable(item, a)


def may_draft_conversion(item, a: Assignment):
    return may_convert(item, a) or draftable(item, a)


def may_send(item, a: Assignment):
    err = reply_in(Reply.State.APPROVED)(item, a)
    if err:
        return err
    if a.role == AssignmentRole.LEAD and a.reply_round == 1 and not open_reply(a).is_conversion:
        missing = [c.unit.name for c in item.assignments.all() if c.active and c.role == AssignmentRole.CO and not has_opinion(c)]
        if missing:
            names = "、".join(missing)
            return refuse("co_opinions_missing", f"尚缺会办意见：{names}。收齐或经区府办豁免后方可答复。",
                        f"Co-handling opinions missing from: {names}. They must be in or waived first.")
    if a.answers and a.reply_round == 1 and not open_reply(a).is_conversion:
        # Rule 5, for the lead and for each separate unit, which replies on its own (rule 3).
        met = any(c.unit_id == a.unit_id and c.kind == "before" and c.form in c.FACE_TO_FACE for c in item.consultations.all())
        if not met:
            return refuse("no_consultation", "答复前须与委员/代表当面沟通至少一次（办前面商）。",
                        "The unit must meet the proposer face to face before replying.")
    if a.reply_round > 1 and not contacted_again(item, a):
        return refuse("no_second_contact", "重新办理须再次与委员/代表沟通后方可再次答复。",
                    "In re-handling the unit contacts the proposer again before the second reply.")
    return None


def contacted_again(item, a: Assignment) -> bool:
    """Rule 9: a contact with the proposer on or after the rating that sent the unit back."""
    rated = [r for r in a.replies.all() if r.round == a.reply_round - 1 and not r.is_conversion and has_related(r, "feedback")]
    if not rated:
        return True
    rated_at = rated[-1].feedback.at
    since = timezone.localtime(rated_at).date()
    # Recorded after the rating, and held on or after its day (not an earlier meeting entered late).
    return any(c.unit_id == a.unit_id and c.held_on >= since and c.recorded_at > rated_at for c in item.consultations.all())


def extension_pending(item, a: Assignment):
    err = assignment_active(item, a)
    if err is None and not any(e.state == "pending" for e in a.extensions.all()):
        err = refuse("no_extension", "没有待审批的延期申请。", "No extension request is pending.")
    return err


def assignment_active(item, a: Assignment):
    if not a.active:
        return refuse("assignment_ended", "该交办已调整撤出。", "This assignment has ended.")
    return None


def may_request_extension(item, a: Assignment):
    err = owes_reply(item, a)
    if err is None and any(e.state == "pending" for e in a.extensions.all()):
        err = refuse("extension_pending", "延期申请已提交，正等待区府办审批。", "An extension request already awaits the office's decision.")
    return err


def urgeable(item, a: Assignment):
    """Rule 14: the office urges a unit that is late or owes a step; one whose part is done owes nothing."""
    err = assignment_active(item, a)
    if err is None and a.closed_at:
        err = refuse("nothing_to_urge", "该单位已办结，无需催办。", "This unit's handling is closed; there is nothing to urge.")
    if err is None and a.role == AssignmentRole.CO and a.state == Assignment.State.SIGNED and has_opinion(a):
        err = refuse("nothing_to_urge", "该会办单位已提交会办意见（或已豁免），无需催办。",
                     "This co-handling unit's opinion is in (or waived); there is nothing to urge.")
    return err


# Item-level guards (the table passes no assignment). They read the item's own fields, or
# relations the pages and the actions load anyway.
def not_key(item, a=None):
    if item.is_key:
        return refuse("already_key", "该件已是重点提案/建议。如需更换牵头督办领导，请先取消重点。",
                      "This is already a key item. To change its supervising leader, unmark it first.")
    return None


def is_key(item, a=None):
    if not item.is_key:
        return refuse("not_key", "该件不是重点提案/建议。", "This is not a key item.")
    return None


def unnumbered(item, a=None):
    # An item keeps its number for good: registering it again would number it twice.
    if item.number:
        return refuse("already_registered", "该件已立案编号。", "This item has already been registered and numbered.")
    return None


def no_withdrawal_request(item, a=None):
    if item.withdrawal_requested:
        return refuse("withdrawal_pending", "撤回申请已提交，正在等待审核。", "A withdrawal request already awaits a decision.")
    return None


def withdrawal_requested(item, a=None):
    if not item.withdrawal_requested:
        return refuse("no_withdrawal_request", "没有待审核的撤回申请。", "No withdrawal request is pending.")
    return None


def decidable(item, a: Assignment):
    """What the office can still decide: an undecided reply either way; a withheld or revoked one
    only to publish it, which needs the proposer's consent; a published one is revoked instead."""
    err = has_replied(item, a)
    if err is None and a.publication == Publication.PUBLISHED:
        err = refuse("already_published", "该答复已公开。如需撤回，请撤销公开。", "This reply is already published; to take it down, revoke the publication.")
    if err is None and a.publication != Publication.UNDECIDED and item.consent_publish is not True:
        err = refuse("already_decided", "该答复已决定不公开；委员/代表未同意公开，不能改为公开。",
                     "This reply is not published, and without the proposer's consent it cannot be published.")
    return err


def feedback_lapsed(item, a=None):
    """Rule 9: "no feedback" is recorded once a reply's feedback window is over. The window is the
    reply's feedback deadline row (banli.deadlines keys it feedback:<reply id>): late, or open
    past its due day when no scan or step has marked it yet. Reads item.deadlines, which the item
    page prefetches (an action reads it once)."""
    err = reply_awaits_rating(item)
    if err:
        return err
    if lapsed_replies(item):
        return None
    return refuse("feedback_window_open", "委员/代表的反馈期限尚未届满。", "The proposer's feedback window has not ended yet.")


def lapsed_replies(item) -> list:
    """The replies awaiting a rating whose feedback window is over: the ones "no feedback" may be
    recorded for (the item page offers one form each)."""
    today = timezone.localdate()
    rows = {d.key: d for d in item.deadlines.all()}
    out = []
    for r in awaiting_rating(item):
        d = rows.get(f"feedback:{r.pk}")
        if d is not None and (d.state == "late" or (d.state == "open" and d.due_on < today)):
            out.append(r)
    return out


def co_gradable(item, a: Assignment):
    """The lead unit grades a co-handling unit once the lead's reply is out (it has seen the work)."""
    if a.role != AssignmentRole.CO:
        return refuse("not_co_unit", "只能评价会办单位。", "Only a co-handling unit is graded by the lead unit.")
    if not any(x.active and x.role == AssignmentRole.LEAD and x.replied_round >= 1 for x in item.assignments.all()):
        return refuse("lead_not_replied", "主办单位答复发出后才能评价会办单位。", "The lead unit grades co-handling units after its reply is sent.")
    return None
