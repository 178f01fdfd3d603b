"""visible_items as a union of index lookups (issue 16), and its form for searches, read exactly
the items the ORed EXISTS definition it replaced read, for every user of a generated district and for users who hold several
roles at once. The old definition is kept here, word for word, as the oracle."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from banli.org.models import Person, StaffRole, Unit, UnitLiaison
from banli.deadlines.models import Deadline
from banli.proposals.access import access_item, actor_for, readable_item, visible_items
from banli.proposals.models import Assignment, CoSigner, Item, ItemState
from bench.generate import generate

pytestmark = pytest.mark.django_db
User = get_user_model()


def old_visible_items(user):
    """The definition before issue 16 (ORed EXISTS), the oracle."""
    actor = actor_for(user)
    qs = Item.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if actor.gov_office or actor.is_admin:
        return qs.exclude(state=ItemState.DRAFT)
    cond = Q(pk__in=[])
    if actor.assembly_offices:
        cond |= Q(assembly__in=actor.assembly_offices) & ~Q(state=ItemState.DRAFT)
    if actor.person_ids:
        cond |= Q(proposer_id__in=actor.person_ids)
        cond |= Exists(CoSigner.objects.filter(item=OuterRef("pk"), person_id__in=actor.person_ids, state=CoSigner.State.CONFIRMED)) & ~Q(state=ItemState.DRAFT)
        cond |= Q(state=ItemState.DRAFT) & Exists(
            CoSigner.objects.filter(item=OuterRef("pk"), person_id__in=actor.person_ids, state__in=(CoSigner.State.INVITED, CoSigner.State.CONFIRMED))
        )
        cond |= Exists(Item.objects.filter(merged_into=OuterRef("pk"), proposer_id__in=actor.person_ids))
    unit_ids = actor.unit_ids | actor.portfolio_unit_ids
    if unit_ids:
        cond |= Exists(Assignment.objects.filter(item=OuterRef("pk"), unit_id__in=unit_ids).exclude(state=Assignment.State.ENDED))
    if actor.district_leader:
        cond |= Q(key_leader=user)
    return qs.filter(cond)


def fresh(user):
    """The user read anew, so that its roles (cached on the object) are computed again."""
    return User.objects.get(pk=user.pk)


def both(user) -> tuple[set, set]:
    """The items visible_items gives (its union form, and its probe form for searches, which must
    agree) and those the old definition gives."""
    new = set(visible_items(fresh(user)).values_list("pk", flat=True))
    probed = set(visible_items(fresh(user), probe=True).values_list("pk", flat=True))
    assert probed == new, (user.username, sorted(probed ^ new)[:10])
    return new, set(old_visible_items(fresh(user)).values_list("pk", flat=True))


@pytest.fixture
def district():
    """A generated district: drafts, invited/confirmed/declined/dropped co-signers, merged items,
    key items, adjusted (ended) assignments, liaisons, unit heads, district leaders, offices."""
    return generate(300, seed=11, batch=150, progress=None)


def test_the_generated_data_has_every_way_of_reading(district):
    """Otherwise the comparison below would prove nothing about the rule it skips."""
    assert Item.objects.filter(state=ItemState.DRAFT).exists()
    assert Item.objects.filter(merged_into__isnull=False).exists()
    assert Item.objects.filter(key_leader__isnull=False).exists()
    for state in (CoSigner.State.INVITED, CoSigner.State.CONFIRMED, CoSigner.State.DECLINED):
        assert CoSigner.objects.filter(state=state).exists(), state
    assert CoSigner.objects.filter(item__state=ItemState.DRAFT, state=CoSigner.State.CONFIRMED).exists()
    assert Assignment.objects.filter(state=Assignment.State.ENDED).exists()
    assert Unit.objects.filter(supervising_leader__isnull=False).exists()


def test_every_generated_user_reads_the_same_items(district):
    kinds = {"member": 0, "liaison": 0, "head": 0, "leader": 0, "assembly office": 0, "gov office": 0, "nobody": 0}
    with_deadlines = set(Deadline.objects.filter(item__isnull=False).values_list("item_id", flat=True))
    for user in User.objects.order_by("pk"):
        new, old = both(user)
        assert new == old, (user.username, sorted(new - old)[:10], sorted(old - new)[:10])
        # Other models' rows tested item by item (the deadlines list) name the same items.
        ids = set(Deadline.objects.filter(readable_item(fresh(user))).values_list("item_id", flat=True).distinct())
        assert ids == new & with_deadlines, (user.username, sorted(ids ^ (new & with_deadlines))[:10])
        a = actor_for(fresh(user))
        kind = ("gov office" if a.gov_office else "assembly office" if a.assembly_offices else "leader" if a.district_leader
                else "head" if a.head_unit_ids else "liaison" if a.liaison_unit_ids else "member" if a.person_ids else "nobody")
        kinds[kind] += 1
    # Every role was compared, most of them many times.
    assert kinds["member"] > 50 and kinds["liaison"] > 10 and kinds["head"] > 10, kinds
    assert kinds["leader"] >= 2 and kinds["assembly office"] == 2 and kinds["gov office"] >= 1, kinds


def test_a_member_reads_own_cosigned_invited_and_merged_items_not_declined_ones(district):
    merged = Item.objects.filter(merged_into__isnull=False).select_related("proposer__user").first()
    member = merged.proposer.user
    new, old = both(member)
    assert new == old and merged.merged_into_id in new and merged.pk in new
    declined = CoSigner.objects.filter(state=CoSigner.State.DECLINED).exclude(item__state=ItemState.DRAFT).select_related("person__user", "item").first()
    reader = declined.person.user
    new, old = both(reader)
    assert new == old
    assert (declined.item_id in new) == (declined.item.proposer_id in actor_for(fresh(reader)).person_ids)
    invited = CoSigner.objects.filter(state=CoSigner.State.INVITED, item__state=ItemState.DRAFT).select_related("person__user").first()
    new, old = both(invited.person.user)
    assert new == old and invited.item_id in new


def test_users_with_several_roles_and_an_administrator(district):
    """A member who is also a unit's liaison, a district leader and an assembly office; an admin;
    an account with no role and no person."""
    person = Person.objects.filter(user__isnull=False, items__isnull=False).select_related("user").first()
    user = person.user
    unit = Unit.objects.exclude(liaisons__user=user).first()
    UnitLiaison.objects.create(unit=unit, user=user, started_on="2024-01-01")
    ended = Unit.objects.exclude(pk=unit.pk).first()
    UnitLiaison.objects.create(unit=ended, user=user, started_on="2019-01-01", ended_on="2020-01-01")  # an ended liaison reads nothing of that unit
    new, old = both(user)
    assert new == old and set(Assignment.objects.filter(unit=unit).exclude(state=Assignment.State.ENDED).values_list("item_id", flat=True)) <= new
    StaffRole.objects.create(user=user, kind=StaffRole.Kind.DISTRICT_LEADER, title="副区长")
    Item.objects.filter(pk__in=Item.objects.exclude(state=ItemState.DRAFT).order_by("pk").values("pk")[:3]).update(is_key=True, key_leader=user)
    new, old = both(user)
    assert new == old and Item.objects.filter(key_leader=user).count() == 3
    StaffRole.objects.create(user=user, kind=StaffRole.Kind.ASSEMBLY_OFFICE, assembly="npc")
    new, old = both(user)
    assert new == old and Item.objects.filter(assembly="npc").exclude(state=ItemState.DRAFT).count() < len(new)
    admin = User.objects.create_superuser("union_admin", password="x")
    new, old = both(admin)
    assert new == old == set(Item.objects.exclude(state=ItemState.DRAFT).values_list("pk", flat=True))
    nobody = User.objects.create_user("union_nobody", password="x")
    assert both(nobody) == (set(), set())


def test_access_item_answers_by_the_same_rule(district):
    """The single-record door: a visible item is found, an invisible one is "not found"."""
    from banli.errors import BanliError

    member = Person.objects.filter(user__isnull=False, items__isnull=False).select_related("user").first().user
    visible = set(old_visible_items(fresh(member)).values_list("pk", flat=True))
    sample = list(Item.objects.order_by("pk").values_list("pk", flat=True)[:60])
    for pk in sample:
        if pk in visible:
            assert access_item(fresh(member), pk).pk == pk
        else:
            with pytest.raises(BanliError):
                access_item(fresh(member), pk)
