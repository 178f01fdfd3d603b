"""The unit liaison's to-do: each assignment of the unit sits in ONE section, the one its next step
belongs to. An unsigned unit signs first (its other clocks already run, but nothing else can be
done yet); a reply is split by where it stands: not started, returned with the reviewer's words,
waiting on the unit leader or the district leader (someone else's step, shown as such), approved
and ready to send.

Cost: one grouped count over the unit's open milestones (the partial index deadline_unit_open_kind),
the reply's stage read per milestone through the reply's (state, assignment) index, then one short
fetch per section that has entries. Nothing scans the history: closed milestones and sent replies
are never read."""

from django.db.models import Case, Count, Exists, OuterRef, Q, Subquery, Value, When
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


def _replies(*states):
    return Reply.objects.filter(assignment_id=OuterRef("assignment_id"), state__in=states)


def _stage():
    """Where the assignment's reply stands, for a reply milestone; "hidden" where the same
    assignment is listed in another section (its next step is a meeting, or a reply in approval)."""
    # A draft that a reviewer has seen (and so returned), asked from the draft replies through the
    # approvals' reply index: joining approvals to replies instead made PostgreSQL hash every
    # approval ever given (132,351 rows at 100k items, twice per to-do page).
    returned = _replies(R.DRAFT).filter(Exists(ReplyApproval.objects.filter(reply_id=OuterRef("pk"))))
    consult_open = Deadline.objects.filter(OPEN, assignment_id=OuterRef("assignment_id"), kind=M.CONSULT)
    reply_stage = Case(
        When(Exists(_replies(R.PENDING_UNIT)), then=Value("pending_unit")),
        When(Exists(_replies(R.PENDING_LEADER)), then=Value("pending_leader")),
        When(Exists(_replies(R.APPROVED)), then=Value("approved")),
        When(Exists(returned), then=Value("returned")),
        # Rule 5: the unit meets the proposer before it replies; until then that is its next step.
        When(Exists(consult_open), then=Value("hidden")),
        default=Value("draft"),
    )
    busy = Exists(_replies(*IN_APPROVAL)) | Exists(returned)
    return Case(
        When(kind__in=REPLY_KINDS, then=reply_stage),
        When(kind=M.CONSULT, then=Case(When(busy, then=Value("hidden")), default=Value(""))),
        default=Value(""),
    )


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
    mine = (Deadline.objects.filter(OPEN, unit_id__in=units, item__isnull=False)
            .filter(Q(kind__in=[M.SIGN, M.MESSAGE]) | Q(assignment__state=Assignment.State.SIGNED))
            .annotate(stage=_stage()))
    totals: dict = {}
    for kind, stage, n in mine.values_list("kind", "stage").annotate(n=Count("pk")).order_by():
        totals[(kind, stage)] = totals.get((kind, stage), 0) + n
    out = []
    for key, title, kinds, stage, anchor, waiting in SECTIONS:
        total = sum(totals.get((k, stage), 0) for k in kinds)
        if not total:
            continue
        qs = mine.filter(kind__in=kinds, stage=stage).select_related("item", "unit__leader", "unit__supervising_leader", "assignment")
        if stage == "draft":
            qs = qs.annotate(has_draft=Exists(_replies(R.DRAFT)))
        if stage == "returned":
            returned = ReplyApproval.objects.filter(reply__assignment_id=OuterRef("assignment_id"), reply__state=R.DRAFT).order_by("-id")
            qs = qs.annotate(returned_by=Subquery(returned.values("pk")[:1]))
        # "late" sorts before "open": late ones first, straight from the index.
        rows = list(qs.order_by("state", "due_on", "id")[:SHOWN])
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
