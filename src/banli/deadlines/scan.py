"""The daily scan: open milestones past their due date become late and leave an overdue event;
reminders go out on DOMAIN.md §5's schedule (by default 5 and 1 working days before, on the day,
then every working day while late; after 5 late working days the unit leader and the office too),
and rule 9's "no feedback" is recorded after the proposer has been asked again (by default 5
working days). Those numbers are settings of each session (SessionPolicy): a milestone follows the
session of its item; a Q&A question, which has none, follows the current session of the asker's
assembly, or the defaults where that assembly has no current session.

Everything is judged as of the scan's date (`run_scan --date`), never the wall clock.

Idempotent: a ReminderLog row per milestone per day remembers what was sent, so a second run on
the same day sends nothing. Set-based: a fixed number of queries whatever the number of rows or
sessions (every session's settings are read in one query)."""

import logging
from collections import defaultdict

from django.db import transaction
from django.db.models import Case, F, PositiveIntegerField, Q, Value, When
from django.utils import timezone, translation

from banli.copying import make, save
from banli.errors import BanliError
from banli.idempotency.keys import purge_expired
from banli.notify.service import notify_many
from banli.org.models import SessionPolicy, StaffRole, Unit, UnitLiaison
from banli.proposals.actions import record_no_feedback
from banli.proposals.models import CoSigner, Item
from banli.workdays.calendar import add_working_days, is_working_day, working_days_between

from .models.deadline import Deadline, Milestone, OverdueEvent, ReminderLog
from .sync import sync_item

log = logging.getLogger(__name__)

UNIT_KINDS = {Milestone.SIGN, Milestone.CONSULT, Milestone.CO_OPINION, Milestone.REPLY, Milestone.SECOND_REPLY,
              Milestone.PROGRESS, Milestone.MESSAGE, Milestone.QUESTION}
OFFICE_KINDS = {Milestone.ADJUST_DECISION, Milestone.PUBLICATION}
OPEN = (Deadline.State.OPEN, Deadline.State.LATE)


@transaction.atomic
def run_scan(today=None) -> dict:
    today = today or timezone.localdate()
    backfilled = backfill(today)
    late = mark_late(today)
    sent, lapsed = {}, 0
    if is_working_day(today):
        policies = Policies.load()
        sent = send_reminders(today, policies)
        lapsed = record_lapsed_feedback(today, policies)
    # The daily housekeeping of the idempotency keys past their time (issue 15.5).
    purged = purge_expired()
    return {"backfilled": backfilled, "marked_late": late, **sent, "feedback_lapsed": lapsed, "idempotency_keys_purged": purged}


class Policies:
    """Every session's settings, read in one query; a session without its row has the defaults."""

    def __init__(self, rows):
        self.default = SessionPolicy()
        self.by_session = {p.session_id: p for p in rows}
        # Questions belong to no session: the current session of the asker's assembly decides.
        self.current = {p.session.assembly: p for p in rows if p.session.is_current}

    @classmethod
    def load(cls) -> "Policies":
        return cls(list(SessionPolicy.objects.select_related("session")))

    def all(self) -> list:
        return [self.default, *self.by_session.values()]

    def for_row(self, session_id=None, asker_assembly=None) -> SessionPolicy:
        if session_id is not None:
            return self.by_session.get(session_id, self.default)
        return self.current.get(asker_assembly, self.default)


def record_lapsed_feedback(today, policies: Policies) -> int:
    """Rule 9: the proposer is asked again (the daily late reminders); after the session's
    no_feedback_after_working_days the system records "no feedback", never a grade."""
    cutoff = {n: add_working_days(today, -n) for n in {p.no_feedback_after_working_days for p in policies.all()}}
    rows = list(Deadline.objects.filter(kind=Milestone.FEEDBACK, state=Deadline.State.LATE, due_on__lte=max(cutoff.values()))
                .values_list("item_id", "key", "due_on", "item__session_id"))
    done = 0
    for item_id, key, due_on, session_id in rows:
        if due_on > cutoff[policies.for_row(session_id).no_feedback_after_working_days]:
            continue  # this session asks again for longer
        try:
            record_no_feedback(None, item_id, reply_id=int(key.split(":")[1]), on=today)
            # The action brings the item's rows in line as of the wall clock; the scan's day rules.
            sync_item(item_id, today=today)
            done += 1
        except BanliError as e:  # e.g. the item moved on meanwhile; the next scan looks again
            log.warning("no-feedback not recorded for item %s: %s", item_id, e.en)
    return done


def backfill(today) -> int:
    """Items filed before deadline rows existed (or imported) get theirs: one query when none."""
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


def stage_for(row_due, today, policy: SessionPolicy, ahead: dict) -> str | None:
    """The reminder a milestone due on `row_due` gets on `today` under `policy`; `ahead` maps a
    number of working days to the date that many working days after today. The advance stages
    keep their codes (before5: the first, before1: the second) whatever days the session sets;
    0 days means that reminder is not sent."""
    if row_due == today:
        return "due"
    if row_due < today:
        return "escalated" if working_days_between(row_due, today) >= policy.escalate_after_working_days else "late"
    second, first = policy.remind_second_working_days, policy.remind_first_working_days
    if second and row_due == ahead[second]:
        return "before1"
    if first and row_due == ahead[first]:
        return "before5"
    return None


def send_reminders(today, policies: Policies | None = None) -> dict:
    policies = policies or Policies.load()
    days = {n for p in policies.all() for n in (p.remind_first_working_days, p.remind_second_working_days) if n}
    ahead = {n: add_working_days(today, n) for n in days}
    rows = list(
        Deadline.objects.filter(state__in=OPEN)
        .filter(Q(due_on__lte=today) | Q(due_on__in=set(ahead.values())))
        .exclude(reminders__on_date=today)
        .select_related("item")
        .annotate(asker_assembly=F("question__asker__assembly"))
        .only("id", "kind", "due_on", "unit_id", "item_id", "question_id", "item__title", "item__assembly", "item__proposer_id",
              "item__session_id")
    )
    if not rows:
        return {"reminded": 0}
    who = Recipients(rows)
    logs, counts, messages = [], defaultdict(int), []
    for row in rows:
        policy = policies.for_row(row.item.session_id if row.item_id else None, row.asker_assembly)
        stage = stage_for(row.due_on, today, policy, ahead)
        if stage is None:
            continue
        users = who.for_row(row, escalate=stage == "escalated")
        logs.append(make(ReminderLog, deadline_id=row.id, on_date=today, stage=stage, recipients=len(users)))
        counts[stage] += 1
        messages.append((users, f"reminder_{stage}", reminder_text(row, stage, today), row.item_id))
    save([(ReminderLog, logs)], bulk=2000)  # by COPY on PostgreSQL, as notify_many writes its rows
    notify_many(messages)
    return {"reminded": len(logs), **{f"stage_{k}": v for k, v in counts.items()}}


def reminder_text(row, stage, today) -> str:
    what = _label(row.kind)
    title = f"《{row.item.title}》" if row.item_id else ""
    if stage in ("before5", "before1"):
        return f"【办理提醒】{title}{what}将于{row.due_on:%Y年%m月%d日}到期。"
    if stage == "due":
        return f"【今日到期】{title}{what}今天到期，请及时办理。"
    days = working_days_between(row.due_on, today)
    return f"【超期提醒】{title}{what}已超期{days}个工作日（应于{row.due_on:%Y年%m月%d日}前完成）。"


def _label(kind) -> str:
    # The Chinese label as text once per kind: formatting the lazy label into each of ~34,000
    # reminders a day (a 1M-item history) cost more than the rest of the sentence.
    key = (translation.get_language(), kind)
    if key not in _LABELS:
        _LABELS[key] = str(Milestone(kind).label)
    return _LABELS[key]


_LABELS: dict = {}


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
        # Only the rows that tell the proposer or the invited co-signers ask for them (the rest are
        # units' and the office's: 33,000 item ids a day over a 1M-item history).
        asked = {r.item_id for r in rows if r.item_id and r.kind == Milestone.FEEDBACK}
        self.proposer = dict(Item.objects.filter(pk__in=asked).values_list("id", "proposer__user_id")) if asked else {}
        self.invited = defaultdict(list)
        inviting = {r.item_id for r in rows if r.item_id and r.kind == Milestone.COSIGN}
        for item_id, user_id in CoSigner.objects.filter(item_id__in=inviting, state=CoSigner.State.INVITED).values_list(
                "item_id", "person__user_id") if inviting else []:
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
