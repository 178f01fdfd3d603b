"""Consultations with the proposer, co-handling opinions, and the lead unit's grade of its
co-handling units (rules 5-6)."""

import datetime

from django.utils import timezone

from banli.org.models import FeedbackGrade
from banli.params import parse_date

from ..models import Consultation, CoOpinion, ItemState, LeadCoGrade
from .audiences import tell
from .common import item_action, begin, invalid, require_text, today


def consultation_window(assignment) -> tuple[datetime.date, datetime.date]:
    """The days a unit's consultation may be dated: from the day the unit was assigned the item
    (its current assignment: a unit re-assigned counts from then) to today. The page's date
    field offers the same range."""
    return timezone.localdate(assignment.assigned_at), today()


@item_action
def record_consultation(user, item_id, *, assignment, kind, form, held_on, participants, proposer_views="") -> Consultation:
    step = begin(user, "record_consultation", item_id, assignment_id=assignment)
    step.check()
    if kind not in Consultation.Kind.values:
        raise invalid("kind", "沟通环节应为办前面商、办中沟通或办后回访。", "Kind must be before, during or after.")
    if step.item.state == ItemState.CLOSED and kind != Consultation.Kind.AFTER:
        raise invalid("kind", "已办结的只能登记办后回访。", "After closure only a follow-up visit (办后回访) can be recorded.")
    if form not in Consultation.Form.values:
        raise invalid("form", "请选择沟通方式。", "Choose a form of contact.")
    held_on = parse_date(held_on, "held_on")
    first, last = consultation_window(step.assignment)
    if held_on < first:
        raise invalid("held_on", f"沟通日期 {held_on:%Y-%m-%d} 早于本单位的交办日期 {first:%Y-%m-%d}：请填写交办以后的日期。",
                      f"The date {held_on:%Y-%m-%d} is before the unit was assigned the item on {first:%Y-%m-%d}: "
                      "give a date on or after the assignment.")
    if held_on > last:
        raise invalid("held_on", f"沟通日期 {held_on:%Y-%m-%d} 晚于今天（{last:%Y-%m-%d}）：不能登记未来日期的沟通。",
                      f"The date {held_on:%Y-%m-%d} is after today ({last:%Y-%m-%d}): a consultation cannot be recorded for a future date.")
    c = Consultation.objects.create(
        item=step.item, unit=step.assignment.unit, kind=kind, form=form, held_on=held_on,
        participants=require_text(participants, "participants", "参加人员", "Participants"),
        proposer_views=(proposer_views or "").strip(), recorded_by=user,
    )
    step.audit(target=c, after={"kind": kind, "form": form, "held_on": held_on, "unit": c.unit_id})
    return c


def _lead_units(item):
    return [a.unit for a in item.assignments.all() if a.active and a.answers]


@item_action
def send_co_opinion(user, item_id, *, assignment, text) -> CoOpinion:
    step = begin(user, "send_co_opinion", item_id, assignment_id=assignment)
    step.check()
    op = CoOpinion.objects.create(assignment=step.assignment, text=require_text(text, "text", "会办意见", "The opinion"), by=user)
    step.audit(target=op, after={"unit": step.assignment.unit_id})
    tell(step, "send_co_opinion", f"{step.assignment.unit.name}已提交会办意见：{step.item.title}", units=_lead_units(step.item))
    return op


@item_action
def waive_co_opinion(user, item_id, *, assignment, reason) -> CoOpinion:
    step = begin(user, "waive_co_opinion", item_id, assignment_id=assignment)
    step.check()
    op = CoOpinion.objects.create(assignment=step.assignment, waived=True, waiver_reason=require_text(reason, "reason", "豁免理由", "A reason"), by=user)
    step.audit(target=op, after={"waived": True, "unit": step.assignment.unit_id}, note=op.waiver_reason)
    tell(step, "waive_co_opinion", f"区府办已豁免{step.assignment.unit.name}的会办意见：{step.item.title}",
         units=_lead_units(step.item) + [step.assignment.unit])
    return op


@item_action
def grade_co_unit(user, item_id, *, assignment, grade, comment="") -> LeadCoGrade:
    """The lead unit's liaison grades a co-handling unit's work on the item; a later grade
    replaces it (both stay, the latest counts); the same grade and comment again is refused."""
    step = begin(user, "grade_co_unit", item_id, assignment_id=assignment)
    step.check()
    g = FeedbackGrade.objects.filter(code=grade).first()
    if g is None:
        raise invalid("grade", "请选择评价等次。", "Choose a grade.")
    comment = (comment or "").strip()
    last = LeadCoGrade.objects.filter(assignment=step.assignment).order_by("-id").first()
    if last is not None and last.grade_id == g.pk and last.comment == comment:
        raise invalid("grade", f"评价未改变：此前已评为“{g.name}”。", f"Nothing changed: the unit was already graded {g.name_en or g.code}.")
    lg = LeadCoGrade.objects.create(assignment=step.assignment, grade=g, comment=comment, by=user)
    step.audit(target=lg, before={"grade": last.grade.code} if last else None, after={"unit": step.assignment.unit_id, "grade": g.code})
    tell(step, "grade_co_unit", f"主办单位对贵单位的会办工作评价为“{g.name}”：{step.item.title}", units=[step.assignment.unit])
    return lg
