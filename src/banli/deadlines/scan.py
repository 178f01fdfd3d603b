"""The daily scan: open milestones past their due date become late and leave an overdue event;
reminders go out on DOMAIN.md §5's schedule (5 and 1 working days before, on the day, then every
working day while late; after 5 late working days the unit leader and the office too).

Idempotent: a ReminderLog row per milestone per day remembers what was sent, so a second run on
the same day sends nothing. Set-based: a fixed number of queries whatever the number of rows."""

from collections import defaultdict

from django.db import transaction
from django.db.models import Case, F, PositiveIntegerField, Q, Value, When
from django.utils import timezone

from banli.notify.service import notify_many_after_commit
from banli.org.models import StaffRole, Unit, UnitLiaison
from banli.proposals.models import CoSigner, Item

from .calendar import add_working_days, is_working_day, working_days_between
from .models.deadline import Deadline, Milestone, OverdueEvent, ReminderLog

ESCALATE_AFTER = 5  # late working days before the unit leader and the office are told
UNIT_KINDS = {Milestone.SIGN, Milestone.CONSULT, Milestone.CO_OPINION, Milestone.REPLY, Milestone.SECOND_REPLY,
              Milestone.PROGRESS, Milestone.MESSAGE, Milestone.QUESTION}
OFFICE_KINDS = {Milestone.ADJUST_DECISION, Milestone.PUBLICATION}
OPEN = (Deadline.State.OPEN, Deadline.State.LATE)


@transaction.atomic
def run_scan(today=None) -> dict:
    today = today or timezone.localdate()
    backfilled = backfill(today)
    late = mark_late(today)
    sent = send_reminders(today) if is_working_day(today) else {}
    lapsed = record_lapsed_feedback(today) if is_working_day(today) else 0
    return {"backfilled": backfilled, "marked_late": late, **sent, "feedback_lapsed": lapsed}


LAPSE_AFTER = 5  # late working days of reminding the proposer before "no feedback" is recorded


def record_lapsed_feedback(today) -> int:
    """Rule 9: the proposer is asked again (the daily late reminders); after LAPSE_AFTER working
    days the system records "no feedback", never a grade."""
    import logging

    from banli.errors import BanliError
    from banli.proposals.actions import record_no_feedback

    from .sync import sync_item

    cutoff = add_working_days(today, -LAPSE_AFTER)
    rows = Deadline.objects.filter(kind=Milestone.FEEDBACK, state=Deadline.State.LATE, due_on__lte=cutoff).values_list("item_id", "key")
    done = 0
    for item_id, key in rows:
        try:
            record_no_feedback(None, item_id, reply_id=int(key.split(":")[1]), on=today)
            # The action brings the item's rows in line as of the wall clock; the scan's day rules.
            sync_item(item_id, today=today)
            done += 1
        except BanliError as e:  # e.g. the item moved on meanwhile; the next scan looks again
            logging.getLogger(__name__).warning("no-feedback not recorded for item %s: %s", item_id, e.en)
    return done


def backfill(today) -> int:
    """Items filed before deadline rows existed (or imported) get theirs: one query when none."""
    from .sync import sync_item

    missing = list(Item.objects.filter(submitted_at__isnull=False, deadlines__isnull=True).values_list("pk", flat=True))
    for pk in missing:
        sync_item(pk, today=today)
    return len(missing)


def mark_late(today) -> int:
    """Open rows past due turn late; each late row gets its overdue event; open events' days
    late are brought up to today."""
    n = Deadline.objects.filter(state=Deadline.State.OPEN, due_on__lt=today).update(state=Deadline.State.LATE)
    missing = list(Deadline.objects.filter(state=Deadline.State.LATE, overdue__isnull=True).values("id", "kind", "unit_id", "item_id", "due_on"))
    days = _days_late_by_due(today, {r["due_on"] for r in missing})
    OverdueEvent.objects.bulk_create([
        OverdueEvent(deadline_id=r["id"], kind=r["kind"], unit_id=r["unit_id"], item_id=r["item_id"], due_on=r["due_on"], days_late=days[r["due_on"]])
        for r in missing
    ], batch_size=2000)
    # Events of milestones still undone: one UPDATE, the days late looked up per distinct due date.
    still_open = OverdueEvent.objects.filter(done_on__isnull=True)
    by_due = _days_late_by_due(today, set(still_open.values_list("due_on", flat=True).distinct()))
    if by_due:
        whens = [When(due_on=due, then=Value(d)) for due, d in by_due.items()]
        still_open.update(days_late=Case(*whens, default=F("days_late"), output_field=PositiveIntegerField()))
    return n


def _days_late_by_due(today, dues) -> dict:
    return {due: working_days_between(due, today) for due in dues}


def stage_for(row_due, today) -> str | None:
    if row_due == today:
        return "due"
    if row_due < today:
        return "escalated" if working_days_between(row_due, today) >= ESCALATE_AFTER else "late"
    if row_due == add_working_days(today, 1):
        return "before1"
    if row_due == add_working_days(today, 5):
        return "before5"
    return None


def send_reminders(today) -> dict:
    soon = {add_working_days(today, 1), add_working_days(today, 5)}
    rows = list(
        Deadline.objects.filter(state__in=OPEN)
        .filter(Q(due_on__lte=today) | Q(due_on__in=soon))
        .exclude(reminders__on_date=today)
        .select_related("item")
        .only("id", "kind", "due_on", "unit_id", "item_id", "question_id", "item__title", "item__assembly", "item__proposer_id")
    )
    if not rows:
        return {"reminded": 0}
    who = Recipients(rows)
    logs, counts, messages = [], defaultdict(int), []
    for row in rows:
        stage = stage_for(row.due_on, today)
        if stage is None:
            continue
        users = who.for_row(row, escalate=stage == "escalated")
        logs.append(ReminderLog(deadline_id=row.id, on_date=today, stage=stage, recipients=len(users)))
        counts[stage] += 1
        messages.append((users, f"reminder_{stage}", reminder_text(row, stage, today), row.item_id))
    ReminderLog.objects.bulk_create(logs, batch_size=2000)
    notify_many_after_commit(messages)
    return {"reminded": len(logs), **{f"stage_{k}": v for k, v in counts.items()}}


def reminder_text(row, stage, today) -> str:
    what = Milestone(row.kind).label
    title = f"《{row.item.title}》" if row.item_id else ""
    if stage in ("before5", "before1"):
        return f"【办理提醒】{title}{what}将于{row.due_on:%Y年%m月%d日}到期。"
    if stage == "due":
        return f"【今日到期】{title}{what}今天到期，请及时办理。"
    days = working_days_between(row.due_on, today)
    return f"【超期提醒】{title}{what}已超期{days}个工作日（应于{row.due_on:%Y年%m月%d日}前完成）。"


class Recipients:
    """Who hears about a milestone, loaded for all rows at once."""

    def __init__(self, rows):
        unit_ids = {r.unit_id for r in rows if r.unit_id}
        self.liaisons = defaultdict(list)
        for unit_id, user_id in UnitLiaison.objects.filter(unit_id__in=unit_ids, ended_on__isnull=True).values_list("unit_id", "user_id"):
            self.liaisons[unit_id].append(user_id)
        self.leaders = dict(Unit.objects.filter(pk__in=unit_ids).values_list("id", "leader_id"))
        roles = list(StaffRole.objects.filter(kind__in=["gov_office", "assembly_office"]).values_list("kind", "assembly", "user_id"))
        self.gov = [u for k, _, u in roles if k == "gov_office"]
        self.assembly = defaultdict(list)
        for k, a, u in roles:
            if k == "assembly_office":
                self.assembly[a].append(u)
        item_ids = {r.item_id for r in rows if r.item_id}
        self.proposer = dict(Item.objects.filter(pk__in=item_ids).values_list("id", "proposer__user_id"))
        self.invited = defaultdict(list)
        for item_id, user_id in CoSigner.objects.filter(item_id__in=item_ids, state=CoSigner.State.INVITED).values_list("item_id", "person__user_id"):
            self.invited[item_id].append(user_id)

    def for_row(self, row, *, escalate: bool) -> list[int]:
        if row.kind in UNIT_KINDS and row.unit_id:
            users = list(self.liaisons[row.unit_id])
            if escalate:
                users += [self.leaders.get(row.unit_id)] + self.gov
        elif row.kind in OFFICE_KINDS or (row.kind == Milestone.QUESTION and not row.unit_id):
            users = list(self.gov)
        elif row.kind == Milestone.REGISTER:
            users = list(self.assembly[row.item.assembly])
        elif row.kind == Milestone.FEEDBACK:
            users = [self.proposer.get(row.item_id)]
        elif row.kind == Milestone.COSIGN:
            users = list(self.invited[row.item_id])
        else:
            users = []
        return sorted({u for u in users if u})
