"""What a reader sees of one item: decided here, once, and rendered by every door (the API's item
detail, the item page, the dossier). DOMAIN §2: a unit sees the item and the lead's reply, not
other units' internal drafts; contact data goes only to the office and the units handling the item.

Internal steps of a unit (drafts, approvals and returns with their comments, extension requests,
closure reports not yet approved) are seen by the unit itself, its district leader and the
government office: not by other units, the proposers or co-signers, or the assembly office.
Co-handling opinions go to the lead (or separate) units, the co-handling unit itself, the offices.

`item_view(actor, item)` takes an item from `selectors.item_detail` (everything prefetched) and
runs no query. Records a reader may see only in part are shallow copies with the hidden fields
blanked, so no door can print what the rule withheld."""

import copy
import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from .access import Actor, can_see_contacts
from .models import ClosureReport, CoOpinion, Reply, has_related
from .submission import CosignOutcome, cosign_outcome

# Audit actions that are a unit's internal steps; rows of these are shown to the unit's insiders.
INTERNAL_ACTIONS = frozenset({
    "draft_reply", "convert_reply_type", "submit_reply", "approve_reply", "return_reply", "leader_approve_reply",
    "leader_return_reply", "request_extension", "decide_extension", "file_closure_report", "return_closure_report",
})
# Rows about a co-handling opinion follow the opinion's own rule.
OPINION_ACTIONS = frozenset({"send_co_opinion", "waive_co_opinion", "grade_co_unit"})
CONTACT_FIELDS = ("phone", "address")
CONTACT_KINDS = ("before", "during", "after")


@dataclass
class AssignmentView:
    assignment: object
    opinion: CoOpinion | None = None  # None: none yet, or not for this reader
    opinion_shown: bool = False  # whether this reader may read the unit's opinion at all
    extensions: list = field(default_factory=list)
    adjustments: list = field(default_factory=list)
    # Rule 5's three contacts (办前面商、办中沟通、办后回访): how many of each this unit recorded.
    contacts: dict = field(default_factory=dict)
    # The lead unit's grade of this co-handling unit in force (its latest), seen by whoever may
    # read the unit's co-handling opinion.
    lead_grade: object = None
    # This unit's consultation records (面商沟通), oldest first: a record belongs to the unit that
    # made it, under the assignment it was made in.
    consultations: list = field(default_factory=list)

    def __getattr__(self, name):  # the template and serializers read the assignment's own fields
        return getattr(self.assignment, name)


@dataclass
class ReplyView:
    reply: Reply
    approvals: list = field(default_factory=list)
    feedback: object = None

    def __getattr__(self, name):
        return getattr(self.reply, name)


@dataclass
class ItemView:
    item: object
    contacts: bool
    proposer: object
    cosigners: list
    assignments: list  # AssignmentView, ended ones included (history of re-assignment)
    consultations: list
    replies: list  # ReplyView
    feedbacks: list
    progress_updates: list
    closure_reports: list
    publication_records: list
    instructions: list
    urges: list
    mediations: list
    messages: list
    attachments: list
    history: list
    deadlines: list
    # What the proposer asked for when filing (suggested units, urgency, consent to publish): the
    # offices assign, register and publish by it, the units handle by it, so every reader of the
    # item sees it (a district leader too, as the item's header and the lists show urgency to
    # all). Never the public: the portal reads published data only (banli.portal), not this view.
    facts: "ProposerFacts | None" = None
    # The deadlines in reading order (MilestoneRow): see milestone_rows.
    milestones: list = field(default_factory=list)
    # Who co-signs, and who was (or will be) left out at submission; None: nobody was invited.
    cosign: CosignOutcome | None = None


@dataclass
class ProposerFacts:
    suggested_units: list
    urgent: bool
    consent_publish: bool | None


@dataclass
class MilestoneRow:
    """One deadline as the item page lists it. `running`: open or late, waiting on someone;
    `on`: the date it is listed by (the due date while running, the day it was met once done,
    the due date of a waived one). `cosign`: for the co-signing milestone, who confirmed and
    who was left out, so "done" never hides a dropped name."""

    deadline: object
    running: bool
    on: datetime.date | None
    cosign: CosignOutcome | None = None

    def __getattr__(self, name):
        return getattr(self.deadline, name)


class _Rule:
    def __init__(self, actor: Actor, item):
        self.actor, self.item = actor, item
        self.everything = actor.gov_office or actor.is_admin
        self.own = set(actor.unit_ids) | (set(actor.portfolio_unit_ids) if actor.district_leader else set())
        active = [a for a in item.assignments.all() if a.active]
        self.contacts = can_see_contacts(actor, item, [a.unit_id for a in active])
        # The lead and separate units read the co-handling opinions sent to them.
        self.replying_insider = any(a.answers and self.insider(a.unit_id) for a in active)

    def insider(self, unit_id) -> bool:
        return self.everything or unit_id in self.own

    def sees_opinion(self, assignment) -> bool:
        return (self.everything or self.item.assembly in self.actor.assembly_offices or self.replying_insider
                or self.insider(assignment.unit_id))


def _without_contacts(person):
    shown = copy.copy(person)
    for name in CONTACT_FIELDS:
        setattr(shown, name, "")
    return shown


def _opinion(a):
    return a.co_opinion if has_related(a, "co_opinion") else None


def item_view(actor: Actor, item) -> ItemView:
    rule = _Rule(actor, item)
    person = (lambda p: p) if rule.contacts else _without_contacts

    cosigners = []
    for c in item.cosigners.all():
        shown = copy.copy(c)
        shown.person = person(c.person)
        cosigners.append(shown)

    made = {}
    for c in item.consultations.all():
        made.setdefault(c.unit_id, dict.fromkeys(CONTACT_KINDS, 0))[c.kind] += 1
    assignments = []
    for a in item.assignments.all():
        shown = a.role == "co" and rule.sees_opinion(a)
        assignments.append(AssignmentView(a, _opinion(a) if shown else None, shown,
                                          list(a.extensions.all()) if rule.insider(a.unit_id) else [], list(a.adjustments.all()),
                                          made.get(a.unit_id, dict.fromkeys(CONTACT_KINDS, 0)) if a.answers else {},
                                          ([None] + list(a.lead_grades.all()))[-1] if shown else None))
    _file_consultations(assignments, item.consultations.all())

    feedback_of = {fb.reply_id: fb for fb in item.feedbacks.all()}
    replies = []
    for r in item.replies.all():
        inside = rule.insider(r.assignment.unit_id)
        if r.state != Reply.State.SENT and not inside:
            continue
        shown = r if rule.contacts else copy.copy(r)
        if not rule.contacts:
            shown.contact_phone = ""
        replies.append(ReplyView(shown, list(r.approvals.all()) if inside else [], feedback_of.get(r.pk)))

    closures = []
    for cr in item.closure_reports.all():
        inside = rule.insider(cr.assignment.unit_id)
        if cr.state != ClosureReport.State.APPROVED and not inside:
            continue
        if not inside:
            cr = copy.copy(cr)
            cr.comment = ""  # the unit leader's approval comment is internal
        closures.append(cr)

    cosign = cosign_outcome(item)
    return ItemView(
        item=item, contacts=rule.contacts, proposer=person(item.proposer), cosigners=cosigners, assignments=assignments,
        consultations=list(item.consultations.all()), replies=replies, feedbacks=list(item.feedbacks.all()),
        progress_updates=list(item.progress_updates.all()), closure_reports=closures,
        publication_records=list(item.publication_records.all()), instructions=list(item.instructions.all()),
        urges=list(item.urges.all()), mediations=list(item.mediations.all()), messages=list(item.messages.all()),
        attachments=list(item.attachments.all()), history=_history(rule, item), deadlines=list(item.deadlines.all()),
        facts=ProposerFacts(list(item.suggested_units.all()), item.urgent, item.consent_publish),
        milestones=milestone_rows(item.deadlines.all(), cosign), cosign=cosign,
    )


def _file_consultations(assignments: list, consultations) -> None:
    """Each record under its unit's assignment: of a unit assigned more than once (re-assigned),
    the last assignment made on or before the day the meeting was held."""
    for c in consultations:
        mine = sorted((av for av in assignments if av.unit_id == c.unit_id), key=lambda av: (av.assigned_at, av.pk))
        if not mine:
            continue
        before = [av for av in mine if timezone.localdate(av.assigned_at) <= c.held_on]
        (before or mine)[-1].consultations.append(c)


def milestone_rows(deadlines, cosign: CosignOutcome | None = None) -> list[MilestoneRow]:
    """The deadlines in the order the item page lists them: first those still running (late and
    open), soonest due first, so what needs doing now is on top; then those done or waived, in
    the order they were settled."""
    rows = []
    for d in deadlines:
        running = d.state in ("open", "late")
        rows.append(MilestoneRow(d, running, d.due_on if running else (d.met_on or d.due_on),
                                 cosign if d.kind == "cosign" else None))
    return sorted(rows, key=lambda r: (not r.running, r.on or datetime.date.max, r.deadline.pk))


def _history(rule: _Rule, item) -> list:
    """The audit trail without the rows of other units' internal steps."""
    records = list(item.audit_records.all())
    if rule.everything:
        return records
    unit_of, opinion_of, graded = {}, {}, {}
    for a in item.assignments.all():
        unit_of[("assignment", a.pk)] = a
        for g in a.lead_grades.all():
            graded[g.pk] = a
        for e in a.extensions.all():
            unit_of[("extensionrequest", e.pk)] = a
        for cr in a.closure_reports.all():
            unit_of[("closurereport", cr.pk)] = a
        op = _opinion(a)
        if op is not None:
            opinion_of[op.pk] = a
    for r in item.replies.all():
        unit_of[("reply", r.pk)] = r.assignment
    out = []
    for rec in records:
        if rec.action in OPINION_ACTIONS:
            a = (graded if rec.action == "grade_co_unit" else opinion_of).get(rec.target_id)
            if a is None or not rule.sees_opinion(a):
                continue
        elif rec.action in INTERNAL_ACTIONS:
            a = unit_of.get((rec.target_type, rec.target_id))
            if a is None or not rule.insider(a.unit_id):
                continue
        out.append(rec)
    return out
