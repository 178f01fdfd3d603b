"""The situation report (情况专报) for a date range: the units with overdue milestones and those
whose replies the proposers rated unsatisfactory or disagreed with, named with their items; and
the practice the proposers commended. Two queries whatever the range.

Overdue: milestones due in the range that were met late or are still open past their date
(the permanent OverdueEvent rows), a late answer to a Q&A question (有问必答, outside any item)
among them, named by the question's subject; with an assembly chosen, a question counts under
the asker's assembly. Unsatisfactory: feedback given in the range with a grade that
sends the item back for re-handling, or "不同意". Commended: feedback in the range with praise."""

from collections import OrderedDict
from datetime import date

from django.db.models import Q

from banli.deadlines.models import OVERDUE_LABEL, OverdueEvent
from banli.errors import invalid
from banli.proposals.models import Feedback


def parse_range(params) -> tuple[date, date]:
    try:
        start = date.fromisoformat(params.get("from") or "")
        end = date.fromisoformat(params.get("to") or "")
    except ValueError:
        raise invalid("from", "请填写起止日期（年-月-日）。", "Give the start and end dates (YYYY-MM-DD).") from None
    if end < start:
        raise invalid("to", "结束日期不能早于开始日期。", "The end date cannot be before the start date.")
    if (end - start).days > 3660:
        raise invalid("to", "时间范围不能超过十年。", "The range cannot exceed ten years.")
    return start, end


def _item(i) -> dict:
    return {"id": i.pk, "number": i.number, "title": i.title, "assembly": i.assembly}


def _late(e) -> dict:
    """An overdue milestone: of an item, or (no item) the answer to a Q&A question."""
    if e.item is not None:
        where = _item(e.item)
    else:
        q = e.deadline.question
        where = {"id": None, "number": None, "title": q.subject if q else "", "assembly": q.asker.assembly if q else None,
                 "question": q.pk if q else None}
    return {**where, "kind": OVERDUE_LABEL.get(e.kind, e.kind), "due_on": e.due_on.isoformat(),
            "done_on": e.done_on.isoformat() if e.done_on else None, "days_late": e.days_late}


def _group(rows, unit_of, entry):
    units = OrderedDict()
    for r in rows:
        u = unit_of(r)
        if u is None:
            continue
        units.setdefault(u.pk, {"id": u.pk, "name": u.name, "entries": []})["entries"].append(entry(r))
    return sorted(units.values(), key=lambda u: (-len(u["entries"]), u["name"]))


def situation(start: date, end: date, assembly: str | None = None) -> dict:
    scope = Q(item__assembly=assembly) if assembly else Q()
    late_scope = (Q(item__assembly=assembly) | Q(item__isnull=True, deadline__question__asker__assembly=assembly)) if assembly else Q()
    # Milestones of the proposer (feedback, co-sign) carry no unit and are not a unit's delay.
    overdue = (OverdueEvent.objects.filter(late_scope, due_on__range=(start, end), unit__isnull=False)
               .select_related("unit", "item", "deadline__question__asker").order_by("unit__name", "due_on", "id"))
    feedback = (Feedback.objects.filter(scope, at__date__range=(start, end), lapsed=False)
                .select_related("item", "grade", "reply__assignment__unit").order_by("at", "id"))
    feedback = list(feedback)
    unhappy = [f for f in feedback if f.agrees is False or (f.grade and f.grade.sends_to_rehandling)]
    praised = [f for f in feedback if f.praise]
    return {
        "from": start.isoformat(), "to": end.isoformat(), "assembly": assembly,
        "overdue": _group(overdue, lambda e: e.unit, _late),
        "unsatisfactory": _group(unhappy, lambda f: f.reply.assignment.unit, lambda f: {
            **_item(f.item), "grade": f.grade.name if f.grade else "", "agrees": f.agrees, "comment": f.comment}),
        "commended": _group(praised, lambda f: f.reply.assignment.unit, lambda f: {
            **_item(f.item), "grade": f.grade.name if f.grade else "", "comment": f.comment}),
    }
