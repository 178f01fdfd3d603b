"""The to-do list (待办): for each role the user holds, what waits on them, each entry pointing at
the form where it is done. Every section is a count and a short fetch, both on indexes, so the
page costs the same at 100 items and at 100,000. (A window function carrying the total in one
query was tried first: it sorts every matching row to show eight, 250 ms at 100k.)"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from banli.deadlines.models import Deadline, Milestone

from .access import Actor, actor_for
from .models import (
    ENDED_STATES, Assignment, ClosureReport, CoSigner, ExtensionRequest, Item, ItemState, Message, MessageReadMark, Publication, Question,
    Reply, Side,
)
from .workflow import SUPERVISED

SHOWN = 8  # entries listed per section; the total is always given


@dataclass
class Entry:
    item: Item | None
    anchor: str = ""  # the form on the item page where the step is done
    note: str = ""
    due_on: object = None
    late: bool = False
    url: str = ""  # when the entry is not an item (a question)


@dataclass
class Section:
    key: str
    role: str
    title: str
    total: int = 0
    entries: list[Entry] = field(default_factory=list)
    more_url: str = ""


def _top(qs: QuerySet, order: list) -> tuple[list, int]:
    """The first SHOWN rows and the total."""
    total = qs.count()
    return (list(qs.order_by(*order)[:SHOWN]) if total else []), total


def _item_section(key, role, title, qs, anchor="", more_url="", note=None):
    rows, total = _top(qs.select_related("session"), ["-id"])
    return Section(key, role, title, total, [Entry(r, anchor=anchor, note=note(r) if note else "") for r in rows], more_url)


def _assignment_section(key, role, title, qs, action) -> Section:
    """Records of one unit's assignment (a reply, a closure report) that wait on this person; each
    entry opens the action on that assignment."""
    rows, total = _top(qs.select_related("item__session", "assignment__unit"), ["id"])
    return Section(key, role, title, total,
                   [Entry(r.item, anchor=f"do-{action}-{r.assignment_id}", note=r.assignment.unit.name) for r in rows])


def _question_section(key, role, qs) -> Section:
    rows, total = _top(qs, ["asked_at"])
    return Section(key, role, _("待答复的提问"), total, [Entry(None, note=q.subject, url=f"/questions/#q{q.pk}") for q in rows], "/questions/")


# Milestones a unit liaison works through, in the order they come.
LIAISON_MILESTONES = [
    (Milestone.SIGN, _("待签收"), "do-sign"),
    (Milestone.CONSULT, _("待面商沟通"), "do-record_consultation"),
    (Milestone.CO_OPINION, _("待提交会办意见"), "do-send_co_opinion"),
    (Milestone.REPLY, _("待答复"), "do-draft_reply"),
    (Milestone.SECOND_REPLY, _("待重新办理答复"), "do-draft_reply"),
    (Milestone.PROGRESS, _("待报送办理进展"), "do-report_progress"),
    (Milestone.MESSAGE, _("待回复留言"), "messages"),
]


def _anchor(d: Deadline, anchor: str) -> str:
    """The form where the milestone is met; a unit that has not signed yet must sign first."""
    if not (d.assignment_id and anchor.startswith("do-")):
        return anchor
    if d.assignment.state != Assignment.State.SIGNED:
        return f"do-sign-{d.assignment_id}" if d.assignment.state == Assignment.State.PENDING else "actions"
    return f"{anchor}-{d.assignment_id}"


def _deadline_sections(qs: QuerySet, kinds, role: str, key_prefix: str) -> list[Section]:
    """Open milestones grouped by kind, late ones first: one count per kind in one grouped query,
    then the first few of each kind that has any (at most one query per kind of milestone)."""
    # Written as the partial index's own condition (an OR, not IN), so SQLite uses that index.
    qs = qs.filter(Q(state=Deadline.State.OPEN) | Q(state=Deadline.State.LATE))
    totals = dict(qs.filter(kind__in=[k for k, _, _ in kinds]).values_list("kind").annotate(n=Count("pk")).order_by())
    out = []
    for kind, title, anchor in kinds:
        if not totals.get(kind):
            continue
        # "late" sorts before "open": late ones first, straight from the index.
        rows = qs.filter(kind=kind).select_related("item", "unit", "assignment").order_by("state", "due_on", "id")[:SHOWN]
        entries = [Entry(d.item, anchor=_anchor(d, anchor), note=d.unit.name if d.unit else "", due_on=d.due_on,
                         late=d.state == Deadline.State.LATE) for d in rows]
        out.append(Section(f"{key_prefix}_{kind}", role, title, totals[kind], entries, f"/deadlines/?kind={kind}"))
    return out


def proposer_sections(actor: Actor) -> list[Section]:
    people = actor.person_ids
    if not people:
        return []
    mine = Item.objects.filter(proposer_id__in=people)
    sections = [
        _item_section("drafts", "proposer", _("草稿（未提交）"), mine.filter(state=ItemState.DRAFT), more_url="/items/?mine=1&state=draft"),
        _item_section("cosign", "proposer", _("待回应的联名邀请"),
                      Item.objects.filter(state=ItemState.DRAFT, cosigners__person_id__in=people, cosigners__state=CoSigner.State.INVITED),
                      anchor="do-respond_cosign"),
    ]
    # Every sent reply whose rating clock runs, whatever the item's state: a separate unit's reply
    # is rated while the other units are still handling the item (rule 3).
    waiting = Deadline.objects.filter(Q(state=Deadline.State.OPEN) | Q(state=Deadline.State.LATE), kind=Milestone.FEEDBACK,
                                      item__proposer_id__in=people).select_related("item__session")
    rows, total = _top(waiting, ["due_on", "id"])
    sections.append(Section("to_rate", "proposer", _("待评价的答复"), total,
                            [Entry(d.item, anchor="do-give_feedback", due_on=d.due_on, late=d.state == Deadline.State.LATE) for d in rows],
                            "/items/?mine=1&state=replied"))
    mark = MessageReadMark.objects.filter(user=actor.user, item=OuterRef("item_id"), last_read_id__gte=OuterRef("pk"))
    # Grouped by item: a proposer has a few items a year, so every group is fetched and counted.
    rows = list(Message.objects.filter(item__proposer_id__in=people).exclude(side=Side.PROPOSER).exclude(Exists(mark))
                .values("item_id").annotate(n=Count("pk")).order_by("-item_id"))
    total, rows = len(rows), rows[:SHOWN]
    items = {i.pk: i for i in Item.objects.filter(pk__in=[r["item_id"] for r in rows]).select_related("session")}
    sections.append(Section("unread", "proposer", _("未读留言"), total,
                            [Entry(items[r["item_id"]], anchor="messages", note=str(r["n"])) for r in rows if r["item_id"] in items]))
    answered = Question.objects.filter(asker_id__in=people, answered_at__isnull=False, answer_read_at__isnull=True)
    rows, total = _top(answered, ["-answered_at"])
    sections.append(Section("answers", "proposer", _("有问必答：新答复"), total, [Entry(None, note=q.subject, url=f"/questions/#q{q.pk}") for q in rows], "/questions/"))
    return sections


def assembly_office_sections(actor: Actor) -> list[Section]:
    if not actor.assembly_offices:
        return []
    ours = Item.objects.filter(assembly__in=actor.assembly_offices)
    return [
        _item_section("review", "assembly_office", _("待立案审查"), ours.filter(state=ItemState.SUBMITTED), anchor="actions",
                      more_url="/items/?state=submitted"),
        _item_section("withdrawals", "assembly_office", _("待审核的撤回申请"), ours.filter(withdrawal_requested=True), anchor="do-decide_withdrawal",
                      more_url="/items/?withdrawal=1"),
    ]


def gov_office_sections(actor: Actor) -> list[Section]:
    if not actor.gov_office:
        return []
    sections = [
        _item_section("to_assign", "gov_office", _("待交办"), Item.objects.filter(state=ItemState.REGISTERED), anchor="do-assign",
                      more_url="/items/?state=registered"),
    ]
    adj = Assignment.objects.filter(state=Assignment.State.ADJUSTING).select_related("item__session", "unit")
    rows, total = _top(adj, ["id"])
    sections.append(Section("adjustments", "gov_office", _("待决定的调整申请"), total,
                            [Entry(a.item, anchor=f"do-decide_adjustment-{a.pk}", note=a.unit.name) for a in rows]))
    ext = ExtensionRequest.objects.filter(state=ExtensionRequest.State.PENDING).select_related("assignment__item__session", "assignment__unit")
    rows, total = _top(ext, ["id"])
    sections.append(Section("extensions", "gov_office", _("待审批的延期申请"), total,
                            [Entry(e.assignment.item, anchor=f"do-decide_extension-{e.assignment_id}", note=e.assignment.unit.name,
                                   due_on=e.requested_due) for e in rows]))
    # Every late milestone, Q&A answers included, so that the card and its full list agree.
    late = Deadline.objects.filter(state=Deadline.State.LATE).select_related("item__session", "unit", "question")
    rows, total = _top(late, ["due_on", "id"])
    sections.append(Section("late", "gov_office", _("超期未办的环节"), total,
                            [Entry(d.item, anchor="deadlines", note=f"{d.get_kind_display()} · {d.unit.name if d.unit else ''}".strip(" ·"),
                                   due_on=d.due_on, late=True, url="" if d.item_id else f"/questions/#q{d.question_id}") for d in rows],
                            "/deadlines/?late=1"))
    # Per replying unit (rule 3): a separate unit's reply is decided on as soon as it is sent.
    undecided = (Assignment.objects.filter(publication=Publication.UNDECIDED, replied_round__gte=1).exclude(state=Assignment.State.ENDED)
                 .exclude(item__state__in=ENDED_STATES).select_related("item__session", "unit"))
    rows, total = _top(undecided, ["id"])
    sections.append(Section("publication", "gov_office", _("待决定是否公开"), total,
                            [Entry(a.item, anchor=f"do-decide_publication-{a.pk}", note=a.unit.name) for a in rows],
                            "/publication/"))  # the office's publication review: the queue with both groups, decided in batches
    sections.append(_question_section("questions", "gov_office", Question.objects.filter(to_unit__isnull=True, answered_at__isnull=True)))
    return sections


def liaison_sections(actor: Actor) -> list[Section]:
    if not actor.liaison_unit_ids:
        return []
    units = actor.liaison_unit_ids
    sections = _deadline_sections(Deadline.objects.filter(unit_id__in=units, item__isnull=False), LIAISON_MILESTONES, "liaison", "unit")
    questions = _question_section("unit_questions", "liaison", Question.objects.filter(to_unit_id__in=units, answered_at__isnull=True))
    if questions.total:
        sections.append(questions)
    if not sections:
        sections.append(Section("unit_clear", "liaison", _("承办事项"), 0))
    return sections


def unit_head_sections(actor: Actor) -> list[Section]:
    if not actor.head_unit_ids:
        return []
    units = actor.head_unit_ids
    return [
        _assignment_section("approve_replies", "unit_head", _("待审核的答复"),
                            Reply.objects.filter(state=Reply.State.PENDING_UNIT, assignment__unit_id__in=units), "approve_reply"),
        _assignment_section("approve_closure", "unit_head", _("待审核的办结报告"),
                            ClosureReport.objects.filter(state=ClosureReport.State.PENDING, assignment__unit_id__in=units), "approve_closure_report"),
    ]


def district_leader_sections(actor: Actor) -> list[Section]:
    if not actor.district_leader:
        return []
    out = [_assignment_section("leader_replies", "district_leader", _("待阅批的答复（留作参考类）"),
                               Reply.objects.filter(state=Reply.State.PENDING_LEADER, assignment__unit_id__in=actor.portfolio_unit_ids),
                               "leader_approve_reply")]
    out.append(_item_section("key_items", "district_leader", _("牵头督办的重点提案/建议"),
                             Item.objects.filter(key_leader=actor.user, is_key=True, state__in=SUPERVISED | {ItemState.CLOSED}),
                             more_url="/items/?key=1&mine_key=1", note=lambda i: i.get_state_display()))
    return out


ROLE_TITLES = {
    "proposer": _("委员/代表"), "assembly_office": _("提案委/代表工委"), "gov_office": _("区府办"),
    "liaison": _("承办单位联络员"), "unit_head": _("承办单位领导"), "district_leader": _("区领导"),
}


def todo_sections(user) -> list[Section]:
    actor = actor_for(user)
    out = []
    for build in (proposer_sections, assembly_office_sections, gov_office_sections, liaison_sections, unit_head_sections,
                  district_leader_sections):
        out.extend(build(actor))
    return out
