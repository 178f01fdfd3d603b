"""The records a year's assessment reads, loaded once per computation: one query per kind of
record, whatever the number of units or items (for one unit's page, the same queries narrowed
to it). The metrics (metrics.py) turn these rows into figures; nothing here scores.

The year's items are those of the sessions of that year, in both assemblies, registered by the
day the assessment is computed as of and not since rejected, merged, converted or withdrawn (the
reports' rule, reports/asof.py). What happened to them counts as the records stood at the end of
that day: deadlines met or past due by then, the reply and the rating in force then, overdue
events recorded by then. Q&A is not about an item: questions asked in the year count; liaison
changes count by the day the new liaison started.

The numerous records (deadlines, the three contacts, replies and ratings in force) are counted in
the database, unit by unit (the tallies): every figure is computed from them. The records
themselves, each to be listed under its figure, are loaded only when asked (records=True: one
unit's page, the frozen result), or where a figure needs them one by one (per-item scoring)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Case, Count, Exists, F, FloatField, Func, OuterRef, Q, Sum, When
from django.utils import timezone

from banli.deadlines.models import Deadline, Milestone, OverdueEvent
from banli.org.models import WORDING, FeedbackGrade, Session, Unit, UnitLiaison
from banli.proposals.models import (
    AdjustmentRequest, Assignment, AssignmentRole, CoUnitGrade, Feedback, Item, LeadCoGrade, Message, Question, Reply, Side, UrgeNotice,
)
from banli.reports import asof

from .models import Entry, Scheme, SelfAssessment

# Milestones whose on-time share can be scored (the unit's own steps).
TIMED = (Milestone.SIGN, Milestone.CONSULT, Milestone.CO_OPINION, Milestone.REPLY, Milestone.SECOND_REPLY, Milestone.PROGRESS)
PER_ITEM_KINDS = (Milestone.REPLY, Milestone.CO_OPINION)  # the deadlines per-item scoring reads one by one


def year_items(year: int, at: asof.AsOf, prefix: str = "") -> Q:
    # The year's sessions by their ids, read first: through a join to the sessions PostgreSQL
    # guessed a year held an average session's items (82,000 where a province's current year has
    # 12,000 among ten years of larger ones) and merged every milestone of the history (1.7 s at 1M).
    sessions = list(Session.objects.filter(year=year).values_list("pk", flat=True))
    return (Q(**{f"{prefix}session_id__in": sessions, f"{prefix}registered_at__lt": at.end})
            & ~Q(**{f"{prefix}state__in": asof.NOT_RECEIVED}))


@dataclass
class Facts:
    year: int
    at: asof.AsOf
    records: bool = False  # the records behind each figure are listed (refs)
    # The tallies, counted in the database; every figure of these records comes from them.
    deadline_tally: dict = field(default_factory=dict)  # kind -> {(unit, role) -> (deadlines seen, met on time)}
    contact_tally: dict = field(default_factory=dict)  # (unit, role) -> (assignments, with the three contacts)
    reply_tally: dict = field(default_factory=dict)  # (unit, role, type code) -> replies in force
    rating_tally: dict = field(default_factory=dict)  # (unit, role) -> RatingTally
    overdue_tally: dict = field(default_factory=dict)  # (unit, kind) -> overdue events
    message_tally: dict = field(default_factory=dict)  # unit -> (messages answered, hours taken in all)
    units: dict = field(default_factory=dict)  # unit id -> (name, position in the office's order)
    items: dict = field(default_factory=dict)  # item id -> label (提案第0012号 标题)
    # (id, unit, item, role, contact bits): every one, with the bits when listed; otherwise the co-handling ones alone.
    assignments: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)  # (id, unit, assignment, role, item, kind, due, met, days late)
    overdue: list = field(default_factory=list)  # listed: (id, unit, item, kind, days late, due, question)
    replies: list = field(default_factory=list)  # replies in force: (reply, unit, assignment, role, item, type code)
    ratings: list = field(default_factory=list)  # (feedback, unit, assignment, role, item, score|None, agrees, praise, in force)
    co_grades: dict = field(default_factory=dict)  # (unit, item) -> the proposer's grade in force (score)
    lead_grades: dict = field(default_factory=dict)  # co assignment -> the lead unit's grade in force (score)
    messages: list = field(default_factory=list)  # listed: (id, unit, item, hours to answer)
    questions: list = field(default_factory=list)  # (id, unit, hours to answer)
    urges: list = field(default_factory=list)  # (id, unit, item)
    refused_adjustments: list = field(default_factory=list)  # (id, unit, item)
    liaison_changes: dict = field(default_factory=lambda: defaultdict(list))  # unit -> [(row, started, name)]
    entered: dict = field(default_factory=lambda: defaultdict(list))  # (indicator, kind) -> its entries in force
    entries: list = field(default_factory=list)  # Entry rows in force (named rows: id, indicator_id, unit_id, kind, ...)
    self_assessments: dict = field(default_factory=dict)  # unit -> (id, submitted_at)
    max_score: float = 100.0
    by_kind: dict = field(default_factory=lambda: defaultdict(list))  # kind -> its deadlines, in their order

    def deadlines_of(self, kinds) -> list:
        """The deadlines of these kinds, in the order of f.deadlines."""
        if len(kinds) == 1:
            return self.by_kind.get(next(iter(kinds)), [])
        return [d for d in self.deadlines if d[5] in kinds]


class HoursBetween(Func):
    """Hours from one time to a later one, as a number the database computes and can add up.
    (Django's datetime subtraction runs a Python function per row on SQLite, a third of the
    cost of a province's message figures.) The same value to the microsecond on both
    databases: SQLite's julianday is a day number in floating point, good to some microseconds,
    so the hours are rounded to the millionth (3.6 ms) when read (`hours`)."""

    output_field = FloatField()

    def __init__(self, later, earlier):
        super().__init__(later, earlier)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="((julianday(%(expressions)s)) * 24.0)", arg_joiner=") - julianday(", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(EXTRACT(EPOCH FROM (%(expressions)s))::double precision / 3600.0)", arg_joiner=" - ", **extra)


def hours(x) -> float:
    return round(float(x), 6)


def _waited(start: str) -> HoursBetween:
    return HoursBetween("answered_at", start)


def _first(row):
    return row[0]


class RatingTally(NamedTuple):
    graded: int  # ratings in force with a grade
    score: float  # the sum of their grades' scores
    stated: int  # ratings in force that say agree or not
    agreed: int
    praised: int  # items whose proposer praised the unit (in any rating)


def load(scheme: Scheme, at: asof.AsOf, unit_id: int | None = None, *, records: bool = False, indicators=None) -> Facts:
    """Every record the scheme's year needs, for all units or for one (unit_id): the tallies
    always, the records behind them with records=True.

    Each query reaches the year's items through one subquery of their ids (so the database starts
    from the year's items, not from a scan of every year's records in the order of some index),
    and asks for no order: the rows are put in the models' own order here, so that the records
    behind each figure are listed as they always were."""
    year = scheme.year
    f = Facts(year=year, at=at, records=records)
    one = (lambda field_: Q(**{field_: unit_id})) if unit_id else (lambda field_: Q())
    year_ids = Item.objects.filter(year_items(year, at)).values("pk")
    items = Q(item__in=year_ids)
    one_by_one = records or any(i.metric == "per_item" for i in (scheme.indicators.all() if indicators is None else indicators))

    assignments = Assignment.objects.filter(items, asof.active_by(at), one("unit_id")).order_by()
    for unit, role, n, done in (assignments.values_list("unit_id", "role")
                                .annotate(n=Count("id"), done=Count("id", filter=asof.all_contacts_made(at, by_unit=True)))):
        f.contact_tally[unit, role] = (n, done)
    if records:
        rows = (assignments.annotate(contacts=asof.contacts_made(at, by_unit=True))
                .values_list("id", "unit_id", "item_id", "role", "contacts", "item__assembly", "item__number", "item__title"))
        for a_id, unit, item, role, contacts, assembly, number, title in sorted(rows, key=_first):
            f.assignments.append((a_id, unit, item, role, contacts))
            f.items[item] = f"{WORDING[assembly]['item']}第{number or 0:04d}号 {title}"
    elif one_by_one:
        f.assignments = sorted((a_id, unit, item, role, None) for a_id, unit, item, role in
                               assignments.values_list("id", "unit_id", "item_id", "role"))
    else:  # the co-handling assignments alone, whose grades are scored
        f.assignments = sorted((a_id, unit, item, AssignmentRole.CO, None) for a_id, unit, item in
                               assignments.filter(role=AssignmentRole.CO).values_list("id", "unit_id", "item_id"))

    # The grades of co-handling units in force: the proposer's, given with the latest rating that
    # graded it, and the lead unit's latest, both by then (scored on the active co assignments).
    latest = {}
    for unit, item, fb, score in (CoUnitGrade.objects.filter(Q(feedback__item__in=year_ids), one("unit_id"), feedback__at__lt=at.end)
                                  .values_list("unit_id", "feedback__item_id", "feedback_id", "grade__score").order_by()):
        if latest.get((unit, item), (0,))[0] < fb:
            latest[unit, item] = (fb, float(score))
    f.co_grades = {key: score for key, (_, score) in latest.items()}
    latest = {}
    for g_id, a_id, score in (LeadCoGrade.objects.filter(Q(assignment__item__in=year_ids), one("assignment__unit_id"), at__lt=at.end)
                              .values_list("id", "assignment_id", "grade__score").order_by()):
        if latest.get(a_id, (0,))[0] < g_id:
            latest[a_id] = (g_id, float(score))
    f.lead_grades = {key: score for key, (_, score) in latest.items()}

    unit_ids = {unit for unit, _ in f.contact_tally}
    order = Unit.objects.filter(pk__in=unit_ids).order_by("kind", "name").values_list("pk", "name")
    f.units = {pk: (name, i) for i, (pk, name) in enumerate(order)}

    # Deadlines met by then, or past due by then and not met (late whether or not the scan has run).
    met = Q(state=Deadline.State.MET, met_on__lte=at.day)
    deadlines = (Deadline.objects.filter(items, one("unit_id"), kind__in=TIMED, assignment__isnull=False)
                 .exclude(state=Deadline.State.WAIVED).filter(met | Q(due_on__lt=at.day)).order_by())
    for unit, kind, role, n, ok in (deadlines.values_list("unit_id", "kind", "assignment__role")
                                    .annotate(n=Count("id"), ok=Count("id", filter=met & Q(met_on__lte=F("due_on"))))):
        f.deadline_tally.setdefault(kind, {})[unit, role] = (n, ok)
    if one_by_one:
        # Listed, every kind; for per-item scoring, the first round's reply and co-opinion only.
        kinds = TIMED if records else PER_ITEM_KINDS
        # Their working days late, where one went past due, from the year's overdue events (a few
        # hundred rows, cheaper than joining each of the year's deadlines to its event).
        late = dict(OverdueEvent.objects.filter(deadline__item__in=year_ids, deadline__kind__in=kinds)
                    .values_list("deadline_id", "days_late").order_by())
        rows = deadlines.filter(kind__in=kinds).values_list("id", "unit_id", "assignment_id", "assignment__role", "item_id", "kind", "due_on", "met_on", "state")
        for row in sorted(rows, key=lambda d: (d[6], d[0])):  # Deadline's order: due_on, id
            d_id, unit, a_id, role, item, kind, due, met_on, state = row
            if state != Deadline.State.MET or met_on > at.day:
                met_on = None  # not met by then
            f.deadlines.append(d := (d_id, unit, a_id, role, item, kind, due, met_on, late.get(d_id) or 0))
            f.by_kind[kind].append(d)

    # Overdue events recorded by then: the year's items', and those of questions asked in the year.
    question_year = Q(deadline__question__asked_at__year=year, item__isnull=True)
    events = OverdueEvent.objects.filter(items | question_year, one("unit_id"), unit__isnull=False, recorded_at__lt=at.end).order_by()
    f.overdue_tally = dict(((unit, kind), n) for unit, kind, n in events.values_list("unit_id", "kind").annotate(n=Count("id")))
    if records:
        rows = events.values_list("id", "unit_id", "item_id", "kind", "days_late", "due_on", "deadline__question_id")
        f.overdue = sorted(rows, key=lambda e: (-e[5].toordinal(), e[0]))  # OverdueEvent's order: -due_on, id

    # The reply in force per assignment: the last one sent by then (a type conversion included).
    later = Reply.objects.filter(asof.sent_by(at), assignment=OuterRef("assignment"), pk__gt=OuterRef("pk"))
    replies = Reply.objects.filter(items, asof.sent_by(at), one("assignment__unit_id")).filter(~Exists(later)).order_by()
    for unit, role, code, n in (replies.values_list("assignment__unit_id", "assignment__role", "reply_type__code")
                                .annotate(n=Count("id"))):
        f.reply_tally[unit, role, code] = n
    if one_by_one:
        f.replies = sorted(replies.values_list("id", "assignment__unit_id", "assignment_id", "assignment__role", "item_id",
                                               "reply_type__code"), key=_first)

    # Ratings given by then; in force unless the unit sent a later reply to be rated by then.
    ratings = (Feedback.objects.filter(items, one("reply__assignment__unit_id"), at__lt=at.end)
               .annotate(superseded=asof.superseded(at)).order_by())
    live = Q(superseded=False)
    for unit, role, graded, score, stated, agreed, praised in (
            ratings.values_list("reply__assignment__unit_id", "reply__assignment__role")
            .annotate(graded=Count("id", filter=live & Q(grade__score__isnull=False)), score=Sum("grade__score", filter=live),
                      stated=Count("id", filter=live & Q(agrees__isnull=False)), agreed=Count("id", filter=live & Q(agrees=True)),
                      praised=Count("item_id", filter=Q(praise=True), distinct=True))):
        f.rating_tally[unit, role] = RatingTally(graded, float(score or 0), stated, agreed, praised)
    if one_by_one:
        rows = (ratings if records else ratings.filter(superseded=False)).values_list("id", "reply__assignment__unit_id", "reply__assignment_id", "reply__assignment__role", "item_id",
                                   "grade__score", "agrees", "praise", "superseded")
        for row in sorted(rows, key=_first):
            fb, unit, a_id, role, item, score, agrees, praise, superseded = row
            f.ratings.append((fb, unit, a_id, role, item, float(score) if score is not None else None, agrees, praise, not superseded))

    # Hours to answer the proposers' messages, added up by the database.
    messages = Message.objects.filter(items, one("to_unit_id"), side=Side.PROPOSER, to_unit__isnull=False, answered_at__lt=at.end).order_by()
    f.message_tally = {unit: (n, hours(waited)) for unit, n, waited in
                       messages.values_list("to_unit_id").annotate(n=Count("id"), waited=Sum(_waited("at")))}
    if records:
        f.messages = [(m_id, unit, item, hours(waited)) for m_id, unit, item, waited in
                      sorted(messages.values_list("id", "to_unit_id", "item_id", _waited("at")), key=_first)]
    for q_id, unit, waited in (Question.objects.filter(one("to_unit_id"), to_unit__isnull=False, asked_at__year=year,
                                                       answered_at__lt=at.end)
                               .values_list("id", "to_unit_id", _waited("asked_at"))):
        f.questions.append((q_id, unit, hours(waited)))
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
    for e in (Entry.objects.filter(one("unit_id"), scheme=scheme).order_by("id")
              .annotate(adjusted_at=Case(When(kind=Entry.Kind.ADJUSTMENT, then=F("at"))))  # the date of adjustments alone is shown
              .values_list("id", "indicator_id", "unit_id", "kind", "assembly", "points", "reason", "adjusted_at", "withdrawn", named=True)):
        key = (e.indicator_id, e.unit_id, e.kind, e.assembly) if e.kind != Entry.Kind.ADJUSTMENT else ("adj", e.id)
        latest[key] = e
    f.entries = [e for e in latest.values() if not e.withdrawn]
    for e in f.entries:
        f.entered[e.indicator_id, e.kind].append(e)
    f.self_assessments = {u: (s_id, when) for s_id, u, when in
                          SelfAssessment.objects.filter(one("unit_id"), scheme=scheme).values_list("id", "unit_id", "submitted_at")}
    f.max_score = float(max(FeedbackGrade.objects.values_list("score", flat=True), default=100) or 100)
    return f


def submitted_by(scheme: Scheme, when: datetime.datetime) -> bool:
    """A self-assessment counts if it came in by the scheme's date (any time, if there is none)."""
    if scheme.self_assessment_due is None:
        return True
    return timezone.localdate(when) <= scheme.self_assessment_due
