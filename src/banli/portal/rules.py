"""What the public may see (DOMAIN §8, rule 13): the one rule, read by every public door (pages,
feeds, open data, the sitemap) and by the public search index.

An item is public while the office's decision to publish one of its replying units' replies
stands (Item.published_at, kept by the publication actions). Of it the public sees: its number,
session, assembly, category, title and body (案由, 建议); the proposer's and co-signers' names and
sectors; the units handling it; for each published unit, the reply the unit had sent when the
office decided (a later reply, sent in re-handling, waits for a decision of its own) with its
type, date and signatory, and that unit's closure report if it has one. Nothing else: no contact
data (no phone, address or e-mail of anyone, the reply's contact person and phone), no drafts,
co-handling opinions, approvals, ratings, messages, attachments or audit rows. Each public view
reads named fields only, so that a field added to a model later is not public by accident."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When

from banli.proposals.models import Assignment, ClosureReport, CoSigner, Item, Publication, PublicationRecord, Reply

# What the public sees of each record, by name (.values()): nothing else is ever read for it.
ITEM_FIELDS = ("id", "assembly", "number", "title", "reason", "suggestions", "published_at", "replied_at", "closed_at", "state",
               "session_id", "session__name", "session__year", "category_id", "category__name", "reply_type__code",
               "reply_type__name", "proposer__name", "proposer__sector", "proposer__is_collective")
REPLY_FIELDS = ("id", "item_id", "assignment_id", "assignment__unit_id", "assignment__unit__name", "assignment__role", "round",
                "reply_type__code", "reply_type__name", "body", "promise", "planned_date", "signatory", "sent_at")
UNIT_FIELDS = ("item_id", "role", "unit_id", "unit__name")
COSIGNER_FIELDS = ("item_id", "person__name", "person__sector")
CLOSURE_FIELDS = ("item_id", "assignment_id", "assignment__unit__name", "text", "done_on")


def public_items() -> QuerySet[Item]:
    """Items on the public site, newest publication first."""
    return Item.objects.filter(published_at__isnull=False).order_by("-published_at", "-id")


def published_assignments() -> QuerySet[Assignment]:
    """The replying units whose reply is published."""
    return (Assignment.objects.filter(publication=Publication.PUBLISHED, role__in=("lead", "separate"), item__published_at__isnull=False)
            .exclude(state=Assignment.State.ENDED))


def published_replies(item_ids=None) -> QuerySet[Reply]:
    """Each published unit's reply as the office decided on it: the latest it had sent by the
    time of the decision."""
    units = published_assignments()
    if item_ids is not None:
        units = units.filter(item_id__in=item_ids)
    decided = Subquery(PublicationRecord.objects.filter(assignment=OuterRef("assignment"), kind=PublicationRecord.Kind.PUBLISH)
                       .order_by("-at", "-id").values("at")[:1])
    later = Reply.objects.filter(Q(sent_at__gt=OuterRef("sent_at")) | Q(sent_at=OuterRef("sent_at"), pk__gt=OuterRef("pk")),
                                 state=Reply.State.SENT, assignment=OuterRef("assignment"), sent_at__lte=OuterRef("decided"))
    return (Reply.objects.filter(state=Reply.State.SENT, assignment__in=units.values("pk")).annotate(decided=decided)
            .filter(sent_at__lte=F("decided")).filter(~Exists(later)).order_by("item_id", "assignment_id"))


ROLE_ORDER = Case(When(role="lead", then=Value(0)), When(role="separate", then=Value(1)), default=Value(2))  # 主办、分办, then 会办


def public_units(item_ids) -> QuerySet[Assignment]:
    """The units handling the items, as the public sees them: the lead or separate units first,
    then the co-handling ones."""
    return Assignment.objects.filter(item_id__in=item_ids).exclude(state=Assignment.State.ENDED).order_by("item_id", ROLE_ORDER, "id")


def public_cosigners(item_ids) -> QuerySet[CoSigner]:
    return CoSigner.objects.filter(item_id__in=item_ids, state=CoSigner.State.CONFIRMED).order_by("item_id", "id")


def public_closures(item_ids) -> QuerySet[ClosureReport]:
    """The approved closure reports of the published units."""
    return (ClosureReport.objects.filter(item_id__in=item_ids, state=ClosureReport.State.APPROVED,
                                         assignment__in=published_assignments().filter(item_id__in=item_ids).values("pk"))
            .order_by("item_id", "id"))


def public_texts(item_ids) -> dict[int, str]:
    """For the public search index: of each public item among these, the words a reader can see
    on its public page (title, body, published replies, units, category, session, proposer
    names). Items not public are absent."""
    items = {row["id"]: row for row in public_items().filter(pk__in=item_ids).values(*ITEM_FIELDS)}
    parts = defaultdict(list)
    for row in items.values():
        parts[row["id"]] += [row["title"], row["reason"], row["suggestions"], row["category__name"] or "", row["session__name"],
                             row["proposer__name"]]
    for item_id, name in public_units(list(items)).values_list("item_id", "unit__name"):
        parts[item_id].append(name)
    for item_id, name in public_cosigners(list(items)).values_list("item_id", "person__name"):
        parts[item_id].append(name)
    for item_id, body, promise in published_replies(list(items)).values_list("item_id", "body", "promise"):
        parts[item_id] += [body, promise]
    return {item_id: "\n".join(p for p in ps if p) for item_id, ps in parts.items()}
