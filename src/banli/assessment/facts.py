"""The records a year's assessment reads, loaded once per computation: one query per kind of
record, whatever the number of units or items (for one unit's page, the same queries narrowed
to it). The metrics (metrics.py) turn these rows into figures; nothing here scores.

The year's items are those of the sessions of that year, in both assemblies, registered by the
day the assessment is computed as of and not since rejected, merged, converted or withdrawn (the
reports' rule, reports/asof.py). What happened to them counts as the records stood at the end of
that day: deadlines met or past due by then, the reply and the rating in force then, overdue
events recorded by then. Q&A is not about an item: questions asked in the year count; liaison
changes count by the day the new liaison started."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from banli.deadlines.models import Deadline, Milestone, OverdueEvent
from banli.org.models import WORDING, FeedbackGrade, Unit, UnitLiaison
from banli.proposals.models import (
    AdjustmentRequest, Assignment, CoUnitGrade, Feedback, Item, LeadCoGrade, Message, Question, Reply, Side, UrgeNotice,
)
from banli.reports import asof

from .models import Entry, Scheme, SelfAssessment

# Milestones whose on-time share can be scored (the unit's own steps).
TIMED = (Milestone.SIGN, Milestone.CONSULT, Milestone.CO_OPINION, Milestone.REPLY, Milestone.SECOND_REPLY, Milestone.PROGRESS)


def year_items(year: int, at: asof.AsOf, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}session__year": year, f"{prefix}registered_at__lt": at.end})
            & ~Q(**{f"{prefix}state__in": asof.NOT_RECEIVED}))


@dataclass
class Facts:
    year: int
    at: asof.AsOf
    units: dict = field(default_factory=dict)  # unit id -> (name, position in the office's order)
    items: dict = field(default_factory=dict)  # item id -> label (提案第0012号 标题)
    assignments: list = field(default_factory=list)  # (id, unit, item, role, contact bits)
    deadlines: list = field(default_factory=list)  # (id, unit, assignment, role, item, kind, due, met, days late)
    overdue: list = field(default_factory=list)  # (id, unit, item, kind, days late, due, question)
    replies: list = field(default_factory=list)  # replies in force: (reply, unit, assignment, role, item, type code)
    ratings: list = field(default_factory=list)  # (feedback, unit, assignment, role, item, score|None, agrees, praise, in force)
    co_grades: dict = field(default_factory=dict)  # (unit, item) -> (feedback, score): the proposer's grade in force
    lead_grades: dict = field(default_factory=dict)  # co assignment -> (grade row, score): the lead unit's grade in force
    messages: list = field(default_factory=list)  # (id, unit, item, hours to answer)
    questions: list = field(default_factory=list)  # (id, unit, hours to answer)
    urges: list = field(default_factory=list)  # (id, unit, item)
    refused_adjustments: list = field(default_factory=list)  # (id, unit, item)
    liaison_changes: dict = field(default_factory=lambda: defaultdict(list))  # unit -> [(row, started, name)]
    entries: list = field(default_factory=list)  # Entry rows in force
    self_assessments: dict = field(default_factory=dict)  # unit -> (id, submitted_at)
    max_score: float = 100.0
    roles: dict = field(default_factory=dict)  # assignment -> role
    by_kind: dict = field(default_factory=lambda: defaultdict(list))  # kind -> its deadlines, in their order

    def deadlines_of(self, kinds) -> list:
        """The deadlines of these kinds, in the order of f.deadlines."""
        if len(kinds) == 1:
            return self.by_kind.get(next(iter(kinds)), [])
        return [d for d in self.deadlines if d[5] in kinds]


def _hours(start, end) -> float:
    return (end - start).total_seconds() / 3600


def _first(row):
    return row[0]


def load(scheme: Scheme, at: asof.AsOf, unit_id: int | None = None) -> Facts:
    """Every record the scheme's year needs, for all units or for one (unit_id).

    Each query reaches the year's items through one subquery of their ids (so the database starts
    from the year's items, not from a scan of every year's records in the order of some index),
    and asks for no order: the rows are put in the models' own order here, so that the records
    behind each figure are listed as they always were."""
    year = scheme.year
    f = Facts(year=year, at=at)
    one = (lambda field_: Q(**{field_: unit_id})) if unit_id else (lambda field_: Q())
    year_ids = Item.objects.filter(year_items(year, at)).values("pk")
    items = Q(item__in=year_ids)

    rows = (Assignment.objects.filter(items, asof.active_by(at), one("unit_id"))
            .annotate(contacts=asof.contacts_made(at, by_unit=True))
            .values_list("id", "unit_id", "item_id", "role", "contacts", "item__assembly", "item__number", "item__title").order_by())
    for a_id, unit, item, role, contacts, assembly, number, title in sorted(rows, key=_first):
        f.assignments.append((a_id, unit, item, role, contacts))
        f.roles[a_id] = role
        f.items[item] = f"{WORDING[assembly]['item']}第{number or 0:04d}号 {title}"
    unit_ids = {a[1] for a in f.assignments}
    order = Unit.objects.filter(pk__in=unit_ids).order_by("kind", "name").values_list("pk", "name")
    f.units = {pk: (name, i) for i, (pk, name) in enumerate(order)}

    # Deadlines met by then, or past due by then and not met (late whether or not the scan has run).
    # Their working days late, where one went past due, from the year's overdue events (a few
    # hundred rows, cheaper than joining each of the year's deadlines to its event).
    late = dict(OverdueEvent.objects.filter(deadline__item__in=year_ids, deadline__kind__in=TIMED).values_list("deadline_id", "days_late")
                .order_by())
    met = Q(state=Deadline.State.MET, met_on__lte=at.day)
    rows = (Deadline.objects.filter(items, one("unit_id"), kind__in=TIMED, assignment__isnull=False)
            .exclude(state=Deadline.State.WAIVED).filter(met | Q(due_on__lt=at.day))
            .values_list("id", "unit_id", "assignment_id", "assignment__role", "item_id", "kind", "due_on", "met_on", "state").order_by())
    for row in sorted(rows, key=lambda d: (d[6], d[0])):  # Deadline's order: due_on, id
        d_id, unit, a_id, role, item, kind, due, met_on, state = row
        if state != Deadline.State.MET or met_on > at.day:
            met_on = None  # not met by then
        f.deadlines.append(d := (d_id, unit, a_id, role, item, kind, due, met_on, late.get(d_id) or 0))
        f.by_kind[kind].append(d)

    # Overdue events recorded by then: the year's items', and those of questions asked in the year.
    question_year = Q(deadline__question__asked_at__year=year, item__isnull=True)
    rows = (OverdueEvent.objects.filter(items | question_year, one("unit_id"), unit__isnull=False, recorded_at__lt=at.end)
            .values_list("id", "unit_id", "item_id", "kind", "days_late", "due_on", "deadline__question_id").order_by())
    f.overdue = sorted(rows, key=lambda e: (-e[5].toordinal(), e[0]))  # OverdueEvent's order: -due_on, id

    # The reply in force per assignment: the last one sent by then (a type conversion included).
    later = Reply.objects.filter(asof.sent_by(at), assignment=OuterRef("assignment"), pk__gt=OuterRef("pk"))
    f.replies = sorted(Reply.objects.filter(items, asof.sent_by(at), one("assignment__unit_id")).filter(~Exists(later))
                       .values_list("id", "assignment__unit_id", "assignment_id", "assignment__role", "item_id", "reply_type__code")
                       .order_by(), key=_first)

    # Ratings given by then; in force unless the unit sent a later reply to be rated by then.
    rows = (Feedback.objects.filter(items, one("reply__assignment__unit_id"), at__lt=at.end)
            .annotate(superseded=asof.superseded(at))
            .values_list("id", "reply__assignment__unit_id", "reply__assignment_id", "reply__assignment__role", "item_id",
                         "grade__score", "agrees", "praise", "superseded").order_by())
    for row in sorted(rows, key=_first):
        fb, unit, a_id, role, item, score, agrees, praise, superseded = row
        f.ratings.append((fb, unit, a_id, role, item, float(score) if score is not None else None, agrees, praise, not superseded))

    # The proposer's grade of a co-handling unit: the one given with the latest rating that graded it.
    for unit, item, fb, score in (CoUnitGrade.objects.filter(Q(feedback__item__in=year_ids), one("unit_id"), feedback__at__lt=at.end)
                                  .values_list("unit_id", "feedback__item_id", "feedback_id", "grade__score").order_by()):
        if f.co_grades.get((unit, item), (0,))[0] < fb:
            f.co_grades[unit, item] = (fb, float(score))
    # The lead unit's grade of a co-handling unit: its latest by then.
    for g_id, a_id, score in (LeadCoGrade.objects.filter(Q(assignment__item__in=year_ids), one("assignment__unit_id"), at__lt=at.end)
                              .values_list("id", "assignment_id", "grade__score").order_by()):
        if f.lead_grades.get(a_id, (0,))[0] < g_id:
            f.lead_grades[a_id] = (g_id, float(score))

    for m_id, unit, item, at_, answered in sorted(Message.objects.filter(items, one("to_unit_id"), side=Side.PROPOSER, to_unit__isnull=False,
                                                                          answered_at__lt=at.end)
                                                  .values_list("id", "to_unit_id", "item_id", "at", "answered_at").order_by(), key=_first):
        f.messages.append((m_id, unit, item, _hours(at_, answered)))
    for q_id, unit, asked, answered in (Question.objects.filter(one("to_unit_id"), to_unit__isnull=False, asked_at__year=year,
                                                                answered_at__lt=at.end)
                                        .values_list("id", "to_unit_id", "asked_at", "answered_at")):
        f.questions.append((q_id, unit, _hours(asked, answered)))
    f.urges = sorted(UrgeNotice.objects.filter(items, one("unit_id"), at__lt=at.end).values_list("id", "unit_id", "item_id").order_by(),
                     key=_first)
    f.refused_adjustments = sorted(AdjustmentRequest.objects.filter(Q(assignment__item__in=year_ids), one("assignment__unit_id"),
                                                                    state=AdjustmentRequest.State.REFUSED, decided_at__lt=at.end)
                                   .values_list("id", "assignment__unit_id", "assignment__item_id").order_by(), key=_first)

    # A change of liaison: a term that started in the year (by then) at a unit that had one before it.
    earlier = UnitLiaison.objects.filter(unit=OuterRef("unit"), started_on__lt=OuterRef("started_on"))
    for row in (UnitLiaison.objects.filter(one("unit_id"), started_on__year=year, started_on__lte=at.day)
                                        .filter(Exists(earlier)).order_by("started_on", "id")
                                        .values_list("id", "unit_id", "started_on", "user__last_name", "user__first_name", "user__username")):
        row_id, unit, started, last, first, username = row
        f.liaison_changes[unit].append((row_id, started, f"{last}{first}" or username))

    # What people entered: the latest of each (indicator, unit, kind, assembly) not withdrawn.
    latest = {}
    for e in Entry.objects.filter(one("unit_id"), scheme=scheme).order_by("id"):
        key = (e.indicator_id, e.unit_id, e.kind, e.assembly) if e.kind != Entry.Kind.ADJUSTMENT else ("adj", e.pk)
        latest[key] = e
    f.entries = [e for e in latest.values() if not e.withdrawn]
    f.self_assessments = {u: (s_id, when) for s_id, u, when in
                          SelfAssessment.objects.filter(one("unit_id"), scheme=scheme).values_list("id", "unit_id", "submitted_at")}
    f.max_score = float(max(FeedbackGrade.objects.values_list("score", flat=True), default=100) or 100)
    return f


def submitted_by(scheme: Scheme, when: datetime.datetime) -> bool:
    """A self-assessment counts if it came in by the scheme's date (any time, if there is none)."""
    if scheme.self_assessment_due is None:
        return True
    return timezone.localdate(when) <= scheme.self_assessment_due
