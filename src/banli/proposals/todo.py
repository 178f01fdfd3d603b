"""The to-do list (待办): for each role the user holds, what waits on them, each entry pointing at
the form where it is done and saying the one next step and who holds it. Every section is a count
and a short fetch, both on indexes, so the page costs the same at 100 items and at 100,000. (A
window function carrying the total in one query was tried first: it sorts every matching row to
show eight, 250 ms at 100k.) The unit liaison's sections are in todo_unit.py."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from banli.deadlines.models import Deadline, Milestone

from .access import Actor, actor_for
from .models import (
    ENDED_STATES, Assignment, ClosureReport, CoSigner, ExtensionRequest, Item, ItemState, Message, MessageReadMark, Publication, Question,
    Reply, Side,
)
from .todo_base import SHOWN, Entry, Section, top, unit_name, word
from .todo_unit import liaison_sections as _unit_sections
from .workflow import SUPERVISED

_top = top


def _item_section(key, role, title, qs, anchor="", more_url="", note=None, step=None):
    rows, total = _top(qs.select_related("session"), ["-id"])
    return Section(key, role, title, total, [Entry(r, anchor=anchor, note=note(r) if note else "", next=step(r) if step else "") for r in rows],
                   more_url)


def _assignment_section(key, role, title, qs, action, step) -> Section:
    """Records of one unit's assignment (a reply, a closure report) that wait on this person; each
    entry opens the action on that assignment."""
    rows, total = _top(qs.select_related("item__session", "assignment__unit"), ["id"])
    return Section(key, role, title, total,
                   [Entry(r.item, anchor=f"do-{action}-{r.assignment_id}", note=r.assignment.unit.name, next=step) for r in rows])


def _question_section(key, role, qs, step) -> Section:
    rows, total = _top(qs, ["asked_at"])
    return Section(key, role, _("待答复的提问"), total, [Entry(None, note=q.subject, url=f"/questions/#q{q.pk}", next=step) for q in rows],
                   "/questions/")


def proposer_sections(actor: Actor) -> list[Section]:
    people = actor.person_ids
    if not people:
        return []
    mine = Item.objects.filter(proposer_id__in=people)
    sections = [
        _item_section("drafts", "proposer", _("草稿（未提交）"), mine.filter(state=ItemState.DRAFT), more_url="/items/?mine=1&state=draft",
                      step=lambda i: _t("下一步：您补全后提交")),
        _item_section("cosign", "proposer", _("待回应的联名邀请"),
                      Item.objects.filter(state=ItemState.DRAFT, cosigners__person_id__in=people, cosigners__state=CoSigner.State.INVITED),
                      anchor="do-respond_cosign", step=lambda i: _t("下一步：您确认或谢绝联名")),
    ]
    # Every sent reply whose rating clock runs, whatever the item's state: a separate unit's reply
    # is rated while the other units are still handling the item (rule 3).
    waiting = Deadline.objects.filter(Q(state=Deadline.State.OPEN) | Q(state=Deadline.State.LATE), kind=Milestone.FEEDBACK,
                                      item__proposer_id__in=people).select_related("item__session")
    rows, total = _top(waiting, ["due_on", "id"])
    sections.append(Section("to_rate", "proposer", _("待评价的答复"), total,
                            [Entry(d.item, anchor="do-give_feedback", due_on=d.due_on, late=d.state == Deadline.State.LATE, next=_t("下一步：您评价答复"))
                             for d in rows],
                            "/items/?mine=1&state=replied"))
    mark = MessageReadMark.objects.filter(user=actor.user, item=OuterRef("item_id"), last_read_id__gte=OuterRef("pk"))
    # Grouped by item: a proposer has a few items a year, so every group is fetched and counted.
    rows = list(Message.objects.filter(item__proposer_id__in=people).exclude(side=Side.PROPOSER).exclude(Exists(mark))
                .values("item_id").annotate(n=Count("pk")).order_by("-item_id"))
    total, rows = len(rows), rows[:SHOWN]
    items = {i.pk: i for i in Item.objects.filter(pk__in=[r["item_id"] for r in rows]).select_related("session")}
    sections.append(Section("unread", "proposer", _("未读留言"), total,
                            [Entry(items[r["item_id"]], anchor="messages", note=str(r["n"]), next=_t("下一步：您阅读留言"))
                             for r in rows if r["item_id"] in items]))
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
                      more_url="/items/?state=submitted",
                      step=lambda i: _t("下一步：%(office)s立案审查（立案、退回修改或不予立案）") % {"office": word(i.assembly, "office")}),
        _item_section("withdrawals", "assembly_office", _("待审核的撤回申请"), ours.filter(withdrawal_requested=True), anchor="do-decide_withdrawal",
                      more_url="/items/?withdrawal=1", step=lambda i: _t("下一步：%(office)s审核撤回申请") % {"office": word(i.assembly, "office")}),
    ]


def gov_office_sections(actor: Actor) -> list[Section]:
    if not actor.gov_office:
        return []
    sections = [
        _item_section("to_assign", "gov_office", _("待交办"), Item.objects.filter(state=ItemState.REGISTERED), anchor="do-assign",
                      more_url="/items/?state=registered", step=lambda i: _t("下一步：区府办交办承办单位")),
    ]
    adj = Assignment.objects.filter(state=Assignment.State.ADJUSTING).select_related("item__session", "unit")
    rows, total = _top(adj, ["id"])
    sections.append(Section("adjustments", "gov_office", _("待决定的调整申请"), total,
                            [Entry(a.item, anchor=f"do-decide_adjustment-{a.pk}", note=a.unit.name,
                                   next=_t("下一步：区府办决定是否同意%(unit)s的调整申请") % {"unit": unit_name(a.unit)}) for a in rows]))
    ext = ExtensionRequest.objects.filter(state=ExtensionRequest.State.PENDING).select_related("assignment__item__session", "assignment__unit")
    rows, total = _top(ext, ["id"])
    sections.append(Section("extensions", "gov_office", _("待审批的延期申请"), total,
                            [Entry(e.assignment.item, anchor=f"do-decide_extension-{e.assignment_id}", note=e.assignment.unit.name,
                                   next=_t("下一步：区府办审批延期（申请延至 %(date)s）") % {"date": e.requested_due.isoformat()}) for e in rows]))
    # Every late milestone, Q&A answers included, so that the card and its full list agree.
    late = Deadline.objects.filter(state=Deadline.State.LATE).select_related("item__session", "unit", "question")
    rows, total = _top(late, ["due_on", "id"])
    sections.append(Section("late", "gov_office", _("超期未办的环节"), total,
                            [Entry(d.item, anchor="deadlines", note=f"{d.get_kind_display()} · {d.unit.name if d.unit else ''}".strip(" ·"),
                                   due_on=d.due_on, late=True, url="" if d.item_id else f"/questions/#q{d.question_id}", next=_late_step(d)) for d in rows],
                            "/deadlines/?late=1"))
    # Per replying unit (rule 3): a separate unit's reply is decided on as soon as it is sent.
    # "Not on an ended item" as an anti-join against the few ended items (partial index item_ended):
    # joining each replied assignment to its item probed 2,449 items at 100k (8,000 buffers).
    ended_item = Item.objects.filter(pk=OuterRef("item_id"), state__in=ENDED_STATES)
    undecided = (Assignment.objects.filter(publication=Publication.UNDECIDED, replied_round__gte=1).exclude(state=Assignment.State.ENDED)
                 .exclude(Exists(ended_item)).select_related("item__session", "unit"))
    rows, total = _top(undecided, ["id"])
    sections.append(Section("publication", "gov_office", _("待决定是否公开"), total,
                            [Entry(a.item, anchor=f"do-decide_publication-{a.pk}", note=a.unit.name, next=_t("下一步：区府办决定是否公开"))
                             for a in rows],
                            "/publication/"))  # the office's publication review: the queue with both groups, decided in batches
    sections.append(_question_section("questions", "gov_office", Question.objects.filter(to_unit__isnull=True, answered_at__isnull=True),
                                      _t("下一步：区府办答复提问")))
    return sections


def liaison_sections(actor: Actor) -> list[Section]:
    if not actor.liaison_unit_ids:
        return []
    units = actor.liaison_unit_ids
    sections = _unit_sections(actor)
    questions = _question_section("unit_questions", "liaison", Question.objects.filter(to_unit_id__in=units, answered_at__isnull=True),
                                  _t("下一步：联络员答复提问"))
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
                            Reply.objects.filter(state=Reply.State.PENDING_UNIT, assignment__unit_id__in=units), "approve_reply",
                            _t("下一步：您审核答复（同意或退回修改）")),
        _assignment_section("approve_closure", "unit_head", _("待审核的办结报告"),
                            ClosureReport.objects.filter(state=ClosureReport.State.PENDING, assignment__unit_id__in=units), "approve_closure_report",
                            _t("下一步：您审核办结报告（同意或退回）")),
    ]


def district_leader_sections(actor: Actor) -> list[Section]:
    if not actor.district_leader:
        return []
    out = [_assignment_section("leader_replies", "district_leader", _("待阅批的答复（留作参考类）"),
                               Reply.objects.filter(state=Reply.State.PENDING_LEADER, assignment__unit_id__in=actor.portfolio_unit_ids),
                               "leader_approve_reply", _t("下一步：您阅批答复（同意或退回修改）"))]
    out.append(_key_items(actor))
    return out


# What a key item waits for, by its state, and whose step it is.
KEY_STEPS = {
    ItemState.REGISTERED: lambda i, units: _t("下一步：区府办交办"),
    ItemState.ASSIGNED: lambda i, units: _t("下一步：%(units)s签收") % {"units": units(pending=True)},
    ItemState.HANDLING: lambda i, units: _t("下一步：%(units)s答复") % {"units": units(owing=True)},
    ItemState.REPLIED: lambda i, units: _t("下一步：%(person)s评价答复") % {"person": word(i.assembly, "person")},
    ItemState.EVALUATED: lambda i, units: _t("下一步：%(units)s报送办结报告") % {"units": units(open_=True)},
    ItemState.REHANDLING: lambda i, units: _t("下一步：%(units)s重新办理答复") % {"units": units(owing=True)},
}


def _key_items(actor: Actor) -> Section:
    """The key items the leader supervises while they are being handled: a closed one needs
    nothing more (the office's list of key items keeps them)."""
    states = sorted(SUPERVISED)
    qs = (Item.objects.filter(key_leader=actor.user, is_key=True, state__in=states)
          .prefetch_related(Prefetch("assignments", queryset=Assignment.objects.exclude(state=Assignment.State.ENDED).select_related("unit"))))
    rows, total = _top(qs.select_related("session"), ["-id"])
    entries = []
    for item in rows:
        def units(pending=False, owing=False, open_=False, item=item):
            chosen = [a for a in item.assignments.all()
                      if (not pending or a.state != Assignment.State.SIGNED) and (not owing or (a.answers and a.replied_round < a.reply_round))
                      and (not open_ or (a.answers and not a.closed_at))]
            return "、".join(unit_name(a.unit) for a in chosen) or _t("承办单位")
        step = KEY_STEPS.get(item.state)
        entries.append(Entry(item, note=item.get_state_display(), next=step(item, units) if step else ""))
    return Section("key_items", "district_leader", _("牵头督办的重点提案/建议"), total, entries,
                   "/items/?key=1&mine_key=1&state=" + ",".join(states))


def _late_step(d) -> str:
    kind = d.get_kind_display()
    if d.unit_id:
        return _t("下一步：催办%(unit)s（%(kind)s已超期）") % {"unit": unit_name(d.unit), "kind": kind}
    return _t("下一步：督促办理（%(kind)s已超期）") % {"kind": kind}


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


ROLE_BUILDERS = {
    "proposer": proposer_sections, "assembly_office": assembly_office_sections, "gov_office": gov_office_sections,
    "liaison": liaison_sections, "unit_head": unit_head_sections, "district_leader": district_leader_sections,
}


def next_entry(user, role: str, keys, *, after_item_id: int) -> tuple[Section, Entry] | None:
    """The first entry of the user's to-do sections `keys` (in that order) that is not the item
    just acted on: the next one in the queue the item came from."""
    sections = {s.key: s for s in ROLE_BUILDERS[role](actor_for(user))}
    for key in keys:
        section = sections.get(key)
        for e in section.entries if section else []:
            if e.item is not None and e.item.pk != after_item_id:
                return section, e
    return None
