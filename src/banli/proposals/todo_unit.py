"""The unit liaison's to-do: each assignment of the unit sits in ONE section, the one its next step
belongs to. An unsigned unit signs first (its other clocks already run, but nothing else can be
done yet); a reply is split by where it stands: not started, returned with the reviewer's words,
waiting on the unit leader or the district leader (someone else's step, shown as such), approved
and ready to send.

Cost (issue 16): one read of the unit's open milestones (the partial index deadline_unit_open_kind,
narrow columns), one of the unfinished replies of those assignments and of the approvals of their
drafts; each milestone's stage is then placed once per page in Python, and the entries of every
section are fetched together by primary key. Computing the stage in SQL once per section read the
unit's milestones eleven times (53,000 buffers at 100k items). Nothing scans the history: closed
milestones and sent replies are never read."""

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from banli.deadlines.models import Deadline, Milestone

from .guards import has_opinion, may_send
from .models import AdjustmentRequest, Assignment, Reply, ReplyApproval
from .todo_base import SHOWN, Entry, Section, unit_name, who, word

M = Milestone
R = Reply.State
REPLY_KINDS = [M.REPLY, M.SECOND_REPLY]
IN_APPROVAL = [R.PENDING_UNIT, R.PENDING_LEADER, R.APPROVED]
OPEN = Q(state=Deadline.State.OPEN) | Q(state=Deadline.State.LATE)  # the partial index's own condition (SQLite)


def _stages(rows) -> tuple[dict, dict, dict]:
    """Where each reply milestone's reply stands, computed once per page from the unfinished
    replies of these assignments (draft to approved; sent ones are never read): {deadline id:
    stage}, with "hidden" where the same assignment is listed in another section (its next step is
    a meeting, or a reply in approval); also which assignments have a draft, and the latest
    approval of a returned draft (who returned it)."""
    asked = {a for _, kind, _, _, a in rows if kind in REPLY_KINDS or kind == M.CONSULT}
    by_state: dict = {}
    drafts = {}
    for pk, assignment_id, state in Reply.objects.filter(assignment_id__in=asked, state__in=[R.DRAFT, *IN_APPROVAL]).values_list(
            "pk", "assignment_id", "state") if asked else []:
        by_state.setdefault(state, set()).add(assignment_id)
        if state == R.DRAFT:
            drafts[pk] = assignment_id
    # A draft that a reviewer has seen (and so returned): from the drafts, by the approvals' reply index.
    returned_by = {}
    for reply_id, pk in ReplyApproval.objects.filter(reply_id__in=drafts).values_list("reply_id", "pk") if drafts else []:
        a = drafts[reply_id]
        returned_by[a] = max(pk, returned_by.get(a, 0))
    # Rule 5: the unit meets the proposer before it replies; until then that is its next step. The
    # consult milestone is the same unit's, so it is among these rows when it is open.
    consult_open = {a for _, kind, _, _, a in rows if kind == M.CONSULT}
    busy = by_state.get(R.PENDING_UNIT, set()) | by_state.get(R.PENDING_LEADER, set()) | by_state.get(R.APPROVED, set()) | set(returned_by)
    stages = {}
    for pk, kind, _, _, a in rows:
        stage = ""
        if kind in REPLY_KINDS:
            stage = next((st for st in IN_APPROVAL if a in by_state.get(st, ())), "")
            stage = stage or ("returned" if a in returned_by else "hidden" if a in consult_open else "draft")
        elif kind == M.CONSULT and a in busy:
            stage = "hidden"
        stages[pk] = stage
    return stages, by_state.get(R.DRAFT, set()), returned_by


# (key, title, kinds, stage, form anchor, waits on someone else)
SECTIONS = [
    ("unit_sign", _("待签收"), [M.SIGN], "", "do-sign", False),
    ("unit_consult", _("待面商沟通"), [M.CONSULT], "", "do-record_consultation", False),
    ("unit_co_opinion", _("待提交会办意见"), [M.CO_OPINION], "", "do-send_co_opinion", False),
    ("unit_reply", _("待拟写答复"), [M.REPLY], "draft", "do-draft_reply", False),
    ("unit_second_reply", _("待重新办理答复"), [M.SECOND_REPLY], "draft", "do-draft_reply", False),
    ("unit_reply_returned", _("退回修改"), REPLY_KINDS, "returned", "do-draft_reply", False),
    ("unit_reply_send", _("待发出"), REPLY_KINDS, "approved", "do-send_reply", False),
    ("unit_progress", _("待报送办理进展"), [M.PROGRESS], "", "do-report_progress", False),
    ("unit_message", _("待回复留言"), [M.MESSAGE], "", "messages", False),
    ("unit_reply_pending_unit", _("待单位领导审核"), REPLY_KINDS, "pending_unit", "replies", True),
    ("unit_reply_pending_leader", _("待区领导阅批"), REPLY_KINDS, "pending_leader", "replies", True),
]
# Sections whose count is exactly that of the deadlines list for the kind (its "see all").
FULL_LIST = {"unit_sign": M.SIGN, "unit_progress": M.PROGRESS, "unit_message": M.MESSAGE}


def _first_step(d, stage: str) -> str:
    person = word(d.item.assembly, "person")
    if d.kind == M.SIGN:
        return _t("下一步：联络员签收（或申请调整）")
    if d.kind == M.CONSULT:
        return _t("下一步：联络员与%(person)s当面沟通（办前面商）") % {"person": person}
    if d.kind == M.CO_OPINION:
        return _t("下一步：联络员向主办单位提交会办意见")
    if d.kind == M.PROGRESS:
        return _t("下一步：联络员报送办理进展")
    if d.kind == M.MESSAGE:
        return _t("下一步：联络员回复留言")
    if stage == "returned":
        return _t("下一步：联络员按退回意见修改后重新提交审核")
    if stage == "pending_unit":
        return _t("等待单位领导审核（%(name)s）") % {"name": who(d.unit.leader) or _t("单位主要领导")}
    if stage == "pending_leader":
        return _t("等待区领导阅批（%(name)s）") % {"name": who(d.unit.supervising_leader) or _t("分管区领导")}
    if d.kind == M.SECOND_REPLY:
        return (_t("下一步：联络员提交单位领导审核（草稿已保存）") if d.has_draft
                else _t("下一步：联络员再次联系%(person)s，重新拟写答复") % {"person": person})
    return _t("下一步：联络员提交单位领导审核（草稿已保存）") if d.has_draft else _t("下一步：联络员拟写答复")


def send_step(item, a) -> tuple[str, bool]:
    """The next step of an approved reply, and whether it waits on someone else: sending, unless
    a rule of the table holds it back (read from prefetched records, as the guard reads them)."""
    err = may_send(item, a)
    person = word(item.assembly, "person")
    if err is None:
        return _t("下一步：联络员发出答复"), False
    if err.code == "co_opinions_missing":
        names = "、".join(unit_name(c.unit) for c in item.assignments.all() if c.active and c.role == "co" and not has_opinion(c))
        return _t("等待会办意见（%(units)s），收齐或经区府办豁免后发出") % {"units": names}, True
    if err.code == "no_consultation":
        return _t("下一步：联络员与%(person)s当面沟通后发出答复（答复前须办前面商）") % {"person": person}, False
    if err.code == "no_second_contact":
        return _t("下一步：联络员再次与%(person)s沟通后发出答复") % {"person": person}, False
    return err.message, False


def _returned_details(rows) -> dict:
    ids = [d.returned_by for d in rows if getattr(d, "returned_by", None)]
    approvals = {ap.pk: ap for ap in ReplyApproval.objects.filter(pk__in=ids).select_related("by")} if ids else {}
    out = {}
    for d in rows:
        ap = approvals.get(getattr(d, "returned_by", None))
        if ap is not None:
            out[d.pk] = _t("%(name)s（%(level)s）退回：%(comment)s") % {"name": who(ap.by), "level": ap.get_level_display(), "comment": ap.comment}
    return out


def _entries(rows, key, stage, anchor) -> list[Entry]:
    details = _returned_details(rows) if stage == "returned" else {}
    if stage == "approved" and rows:
        prefetch_related_objects(rows, Prefetch("item__assignments", queryset=Assignment.objects.select_related("unit", "co_opinion")),
                                 "item__consultations", Prefetch("assignment__replies", queryset=Reply.objects.select_related("feedback")))
    out = []
    for d in rows:
        e = Entry(d.item, anchor=_anchor(d, anchor), note=d.unit.name if d.unit else "", due_on=d.due_on, late=d.state == Deadline.State.LATE,
                  detail=details.get(d.pk, ""))
        if stage == "approved":
            e.next, e.waiting = send_step(d.item, d.assignment)
        else:
            e.next, e.waiting = _first_step(d, stage), stage in ("pending_unit", "pending_leader")
        if d.kind == M.SECOND_REPLY and stage != "draft":
            e.note = _t("%(unit)s · 重新办理") % {"unit": e.note}
        out.append(e)
    return out


def _anchor(d, anchor: str) -> str:
    if d.assignment_id and anchor.startswith("do-"):
        return f"{anchor}-{d.assignment_id}"
    return anchor


def liaison_sections(actor) -> list[Section]:
    if not actor.liaison_unit_ids:
        return []
    units = actor.liaison_unit_ids
    # Until the unit signs, signing is its one step: its other milestones wait (a message to it does not).
    rows = list(Deadline.objects.filter(OPEN, unit_id__in=units, item__isnull=False)
                .filter(Q(kind__in=[M.SIGN, M.MESSAGE]) | Q(assignment__state=Assignment.State.SIGNED))
                .order_by().values_list("pk", "kind", "state", "due_on", "assignment_id"))
    stages, has_draft, returned_by = _stages(rows)
    placed: dict = {}
    for row in rows:
        placed.setdefault((row[1], stages[row[0]]), []).append(row)
    shown = {}
    for key, _title, kinds, stage, _anchor, _waiting in SECTIONS:
        # "late" sorts before "open": late ones first, then by due date.
        mine = sorted((r for k in kinds for r in placed.get((k, stage), ())), key=lambda r: (r[2], r[3], r[0]))
        shown[key] = (len(mine), [r[0] for r in mine[:SHOWN]])
    wanted = [pk for _, ids in shown.values() for pk in ids]
    fetched = {d.pk: d for d in Deadline.objects.filter(pk__in=wanted).select_related(
        "item", "unit__leader", "unit__supervising_leader", "assignment")} if wanted else {}
    out = []
    for key, title, kinds, stage, anchor, waiting in SECTIONS:
        total, ids = shown[key]
        if not total:
            continue
        rows = [fetched[pk] for pk in ids]
        for d in rows:
            d.has_draft, d.returned_by = d.assignment_id in has_draft, returned_by.get(d.assignment_id)
        kind = FULL_LIST.get(key)
        section = Section(key, "liaison", title, total, _entries(rows, key, stage, anchor), f"/deadlines/?kind={kind}" if kind else "",
                          waiting=waiting)
        if not kind:
            section.wider_url, section.wider_label = f"/deadlines/?kind={kinds[0]}", _t("全部“%(kind)s”环节") % {"kind": M(kinds[0]).label}
        out.append(section)
    adjusting, refused = _adjustments(units)
    if refused.total:
        # Refused adjustments are signed for like the others, though their signing clock was met
        # by the request (rule 4): listed after the milestones, and the section has no full list.
        sign = next((s for s in out if s.key == "unit_sign"), None)
        if sign is None:
            sign = Section("unit_sign", "liaison", SECTIONS[0][1], 0)
            out.insert(0, sign)
        sign.total += refused.total
        sign.entries = (sign.entries + refused.entries)[:SHOWN]
        sign.more_url = ""
    if adjusting.total:
        out.append(adjusting)
    return out


def _adjustments(units) -> tuple[Section, Section]:
    """Assignments the unit asked to hand on, while the office decides (someone else's step), and
    those whose adjustment the office refused, which the unit must now sign for."""
    refused = Exists(AdjustmentRequest.objects.filter(assignment_id=OuterRef("pk"), state=AdjustmentRequest.State.REFUSED))
    qs = (Assignment.objects.filter(unit_id__in=units, state__in=[Assignment.State.ADJUSTING, Assignment.State.PENDING])
          .annotate(refused=refused))
    totals = {}
    for state, was_refused, n in qs.values_list("state", "refused").annotate(n=Count("pk")).order_by():
        key = "adjusting" if state == Assignment.State.ADJUSTING else ("refused" if was_refused else "")
        totals[key] = totals.get(key, 0) + n

    def fetch(key, **filters):
        if not totals.get(key):
            return []
        return list(qs.filter(**filters).select_related("item", "unit").order_by("id")[:SHOWN])

    waiting = [Entry(a.item, anchor="actions", note=a.unit.name, next=_t("等待区府办决定调整申请"), waiting=True)
               for a in fetch("adjusting", state=Assignment.State.ADJUSTING)]
    signing = [Entry(a.item, anchor=f"do-sign-{a.pk}", note=a.unit.name, next=_t("下一步：联络员签收（区府办不同意调整）"))
               for a in fetch("refused", state=Assignment.State.PENDING, refused=True)]
    return (Section("unit_adjusting", "liaison", _("已申请调整"), totals.get("adjusting", 0), waiting, waiting=True),
            Section("unit_sign", "liaison", SECTIONS[0][1], totals.get("refused", 0), signing))
