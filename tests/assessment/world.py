"""A small year whose assessment is worked out by hand (test_scores.py holds the arithmetic).
Built through the actions, today, in the current CPPCC session; lateness is made the way it
happens: the dates a milestone is due by are moved back (the reply due date, the day of the
assignment) as if the time had passed, before the step is taken.

    w1  lead_unit leads, co_unit co-handles. Signed, met, co-opinion sent, A reply on time; the
        lead also calls during and visits after (all three contacts). Rated 好 (100), agrees,
        praises the lead; grades co_unit 较好 (85). The lead grades co_unit 好 (100).
    w2  lead_unit alone. Its reply deadline passes 3 working days before the B reply is sent
        (one overdue event, 超期答复). Rated 较好 (85), agrees.
    w3  lead_unit and spare_unit separately (分办). spare_unit's assignment was made a month ago
        and it signs only now (超期接收). lead_unit replies A, rated 好, agrees; spare_unit replies C, rated 一般 (70), agrees.
    w4  spare_unit leads. It asks for an adjustment, which the office refuses; then it signs; the
        office urges it once. No reply yet.

spare_unit changed its liaison twice this year (once more than allowed). outsider_unit has no
item this year, so it is not assessed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from banli.deadlines.sync import sync_item
from banli.org.models import UnitLiaison
from banli.proposals import actions
from banli.proposals.models import Assignment, Reply
from banli.workdays.calendar import add_working_days, working_days_between
from tests.builders import active_assignments, consult, fresh, lead_assignment, make_item, rate, reply, sign_all


@dataclass
class AssessmentWorld:
    world: object
    items: dict
    year: int


def _reply_due_passed(assignment, working_days: int) -> None:
    """The unit's reply was due `working_days` working days ago (as if the time had passed): the
    latest due date with exactly that many working days after it up to today. Counting back from
    today itself (add_working_days) gives one day fewer on a weekend or a holiday, when today is
    not a working day: the hand-worked figures then failed on Saturdays (Asia/Shanghai)."""
    today = timezone.localdate()
    due = add_working_days(today, -working_days)
    while working_days_between(due + datetime.timedelta(days=1), today) >= working_days:
        due += datetime.timedelta(days=1)
    while working_days_between(due, today) < working_days:
        due -= datetime.timedelta(days=1)
    assert working_days_between(due, today) == working_days
    Assignment.objects.filter(pk=assignment.pk).update(reply_due=due)
    sync_item(assignment.item_id)


def _assigned_long_ago(assignment) -> None:
    """The assignment was made a month ago: its signing is late by now."""
    Assignment.objects.filter(pk=assignment.pk).update(assigned_at=F("assigned_at") - datetime.timedelta(days=30))
    sync_item(assignment.item_id)


def build_assessment_world(world) -> AssessmentWorld:
    W = world
    L, C, S = W.lead_unit, W.co_unit, W.spare_unit
    items = {}

    w1 = make_item(W, "replied", co=True, title="关于加装电梯的建议")
    a1 = lead_assignment(w1)
    consult(W, w1, a1, kind="during", form="phone")
    consult(W, w1, a1, kind="after", form="visit")
    rate(W, w1, grade="good", agrees=True, praise=True, co_grades={str(C.pk): "fair"})
    co1 = next(a for a in active_assignments(w1) if a.unit_id == C.pk)
    actions.grade_co_unit(W.lead_liaison, w1.pk, assignment=co1.pk, grade="good", comment="配合积极")
    items["w1"] = fresh(w1)

    w2 = make_item(W, "handling", co=False, title="关于停车难的建议")
    a2 = lead_assignment(w2)
    consult(W, w2, a2)
    _reply_due_passed(a2, 3)
    reply(W, w2, a2, "B")
    rate(W, w2, grade="fair", agrees=True)
    items["w2"] = fresh(w2)

    w3 = make_item(W, "assigned", separate=True, title="关于社区养老的建议")
    pair = {a.unit_id: a for a in active_assignments(w3)}
    _assigned_long_ago(pair[S.pk])
    sign_all(W, w3)
    r_lead = reply(W, w3, pair[L.pk], "A")
    r_spare = reply(W, w3, pair[S.pk], "C")
    rate(W, w3, grade="good", agrees=True, reply=r_lead)
    rate(W, w3, grade="average", agrees=True, reply=Reply.objects.get(pk=r_spare.pk))
    items["w3"] = fresh(w3)

    w4 = make_item(W, "registered", title="关于河道整治的建议")
    (a4,) = actions.assign(W.gov_office, w4.pk, lead=S.pk, note="请按时办理")
    actions.request_adjustment(W.spare_liaison, w4.pk, assignment=a4.pk, reason="不属本单位职责", suggested_unit_id=L.pk)
    actions.decide_adjustment(W.gov_office, w4.pk, assignment=a4.pk, approve=False, note="属于你单位职责，请办理")
    actions.sign(W.spare_liaison, w4.pk, assignment=a4.pk)
    actions.urge(W.gov_office, w4.pk, assignment=a4.pk, text="请抓紧办理")
    items["w4"] = fresh(w4)

    year = timezone.localdate().year
    # spare_unit's liaisons this year: the old one until February, another from March to May,
    # the old one again from June (two changes, one more than allowed).
    first = UnitLiaison.objects.get(unit=S, user=W.spare_liaison)
    first.ended_on = datetime.date(year, 2, 28)
    first.save()
    UnitLiaison.objects.create(unit=S, user=W.outsider_liaison, started_on=datetime.date(year, 3, 1), ended_on=datetime.date(year, 5, 31))
    UnitLiaison.objects.create(unit=S, user=W.spare_liaison, started_on=datetime.date(year, 6, 1))
    return AssessmentWorld(world=W, items=items, year=year)
