"""Read queries. Lists and the detail view run a fixed number of queries whatever the data size."""

from django.db.models import Prefetch, Q, QuerySet

from banli.audit.models import AuditRecord
from banli.deadlines.models import Deadline
from banli.errors import forbidden, invalid, not_found
from banli.params import id_param
from banli.org import selectors as org_selectors
from banli.org.models import Assembly, Category, Person
from banli.search.query import matching

from .access import access_item, actor_for, search_among, search_units, visible_items
from .models import (
    Assignment, Attachment, CoSigner, Feedback, Item, ItemState, LeadCoGrade, Message, MessageReadMark, Publication, PublicationRecord,
    Question, Reply,
)
from .presence import prefetch_present

LIST_ORDERINGS = {"id": "id", "-id": "-id", "number": "number", "-number": "-number", "submitted_at": "submitted_at",
                  "-submitted_at": "-submitted_at", "title": "title", "-title": "-title", "state": "state", "-state": "-state",
                  # The best match first (banli.search.query); the default when q= is given. Without q, newest first.
                  "relevance": "search_rank"}


def _truthy(value: str | None):
    if value is None or value == "":
        return None
    return value.lower() in ("1", "true", "yes", "on")


def filter_items(qs: QuerySet[Item], params) -> QuerySet[Item]:
    """The filters the staff lists and the public list share: session, assembly, category (with
    its sub-categories), handling unit, reply type."""
    session, category, unit = id_param(params, "session"), id_param(params, "category"), id_param(params, "unit")
    if session:
        qs = qs.filter(session_id=session)
    if params.get("assembly"):
        if params["assembly"] not in Assembly.values:
            raise invalid("assembly", "会别应为 cppcc（政协）或 npc（人大）。", "Assembly must be cppcc or npc.")
        qs = qs.filter(assembly=params["assembly"])
    if category:
        # A top-level category includes its sub-categories.
        qs = qs.filter(Q(category_id=category) | Q(category__parent_id=category))
    if unit:
        qs = qs.filter(pk__in=Assignment.objects.filter(unit_id=unit).exclude(state=Assignment.State.ENDED).values("item_id"))
    if params.get("reply_type"):
        qs = qs.filter(reply_type__code=params["reply_type"])
    return qs


def item_list(user, params) -> QuerySet[Item]:
    """Items the user may see, filtered as the list pages and the API ask."""
    searching = bool((params.get("q") or "").strip())
    # A search asks of its few matches whether the user may read each (access.visible_items),
    # unless the reader reads only a few items: then it starts from those (access.search_among).
    among = search_among(user) if searching else None
    qs = filter_items(Item.objects.filter(pk__in=among) if among is not None else visible_items(user, probe=searching), params)
    if params.get("state"):
        states = [s for s in params["state"].split(",") if s]
        unknown = [s for s in states if s not in ItemState.values]
        if unknown:
            raise invalid("state", f"未知状态：{'、'.join(unknown)}。", f"Unknown state: {', '.join(unknown)}.")
        qs = qs.filter(state__in=states)
    key = _truthy(params.get("key"))
    if key is not None:
        qs = qs.filter(is_key=key)
    if params.get("publication"):
        if params["publication"] not in Publication.values:
            raise invalid("publication", "未知的公开状态。", "Unknown publication state.")
        # Any item with a sent reply: a separate unit's reply is decided on while others still handle the item.
        qs = qs.filter(publication=params["publication"], replied_at__isnull=False)
    if _truthy(params.get("withdrawal")):
        qs = qs.filter(withdrawal_requested=True)
    if _truthy(params.get("mine_key")):
        qs = qs.filter(key_leader=user)
    if _truthy(params.get("late")):
        # Late: some milestone of the item is past its due date and not yet met.
        # IN over the late rows (an index range), not EXISTS checked against every item.
        qs = qs.filter(pk__in=Deadline.objects.filter(state=Deadline.State.LATE, item__isnull=False).values("item_id"))
    if params.get("mine") and _truthy(params.get("mine")):
        qs = qs.filter(proposer_id__in=actor_for(user).person_ids)
    if searching:
        # The search index's staff documents (title, 案由, 建议): every word typed, best match
        # first; last, so that it looks only among what the other filters leave.
        qs = matching(qs, params["q"], scope="staff", units=search_units(user), among=among)
    order = LIST_ORDERINGS.get(params.get("ordering") or ("relevance" if searching else "-id"), "-id")
    if order == "search_rank" and not searching:
        order = "-id"
    return (
        qs.select_related("proposer", "category", "category__parent", "session__term", "reply_type")
        .prefetch_related(Prefetch("assignments", queryset=Assignment.objects.exclude(state=Assignment.State.ENDED).select_related("unit"), to_attr="active_assignments"))
        .order_by(order, "-id" if order != "-id" else "id")
    )


def item_detail(user, item_id) -> Item:
    """One item with its whole history, for a reader who may see it: each kind of record read in
    one query, the kinds the item has none of not at all (presence.py)."""
    item = (visible_items(user).filter(pk=item_id)
            .select_related("proposer", "category", "category__parent", "session__term", "reply_type", "merged_into", "key_leader").first())
    if item is not None:
        prefetch_present(item, DETAIL_LOOKUPS, DETAIL_ASSIGNMENT_LOOKUPS)
    return item


# What the detail reads of each kind; the assignments' own records are read on each assignment.
DETAIL_ASSIGNMENT_LOOKUPS = (
    "adjustments__suggested_unit", "extensions", "closure_reports",
    Prefetch("lead_grades", queryset=LeadCoGrade.objects.select_related("grade").order_by("id")),
    Prefetch("replies", queryset=Reply.objects.select_related("reply_type", "feedback").prefetch_related("approvals")),
)
DETAIL_LOOKUPS = (
    Prefetch("cosigners", queryset=CoSigner.objects.select_related("person")),
    Prefetch("assignments", queryset=Assignment.objects.select_related("unit", "co_opinion", "assigned_by")),
    "consultations__unit",
    Prefetch("replies", queryset=Reply.objects.select_related("reply_type", "assignment__unit").prefetch_related("approvals__by")),
    Prefetch("feedbacks", queryset=Feedback.objects.select_related("grade").prefetch_related("co_grades__grade", "co_grades__unit")),
    "progress_updates__assignment__unit",
    "closure_reports__assignment__unit",
    Prefetch("publication_records", queryset=PublicationRecord.objects.select_related("assignment__unit")),
    "instructions__leader",
    "urges__unit",
    "mediations",
    Prefetch("messages", queryset=Message.objects.select_related("author", "unit", "to_unit")),
    "attachments",
    "suggested_units",
    Prefetch("audit_records", queryset=AuditRecord.objects.select_related("actor")),
    Prefetch("deadlines", queryset=Deadline.objects.select_related("overdue", "unit").order_by("starts_on", "due_on", "id")),
)


def own_people(user) -> QuerySet[Person]:
    """The proposers this account files and asks as, active ones only: a member's or deputy's own
    record first, then any collective (党派团体、界别、专委会) it is authorised for."""
    return Person.objects.filter(pk__in=actor_for(user).person_ids, active=True).order_by("is_collective", "id")


def last_read_message(user, item) -> int:
    """The id of the last message of the item this person has seen (0: none)."""
    return MessageReadMark.objects.filter(user=user, item=item).values_list("last_read_id", flat=True).first() or 0


def item_attachment(user, item_id, attachment_id) -> Attachment:
    """An attachment of an item the user may read; anything else is "not found"."""
    att = Attachment.objects.filter(item=access_item(user, item_id), pk=attachment_id).first()
    if att is None:
        raise not_found()
    return att


def visible_questions(user) -> QuerySet[Question]:
    """有问必答: the asker sees their own questions, a unit those put to it, the office all."""
    actor = actor_for(user)
    if actor.gov_office or actor.is_admin:
        return Question.objects.all()
    cond = Q(asker_id__in=actor.person_ids)
    if actor.unit_ids:
        cond |= Q(to_unit_id__in=actor.unit_ids)
    return Question.objects.filter(cond)


def categories(assembly=None) -> QuerySet[Category]:
    qs = Category.objects.filter(active=True).select_related("parent")
    return qs.filter(assembly=assembly) if assembly else qs


def district_leaders(user):
    """The district leaders with their portfolios, for staff choosing one (mark_key's leader).
    Members and deputies choose no leader, so they need no list of them."""
    if not actor_for(user).works_here:
        raise forbidden("区领导名单仅供工作人员查看。", "The list of district leaders is for staff only.")
    return org_selectors.district_leaders()
