"""The proposer's rating, "no feedback" when the window lapses, re-handling and mediation (rule 9)."""


from banli.org.models import FeedbackGrade, SessionPolicy
from banli.params import parse_date

from ..guards import refuse
from ..models import CoUnitGrade, Feedback, Mediation, Reply
from .audiences import tell
from .common import item_action, begin, system_step, invalid, require_text, today
from ..workflow import rated_reply
from .settle import settle_item


def _awaiting(step, reply_id) -> Reply:
    """The sent reply awaiting the proposer's rating."""
    for a in step.item.assignments.all():
        r = rated_reply(a) if a.active and a.answers else None
        if r is not None and str(r.pk) == str(reply_id):
            return a, r
    raise invalid("reply_id", "没有待评价的这份答复。", "That reply is not awaiting a rating.")


def _after_feedback(step, a, reply, fb):
    """A first-round reply rated 不同意 or a grade that triggers it goes to re-handling; a type
    closed on feedback closes now."""
    rehandle = not fb.lapsed and reply.round == 1 and (fb.agrees is False or fb.grade.sends_to_rehandling)
    if rehandle:
        a.reply_round = 2
        a.save(update_fields=["reply_round"])
        tell(step, "rehandling", f"委员/代表不满意，请重新办理并再次答复：{step.item.title}", units=[a.unit])
    elif reply.reply_type.closure == reply.reply_type.Closure.FEEDBACK:
        from .common import now

        a.closed_at = now()
        a.save(update_fields=["closed_at"])
    return settle_item(step.item)


@item_action
def give_feedback(user, item_id, *, reply_id, grade, agrees: bool, comment="", praise=False, co_grades=None) -> Feedback:
    step = begin(user, "give_feedback", item_id)
    if Feedback.objects.filter(reply_id=reply_id, item=step.item).exists():
        raise refuse("already_rated", "这份答复已评价。", "This reply has already been rated.")
    step.check()
    a, reply = _awaiting(step, reply_id)
    g = FeedbackGrade.objects.filter(code=grade).first()
    if g is None:
        raise invalid("grade", "请选择满意度等次。", "Choose a grade.")
    if agrees not in (True, False):
        raise invalid("agrees", "请选择是否同意答复。", "Say whether you agree with the reply.")
    co_units = {c.unit_id for c in step.item.assignments.all() if c.active and c.role == "co"}
    try:
        co_grades = {int(k): v for k, v in (co_grades or {}).items()}
    except (TypeError, ValueError):
        raise invalid("co_grades", "会办单位评价应以单位编号为键。", "Co-handling grades are keyed by unit id.") from None
    if set(co_grades) - co_units:
        raise invalid("co_grades", "只能评价本件的会办单位。", "Only this item's co-handling units can be graded.")
    grades = {x.code: x for x in FeedbackGrade.objects.filter(code__in=co_grades.values())}
    if len(grades) != len(set(co_grades.values())):
        raise invalid("co_grades", "会办单位评价等次无效。", "Invalid grade for a co-handling unit.")
    fb = Feedback.objects.create(reply=reply, item=step.item, grade=g, agrees=agrees, comment=(comment or "").strip(), praise=bool(praise), by=user)
    CoUnitGrade.objects.bulk_create([CoUnitGrade(feedback=fb, unit_id=u, grade=grades[c]) for u, c in co_grades.items()])
    before = step.item.state
    state = _after_feedback(step, a, reply, fb)
    step.audit(target=fb, before={"state": before}, after={"state": state, "grade": g.code, "agrees": agrees, "praise": fb.praise, "co_grades": co_grades})
    return fb


@item_action
def record_no_feedback(user, item_id, *, reply_id, on=None) -> Feedback:
    """After the feedback window: record that none came. Never a made-up grade. user None: the
    daily scan records it after asking again (banli.deadlines.scan), as of its own date `on`, so
    that `run_scan --date` works for any day; the office records it as of today."""
    if on is not None and user is not None:
        raise ValueError("only the system's step takes a date; the office records no feedback as of today")
    day = on or today()
    step = begin(user, "record_no_feedback", item_id) if user is not None else system_step("record_no_feedback", item_id)
    if Feedback.objects.filter(reply_id=reply_id, item=step.item).exists():
        raise refuse("already_rated", "这份答复已有评价或已登记逾期未反馈。", "This reply has already been rated, or recorded as not rated.")
    step.check()
    a, reply = _awaiting(step, reply_id)
    policy = SessionPolicy.for_session(step.item.session)
    window_end = policy.due("feedback", reply.sent_at)
    if day <= window_end:
        raise invalid("reply_id", f"反馈期限至{window_end}，尚未届满。", f"The feedback window runs until {window_end}.")
    fb = Feedback.objects.create(reply=reply, item=step.item, lapsed=True, by=user)
    before = step.item.state
    state = _after_feedback(step, a, reply, fb)
    step.audit(target=fb, before={"state": before}, after={"state": state, "lapsed": True, "as_of": day.isoformat()})
    return fb


@item_action
def record_mediation(user, item_id, *, held_on, participants, outcome) -> Mediation:
    step = begin(user, "record_mediation", item_id)
    step.check()
    held_on = parse_date(held_on, "held_on")
    if held_on > today():
        raise invalid("held_on", "不能登记未来日期的协调会。", "A meeting cannot be recorded for a future date.")
    m = Mediation.objects.create(
        item=step.item, held_on=held_on, participants=require_text(participants, "participants", "参加人员", "Participants"),
        outcome=require_text(outcome, "outcome", "协调结果", "The outcome"), by=user,
    )
    step.audit(target=m, after={"held_on": held_on})
    return m
