"""Who the actor is, what they may see, and fetch-and-authorise in one helper.

Lists are scoped by queryset; single records go through `access_item`, where "not found" and
"not yours" give the same answer."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from banli.errors import not_found
from banli.org.models import StaffRole
from banli.org.selectors import role_rows

from .models import Assignment, CoSigner, Item, ItemState


@dataclass
class Actor:
    user: object
    is_admin: bool = False
    gov_office: bool = False
    assembly_offices: frozenset = frozenset()
    district_leader: bool = False
    portfolio_unit_ids: frozenset = frozenset()
    liaison_unit_ids: frozenset = frozenset()
    head_unit_ids: frozenset = frozenset()
    person_ids: frozenset = frozenset()
    unit_ids: frozenset = field(default=frozenset())  # liaison or head

    @property
    def is_staff_reader(self) -> bool:
        return self.gov_office or self.is_admin

    @property
    def works_here(self) -> bool:
        """Staff of any kind: the offices, units' liaisons and leaders, district leaders, the
        administrator. Members and deputies are not staff."""
        return bool(self.is_admin or self.gov_office or self.assembly_offices or self.district_leader
                    or self.unit_ids or self.portfolio_unit_ids)


def actor_for(user) -> Actor:
    """Roles of a user, computed once per request (cached on the user object), in one query: its
    staff roles, the units it leads or supervises, the units it is liaison of now, and its member
    or deputy records (banli.org.selectors.role_rows, which the second-factor rule reads too: six
    queries on every page until issue 16)."""
    if user is None or not user.is_authenticated:
        return Actor(user=user)
    cached = getattr(user, "_banli_actor", None)
    if cached is not None:
        return cached
    roles, head_ids, portfolio, liaison_ids, person_ids = [], set(), set(), set(), set()
    for part, kind, assembly, pk, leader, supervisor, _active in role_rows(user):
        if part == 1:
            roles.append((kind, assembly))
        elif part == 2:
            if leader == user.pk:
                head_ids.add(pk)
            if supervisor == user.pk:
                portfolio.add(pk)
        elif part == 3:
            liaison_ids.add(pk)
        else:
            person_ids.add(pk)
    liaison_ids, head_ids = frozenset(liaison_ids), frozenset(head_ids)
    actor = Actor(
        user=user,
        is_admin=user.is_superuser,
        gov_office=any(k == StaffRole.Kind.GOV_OFFICE for k, _ in roles),
        assembly_offices=frozenset(a for k, a in roles if k == StaffRole.Kind.ASSEMBLY_OFFICE),
        district_leader=any(k == StaffRole.Kind.DISTRICT_LEADER for k, _ in roles),
        portfolio_unit_ids=frozenset(portfolio),
        liaison_unit_ids=liaison_ids,
        head_unit_ids=head_ids,
        person_ids=frozenset(person_ids),
        unit_ids=liaison_ids | head_ids,
    )
    user._banli_actor = actor
    return actor


def visible_items(user, *, probe: bool = False) -> QuerySet[Item]:
    """Every item the user may read, as one queryset filter: the one definition of visibility.

    Each way of reading an item (one's own, a confirmed co-signature, an invitation to a draft, an
    item one's own was merged into, an active assignment of one's unit, a key item one leads) is
    a lookup on its own index (_ways_of_reading); their ids are united in one subquery,
    `pk IN (… UNION …)`. ORed EXISTS tests instead (the form this had until issue 16) leave the
    database no plan but to test every item: 300 ms for a member's list at 100k.

    probe=True is for a query that already has its few candidates and asks of each "may this
    user read it?": a search, which probes the index session by session (banli.search.query).
    There each way is one test per match, as before issue 16: a union would be hashed again for
    every session (a district leader's 34,572 ids: 150–280 ms instead of 20–60), and for a member
    the plan over the union swings with the statistics (11,000 to 79,000 buffers; the tests read
    44,000 every time). An assembly office reads most of its assembly's items: its rule stays a
    plain condition.

    A district leader reads a share of every item (the units of a portfolio: a third of them in
    the benchmark's district) and so is tested item by item too: the list walks the items newest
    first and stops after a page (about 60 tests for 20 rows, 3,000 for the capped count), where
    the union of their ids is built whole before the first row: 425,000 ids, 844 ms at 1M items."""
    actor = actor_for(user)
    qs = Item.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if actor.gov_office or actor.is_admin:
        return qs.exclude(state=ItemState.DRAFT)
    ways = _ways_of_reading(user, actor)
    cond = Q(pk__in=[])
    if ways and (probe or actor.portfolio_unit_ids):
        for _, test in ways:
            cond |= test
    elif ways:
        cond = Q(pk__in=_united(ways))
    if actor.assembly_offices:
        cond |= Q(assembly__in=actor.assembly_offices) & ~Q(state=ItemState.DRAFT)
    return qs.filter(cond)


def readable_item(user, ref: str = "item_id") -> Exists:
    """"The item this row names (its field `ref`) is one the user may read", as a condition on
    another model's rows (the deadlines list's milestones), tested row by row: the item found by
    key, then visible_items' own tests of it. A set of ids instead (`item IN (…)`) is built whole
    first: every item of a unit's history (16,000 at 100k for the busiest unit; an assembly
    office's, all of its assembly's), whatever the page reads. The key as a range of one (by_key)."""
    return Exists(visible_items(user, probe=True).filter(by_key("pk", ref)))


def by_key(field: str, ref: str) -> Q:
    """`field` equal to the enclosing query's `ref`, for a subquery tested once per outer row,
    written as a range of one (field >= ref AND field <= ref): the same index lookup as `=`, but
    PostgreSQL cannot turn it into a hashed subplan, which reads every row the subquery could
    match before testing the first outer row (a leader's 425,000 assignments at 1M items)."""
    return Q(**{f"{field}__gte": OuterRef(ref), f"{field}__lte": OuterRef(ref)})


def _united(ways):
    ids = [found.order_by() for found, _ in ways]
    return ids[0].union(*ids[1:]) if len(ids) > 1 else ids[0]


def _ways_of_reading(user, actor: Actor) -> list[tuple[QuerySet, Q]]:
    """The ways the actor reads items other than as an assembly office, each in its two shapes
    side by side: the ids it grants (a lookup on one index: proposer, co-signer's person,
    merged_into's proposer, assignment's unit, key_leader) and the same rule as a test of one
    item (tests/proposals/test_visibility_union.py holds both to the old definition)."""
    out = []
    people = actor.person_ids
    if people:
        out.append((Item.objects.filter(proposer_id__in=people).values_list("id"), Q(proposer_id__in=people)))
        # Once submitted, only confirmed co-signers read it: a declined or dropped name is not a co-signer.
        confirmed = CoSigner.objects.filter(person_id__in=people, state=CoSigner.State.CONFIRMED)
        out.append((confirmed.exclude(item__state=ItemState.DRAFT).values_list("item_id"),
                    ~Q(state=ItemState.DRAFT) & Exists(confirmed.filter(item=OuterRef("pk")))))
        invited = CoSigner.objects.filter(person_id__in=people, state__in=(CoSigner.State.INVITED, CoSigner.State.CONFIRMED))
        out.append((invited.filter(item__state=ItemState.DRAFT).values_list("item_id"),
                    Q(state=ItemState.DRAFT) & Exists(invited.filter(item=OuterRef("pk")))))
        # Each proposer of a merged item still gets the reply of the item it was merged into.
        merged = Item.objects.filter(proposer_id__in=people, merged_into__isnull=False)
        out.append((merged.values_list("merged_into_id"), Exists(merged.filter(merged_into=OuterRef("pk")))))
    unit_ids = actor.unit_ids | actor.portfolio_unit_ids
    if unit_ids:
        active = Assignment.objects.filter(unit_id__in=unit_ids).exclude(state=Assignment.State.ENDED)
        out.append((active.values_list("item_id"), Exists(active.filter(by_key("item_id", "pk")))))
    if actor.district_leader:
        out.append((Item.objects.filter(key_leader=user).values_list("id"), Q(key_leader=user)))
    return out


def search_units(user) -> frozenset | None:
    """For the search index (banli.search.query): when every item this user may read is handled
    by one of a few units, those units; otherwise None. A unit's staff read only their units'
    items (visible_items above), so their search need not look at any other document: a pre-filter
    that the index answers by itself. It only narrows what visible_items then filters exactly, so
    it must never leave out an item the user may read: any other way of reading returns None."""
    actor = actor_for(user)
    if actor.gov_office or actor.is_admin or actor.assembly_offices or actor.person_ids or actor.district_leader:
        return None
    return (actor.unit_ids | actor.portfolio_unit_ids) or None


# A reader who reads items only as a person (a member, a deputy, a collective account) reads a
# few hundred at most; past this many, their search probes the index as everyone else's does.
FEW_VISIBLE = 2000


def search_among(user) -> list[int] | None:
    """For the search (banli.search.query): the ids of every item this user may read, when they
    are few: a reader who holds no staff role and reads only as a person. Their search then tests
    the words on those few documents by key instead of probing every match of the word in the
    index and asking of each whether they may read it (a member's 养老: 44,898 buffers at 100k).
    The ids come from visible_items itself, the one definition; None for anyone else."""
    actor = actor_for(user)
    if (not user.is_authenticated or not actor.person_ids or actor.gov_office or actor.is_admin or actor.assembly_offices
            or actor.district_leader or actor.unit_ids or actor.portfolio_unit_ids):
        return None
    ids = list(visible_items(user).order_by().values_list("pk", flat=True)[:FEW_VISIBLE + 1])
    return ids if len(ids) <= FEW_VISIBLE else None


def access_item(user, item_id, *, for_update: bool = False) -> Item:
    """Fetch an item the user may read (locked for update inside an action). A missing item
    and someone else's item look the same."""
    try:
        item_id = int(item_id)
    except (TypeError, ValueError):
        raise not_found() from None
    qs = visible_items(user).filter(pk=item_id)
    if for_update:
        # Lock the row itself: select_for_update cannot lock through the EXISTS filters.
        if not qs.exists():
            raise not_found()
        return Item.objects.select_for_update().get(pk=item_id)
    item = qs.select_related("proposer", "category", "session").first()
    if item is None:
        raise not_found()
    return item


def can_see_contacts(actor: Actor, item: Item, active_unit_ids) -> bool:
    """Phone and address: the office and the units handling the item, and the person themself."""
    return (
        actor.gov_office
        or item.assembly in actor.assembly_offices
        or bool(actor.unit_ids & set(active_unit_ids))
        or item.proposer_id in actor.person_ids
    )
