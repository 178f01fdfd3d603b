"""The unit table (DOMAIN §6.2): per unit handling the period's received items, what it was given
and how it did. One grouped query per kind of record, whatever the number of items or units.

"On time" for a milestone means it was met on or before its due date; a milestone still open
and not yet due counts neither way (it is in `open`)."""

from collections import defaultdict

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from banli.deadlines.models import Deadline, Milestone
from banli.org.models import FeedbackGrade, ReplyType, Unit
from banli.proposals.models import AdjustmentRequest, Assignment, AssignmentRole, CoUnitGrade, Feedback, Message, Reply, Side, UrgeNotice

from .periods import Period
from .rounding import rate
from .statistics import received

ON_TIME_KINDS = {"sign": (Milestone.SIGN,), "consult": (Milestone.CONSULT,), "reply": (Milestone.REPLY, Milestone.SECOND_REPLY),
                 "co_opinion": (Milestone.CO_OPINION,), "message": (Milestone.MESSAGE,)}


def _blank(unit_id, name, types, grades) -> dict:
    row = {"id": unit_id, "name": name, "lead": 0, "co": 0, "separate": 0, "closed": 0,
           "reply_types": {t: 0 for t in types}, "grades": {g: 0 for g in grades}, "co_grades": {g: 0 for g in grades},
           "praise": 0, "disagreed": 0, "adjustments": 0, "urges": 0, "message_hours": None}
    for k in ON_TIME_KINDS:
        row[k] = {"due": 0, "on_time": 0, "late": 0, "rate": 0}
    return row


def unit_table(p: Period) -> list[dict]:
    types = list(ReplyType.objects.filter(active=True).values_list("code", flat=True))
    grades = list(FeedbackGrade.objects.values_list("code", flat=True))
    assignments = (Assignment.objects.filter(received(p, "item__")).exclude(state=Assignment.State.ENDED)
                   .values("unit_id", "unit__name")
                   .annotate(lead=Count("pk", filter=Q(role=AssignmentRole.LEAD)), co=Count("pk", filter=Q(role=AssignmentRole.CO)),
                             separate=Count("pk", filter=Q(role=AssignmentRole.SEPARATE)), closed=Count("pk", filter=Q(closed_at__isnull=False))))
    rows = {}
    for a in assignments:
        row = rows[a["unit_id"]] = _blank(a["unit_id"], a["unit__name"], types, grades)
        row.update(lead=a["lead"], co=a["co"], separate=a["separate"], closed=a["closed"])

    kinds = [k for ks in ON_TIME_KINDS.values() for k in ks]
    deadlines = (Deadline.objects.filter(received(p, "item__"), unit_id__in=rows, kind__in=kinds).exclude(state=Deadline.State.WAIVED)
                 .values("unit_id", "kind")
                 .annotate(met=Count("pk", filter=Q(state=Deadline.State.MET)),
                           on_time=Count("pk", filter=Q(state=Deadline.State.MET, met_on__lte=F("due_on"))),
                           # Past due and not met is late, whether or not tonight's scan has marked it yet.
                           late=Count("pk", filter=Q(state=Deadline.State.LATE) | Q(state=Deadline.State.MET, met_on__gt=F("due_on"))
                                      | Q(state=Deadline.State.OPEN, due_on__lt=timezone.localdate()))))
    kind_of = {k: name for name, ks in ON_TIME_KINDS.items() for k in ks}
    for d in deadlines:
        cell = rows[d["unit_id"]][kind_of[d["kind"]]]
        cell["on_time"] += d["on_time"]
        cell["late"] += d["late"]
        cell["due"] += d["on_time"] + d["late"]

    # The reply in force per assignment (the last one sent), as the report's breakdown counts items.
    later = Reply.objects.filter(assignment=OuterRef("assignment"), state=Reply.State.SENT, pk__gt=OuterRef("pk"))
    replies = (Reply.objects.filter(received(p, "item__"), state=Reply.State.SENT, assignment__unit_id__in=rows).filter(~Exists(later))
               .values("assignment__unit_id", "reply_type__code").annotate(n=Count("pk")))
    for r in replies:
        if r["reply_type__code"] in rows[r["assignment__unit_id"]]["reply_types"]:
            rows[r["assignment__unit_id"]]["reply_types"][r["reply_type__code"]] += r["n"]

    feedback = (Feedback.objects.filter(received(p, "item__"), reply__assignment__unit_id__in=rows)
                .values("reply__assignment__unit_id", "grade__code")
                .annotate(n=Count("pk", filter=Q(lapsed=False)), praise=Count("pk", filter=Q(praise=True)),
                          disagreed=Count("pk", filter=Q(agrees=False))))
    for f in feedback:
        row = rows[f["reply__assignment__unit_id"]]
        if f["grade__code"]:
            row["grades"][f["grade__code"]] += f["n"]
        row["praise"] += f["praise"]
        row["disagreed"] += f["disagreed"]
    for g in (CoUnitGrade.objects.filter(received(p, "feedback__item__"), unit_id__in=rows)
              .values("unit_id", "grade__code").annotate(n=Count("pk"))):
        rows[g["unit_id"]]["co_grades"][g["grade__code"]] += g["n"]

    for a in (AdjustmentRequest.objects.filter(received(p, "assignment__item__"), assignment__unit_id__in=rows)
              .values("assignment__unit_id").annotate(n=Count("pk"))):
        rows[a["assignment__unit_id"]]["adjustments"] = a["n"]
    for u in UrgeNotice.objects.filter(received(p, "item__"), unit_id__in=rows).values("unit_id").annotate(n=Count("pk")):
        rows[u["unit_id"]]["urges"] = u["n"]

    # Hours from a proposer's message to the unit's answer. Averaged here rather than in SQL,
    # where duration arithmetic differs between SQLite and PostgreSQL; still one query.
    waits = defaultdict(list)
    for unit_id, at, answered in (Message.objects.filter(received(p, "item__"), side=Side.PROPOSER, to_unit_id__in=rows, answered_at__isnull=False)
                                  .values_list("to_unit_id", "at", "answered_at")):
        waits[unit_id].append((answered - at).total_seconds() / 3600)
    for unit_id, hours in waits.items():
        rows[unit_id]["message_hours"] = round(sum(hours) / len(hours), 1)

    for row in rows.values():
        for k in ON_TIME_KINDS:
            row[k]["rate"] = rate(row[k]["on_time"], row[k]["due"])
    order = {u: i for i, u in enumerate(Unit.objects.filter(pk__in=rows).order_by("kind", "name").values_list("pk", flat=True))}
    return sorted(rows.values(), key=lambda r: (-(r["lead"] + r["separate"]), -r["co"], order.get(r["id"], 0)))
