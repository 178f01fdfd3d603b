"""Reads of reply drafting: the templates, what a unit's reply form opens with, and a template
filled in for one item. The page and the API both call these.

What the form opens with (`reply_form`) is read from an item loaded by
banli.proposals.selectors.item_detail (replies, approvals and feedback prefetched): it runs no
query of its own, so the item page keeps its fixed count."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from banli.errors import forbidden, invalid, not_found
from banli.org.models import WORDING
from banli.proposals import selectors as item_selectors
from banli.proposals import workflow
from banli.proposals.access import Actor, access_item, actor_for
from banli.proposals.models import Assignment, Reply, ReplyApproval

from .models import ReplyTemplate
from .placeholders import item_values, render

# The reply form's fields, as the form (and the API's draft_reply input) names them.
FORM_FIELDS = ("reply_type", "body", "promise", "planned_date", "reference_reason", "signatory", "contact_person", "contact_phone",
               "recommendation", "withhold_reason")


@dataclass
class ReplyForm:
    """What the unit's reply form opens with, and what is shown beside it.

    source: "draft" (the saved draft), "returned" (a draft a leader sent back), "in_approval"
    (being approved: shown, not editable), "previous" (nothing drafted yet in re-handling or a type
    conversion: the last sent reply's text to revise), "" (a first, empty form)."""

    assignment: object
    values: dict = field(default_factory=dict)
    source: str = ""
    reply: Reply | None = None
    returned: ReplyApproval | None = None  # the leader's return, while the draft is being revised
    previous: Reply | None = None  # re-handling: the reply the proposer did not accept
    objection: object = None  # its Feedback: grade, agreement, comment
    editable: bool = False
    action: str = "draft_reply"


def reads_drafts(actor: Actor, assignment) -> bool:
    """A unit's reply drafts are internal (banli.proposals.reading): the unit's liaisons and leader,
    its district leader and the government office read them; nobody else."""
    if actor.gov_office or actor.is_admin:
        return True
    return bool(workflow.assignment_relations(actor, assignment) & {"liaison", "unit_head", "district_leader"})


def _values(reply: Reply, *, keep_type=True, keep_dates=True) -> dict:
    v = {k: getattr(reply, k) or "" for k in FORM_FIELDS if k not in ("reply_type", "planned_date")}
    v["reply_type"] = reply.reply_type.code if keep_type else ""
    planned = reply.planned_date if keep_dates else None
    # A planned date already past cannot be saved again (the action refuses it): left for a new one.
    v["planned_date"] = planned.isoformat() if planned and planned >= timezone.localdate() else ""
    if not keep_type:
        v["reference_reason"] = ""
    return v


def reply_form(actor: Actor, item, assignment, *, action: str | None = None) -> ReplyForm:
    """What the reply form of this unit opens with. `action` is draft_reply or
    convert_reply_type; by default whichever the table allows now (draft_reply if neither)."""
    if action is None:
        action = "convert_reply_type" if workflow.refusal("convert_reply_type", actor, item, assignment) is None else "draft_reply"
    conversion = action == "convert_reply_type"
    form = ReplyForm(assignment=assignment, action=action,
                     editable=workflow.refusal(action, actor, item, assignment) is None)
    # item.replies carries the approvals with their authors (item_detail): read it, not the assignment's.
    mine = [r for r in item.replies.all() if r.assignment_id == assignment.pk]
    feedback_of = {fb.reply_id: fb for fb in item.feedbacks.all()}
    open_ = [r for r in mine if r.state != Reply.State.SENT]
    sent = [r for r in mine if r.state == Reply.State.SENT]
    if assignment.reply_round > 1 and assignment.replied_round < assignment.reply_round and not conversion:
        before = [r for r in sent if r.round == assignment.reply_round - 1 and not r.is_conversion]
        if before:
            form.previous = before[-1]
            form.objection = feedback_of.get(form.previous.pk)
    if open_:
        form.reply = open_[-1]
        form.values = _values(form.reply)
        approvals = list(form.reply.approvals.all())
        if form.reply.state != Reply.State.DRAFT:
            form.source = "in_approval"
        elif approvals and approvals[-1].decision == ReplyApproval.Decision.RETURNED:
            form.source, form.returned = "returned", approvals[-1]
        else:
            form.source = "draft"
    elif form.previous is not None:
        form.values, form.source = _values(form.previous), "previous"
    elif conversion and sent:
        # A converted reply has another type: its text is the starting point, not its type or reason.
        form.values, form.source = _values(sent[-1], keep_type=False, keep_dates=False), "previous"
    return form


CARRIED = ("signatory", "contact_person", "contact_phone")


def carry_over(form: ReplyForm) -> ReplyForm:
    """A first, empty form takes the signatory and the contact from the unit's latest reply on any
    item: a unit answers hundreds of items with the same names (one query, only for such a form)."""
    if form.values or not form.editable:
        return form
    last = (Reply.objects.filter(assignment__unit_id=form.assignment.unit_id).order_by("-id").values(*CARRIED).first())
    if last:
        form.values = {k: v for k, v in last.items() if v}
    return form


def _assignment(item, assignment_id):
    a = next((a for a in item.assignments.all() if str(a.pk) == str(assignment_id)), None)
    if a is None:
        raise not_found()
    return a


def reply_form_for(user, item_id, assignment_id, *, action: str | None = None) -> ReplyForm:
    """The API's read of a unit's reply form: fetch and authorise, then reply_form. A reader who may
    see the item but not the unit's drafts (a member, another unit) is refused."""
    item = item_selectors.item_detail(user, item_id)
    if item is None:
        raise not_found()
    a = _assignment(item, assignment_id)
    actor = actor_for(user)
    if not reads_drafts(actor, a):
        raise forbidden("答复草稿仅供该承办单位、其分管区领导和区府办查看。",
                        "A unit's reply draft is read by the unit, its district leader and the office only.")
    if action not in (None, "draft_reply", "convert_reply_type"):
        raise invalid("action", "action 应为 draft_reply 或 convert_reply_type。", "action is draft_reply or convert_reply_type.")
    return carry_over(reply_form(actor, item, a, action=action))


def templates(user, *, reply_type: str | None = None, include_inactive: bool = False) -> QuerySet[ReplyTemplate]:
    """The templates staff pick from (active ones, of active reply types); the office may ask for
    the inactive ones too. Members, deputies and the public do not draft replies."""
    actor = actor_for(user)
    if not actor.works_here:
        raise forbidden("答复模板仅供工作人员使用。", "Reply templates are for staff.")
    qs = ReplyTemplate.objects.select_related("reply_type")
    if not (include_inactive and (actor.gov_office or actor.is_admin)):
        qs = qs.filter(active=True, reply_type__active=True)
    if reply_type:
        qs = qs.filter(reply_type__code=reply_type)
    return qs


@dataclass
class Rendered:
    template: ReplyTemplate
    reply_type: str
    body: str


def fill(template: ReplyTemplate, item, assignment) -> Rendered:
    values = item_values(item, assignment.unit.name, WORDING[item.assembly], timezone.localdate())
    return Rendered(template, template.reply_type.code, render(template.body, values))


def rendered_for(user, item_id, template_id, assignment_id) -> Rendered:
    """A template filled in with one item's fields for one replying unit, for those who read the
    unit's drafts (the same rule as the draft itself). Reads the item and the assignment only."""
    item = access_item(user, item_id)
    a = Assignment.objects.select_related("unit").filter(item=item, pk=_id(assignment_id)).first()
    if a is None:
        raise not_found()
    if not reads_drafts(actor_for(user), a):
        raise forbidden("只有该承办单位可以套用答复模板。", "Only the replying unit fills in a reply template.")
    t = templates(user).filter(pk=_id(template_id)).first()
    if t is None:
        raise invalid("template", "请选择一个答复模板。", "Choose a reply template.")
    return fill(t, item, a)


def _id(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None
