"""The unit table (DOMAIN §6.2): per unit handling the period's received items, what it was given
and how it did, as the records stood at the end of the report's 截至 day (asof.py). One grouped
query per kind of record, whatever the number of items or units.

"On time" for a milestone means it was met on or before its due date; a milestone not met by
then and not yet due by then counts neither way. Reply types and grades count each of the unit's
items once: its reply in force and its rating in force (asof.py); praise and 不同意 count the
items on which the unit received them. The three contacts (办前面商、办中沟通、办后回访, DOMAIN
rule 5) count the unit's own lead and separate items on which it recorded each kind, and those
with all three."""

from collections import defaultdict

from django.db.models import Count, Exists, F, OuterRef, Q

from banli.deadlines.models import Deadline, Milestone
from banli.org.models import FeedbackGrade, ReplyType, Unit
from banli.proposals.models import AdjustmentRequest, Assignment, AssignmentRole, CoUnitGrade, Feedback, Message, Reply, Side, UrgeNotice

from . import asof
from .periods import Period
from .rounding import rate

ON_TIME_KINDS = {"sign": (Milestone.SIGN,), "consult": (Milestone.CONSULT,), "reply": (Milestone.REPLY, Milestone.SECOND_REPLY),
                 "co_opinion": (Milestone.CO_OPINION,), "message": (Milestone.MESSAGE,)}


def _blank(unit_id, name, types, grades) -> dict:
    row = {"id": unit_id, "name": name, "lead": 0, "co": 0, "separate": 0, "closed": 0,
           "reply_types": {t: 0 for t in types}, "grades": {g: 0 for g in grades}, "co_grades": {g: 0 for g in grades},
           "praise": 0, "disagreed": 0, "adjustments": 0, "urges": 0, "message_hours": None,
           "contacts": {"before": 0, "during": 0, "after": 0, "all": 0}}
    for k in ON_TIME_KINDS:
        row[k] = {"due": 0, "on_time": 0, "late": 0, "rate": 0}
    return row


def unit_table(p: Period, *, as_of=None, units=None) -> list[dict]:
    """units: only these units' rows (each the same as in the whole table; every query below
    keys off the rows the first one finds, so it reads only their records: the portal's page of
    a unit asks for it alone instead of every unit of the district)."""
    at = asof.as_of(as_of)
    received = asof.received
    types = list(ReplyType.objects.filter(active=True).values_list("code", flat=True))
    grades = dict(FeedbackGrade.objects.values_list("pk", "code"))
    rows = _assignment_rows(p, at, units, types, grades, contacts=True)

    # Deadlines as they stood then: met by then (on time or late), or not met by then and past due.
    kinds = [k for ks in ON_TIME_KINDS.values() for k in ks]
    met = Q(state=Deadline.State.MET, met_on__lte=at.day)
    deadlines = (Deadline.objects.filter(received(p, at, "item__"), unit_id__in=rows, kind__in=kinds).exclude(state=Deadline.State.WAIVED)
                 .values("unit_id", "kind")
                 .annotate(on_time=Count("pk", filter=met & Q(met_on__lte=F("due_on"))),
                           # Past due and not met is late, whether or not the nightly scan has marked it yet.
                           late=Count("pk", filter=(met & Q(met_on__gt=F("due_on"))) | (~met & Q(due_on__lt=at.day)))))
    kind_of = {k: name for name, ks in ON_TIME_KINDS.items() for k in ks}
    for d in deadlines:
        cell = rows[d["unit_id"]][kind_of[d["kind"]]]
        cell["on_time"] += d["on_time"]
        cell["late"] += d["late"]
        cell["due"] += d["on_time"] + d["late"]

    # The reply in force per assignment (the last one sent by then), as the report's breakdown counts items.
    later = Reply.objects.filter(asof.sent_by(at), assignment=OuterRef("assignment"), pk__gt=OuterRef("pk"))
    replies = (Reply.objects.filter(received(p, at, "item__"), asof.sent_by(at), assignment__unit_id__in=rows).filter(~Exists(later))
               .values("assignment__unit_id", "reply_type__code").annotate(n=Count("pk")))
    for r in replies:
        if r["reply_type__code"] in rows[r["assignment__unit_id"]]["reply_types"]:
            rows[r["assignment__unit_id"]]["reply_types"][r["reply_type__code"]] += r["n"]

    _add_ratings(rows, p, at, grades)
    _add_co_grades(rows, p, at)

    for a in (AdjustmentRequest.objects.filter(received(p, at, "assignment__item__"), assignment__unit_id__in=rows, requested_at__lt=at.end)
              .values("assignment__unit_id").annotate(n=Count("pk"))):
        rows[a["assignment__unit_id"]]["adjustments"] = a["n"]
    for u in (UrgeNotice.objects.filter(received(p, at, "item__"), unit_id__in=rows, at__lt=at.end)
              .values("unit_id").annotate(n=Count("pk"))):
        rows[u["unit_id"]]["urges"] = u["n"]

    # Hours from a proposer's message to the unit's answer. Averaged here rather than in SQL,
    # where duration arithmetic differs between SQLite and PostgreSQL; still one query.
    waits = defaultdict(list)
    for unit_id, at_, answered in (Message.objects.filter(received(p, at, "item__"), side=Side.PROPOSER, to_unit_id__in=rows,
                                                          answered_at__lt=at.end)
                                   .values_list("to_unit_id", "at", "answered_at")):
        waits[unit_id].append((answered - at_).total_seconds() / 3600)
    for unit_id, hours in waits.items():
        rows[unit_id]["message_hours"] = round(sum(hours) / len(hours), 1)

    for row in rows.values():
        for k in ON_TIME_KINDS:
            row[k]["rate"] = rate(row[k]["on_time"], row[k]["due"])
    order = {u: i for i, u in enumerate(Unit.objects.filter(pk__in=rows).order_by("kind", "name").values_list("pk", flat=True))}
    return sorted(rows.values(), key=lambda r: (-(r["lead"] + r["separate"]), -r["co"], order.get(r["id"], 0)))


def _assignment_rows(p: Period, at, units, types, grades, *, contacts: bool) -> dict[int, dict]:
    """A row per unit given any of the period's received items by then, with what it was given
    (lead, co, separate, closed) and, with contacts, the three contacts made on its items."""
    assignments = Assignment.objects.filter(asof.received(p, at, "item__"), asof.active_by(at))
    if units is not None:
        assignments = assignments.filter(unit_id__in=units)
    if contacts:
        # Grouped by the kinds of contact made too (bits, asof.contacts_made): a unit has a row
        # per combination, added up here.
        assignments = assignments.annotate(contacts=asof.contacts_made(at, by_unit=True)).values("unit_id", "unit__name", "contacts")
    else:
        assignments = assignments.values("unit_id", "unit__name")
    assignments = (assignments.annotate(lead=Count("pk", filter=Q(role=AssignmentRole.LEAD)), co=Count("pk", filter=Q(role=AssignmentRole.CO)),
                                        separate=Count("pk", filter=Q(role=AssignmentRole.SEPARATE)),
                                        closed=Count("pk", filter=Q(closed_at__lt=at.end)))
                   .order_by())
    rows = {}
    for a in assignments:
        if a["unit_id"] not in rows:
            rows[a["unit_id"]] = _blank(a["unit_id"], a["unit__name"], types, grades.values())
        row = rows[a["unit_id"]]
        for k in ("lead", "co", "separate", "closed"):
            row[k] += a[k]
        if contacts:
            for kind, bit in asof.CONTACT_BIT.items():
                row["contacts"][kind] += (a["lead"] + a["separate"]) if a["contacts"] & bit else 0
            row["contacts"]["all"] += (a["lead"] + a["separate"]) if a["contacts"] == asof.ALL_CONTACTS else 0
    return rows


def _add_ratings(rows, p: Period, at, grades) -> None:
    """The rows' grades as the unit answering, praise and 不同意."""
    # Ratings: the unit's rating in force on each item by grade; praise and 不同意 given by then.
    in_force = Q(superseded=False, lapsed=False)
    feedback = (Feedback.objects.filter(asof.received(p, at, "item__"), at__lt=at.end, reply__assignment__unit_id__in=rows)
                .annotate(superseded=asof.superseded(at))
                .values("reply__assignment__unit_id")
                .annotate(praise=Count("item", filter=Q(praise=True), distinct=True), disagreed=Count("item", filter=Q(agrees=False), distinct=True),
                          **{f"grade_{pk}": Count("pk", filter=in_force & Q(grade_id=pk)) for pk in grades}))
    for f in feedback:
        row = rows[f["reply__assignment__unit_id"]]
        for pk, code in grades.items():
            row["grades"][code] += f[f"grade_{pk}"]
        row["praise"] += f["praise"]
        row["disagreed"] += f["disagreed"]


def _add_co_grades(rows, p: Period, at) -> None:
    """A co-handling unit's grade on an item: the one given with the latest rating by then that
    graded it (picked here: a few rows per co-handled item, and a correlated subquery per row
    costs more than reading them)."""
    latest = {}
    for unit_id, item_id, feedback_id, code in (CoUnitGrade.objects.filter(asof.received(p, at, "feedback__item__"), feedback__at__lt=at.end,
                                                                          unit_id__in=rows)
                                                .values_list("unit_id", "feedback__item_id", "feedback_id", "grade__code")):
        if latest.get((unit_id, item_id), (0,))[0] < feedback_id:
            latest[unit_id, item_id] = (feedback_id, code)
    for (unit_id, _), (_, code) in latest.items():
        rows[unit_id]["co_grades"][code] += 1


def unit_ratings(p: Period, *, as_of=None, units=None) -> dict[int, dict]:
    """The unit table's rows cut to what the leader's portfolio shows: what each unit was given
    (lead, co, separate, closed) and its ratings (grades, praise, disagreed), counted by the same
    code as unit_table, without the contacts, deadlines, replies, co-handling grades,
    adjustments, urges and messages it does not show (the contacts alone cost half of the
    table; the whole table of both current sessions was drawn anew in 0.8-1 s at 100k items
    after every change: issue 16)."""
    at = asof.as_of(as_of)
    grades = dict(FeedbackGrade.objects.values_list("pk", "code"))
    rows = _assignment_rows(p, at, units, [], grades, contacts=False)
    _add_ratings(rows, p, at, grades)
    return rows
