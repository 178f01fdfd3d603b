"""The builders reach every state through the actions, for every reply type and both assemblies:
if this fails, an action on the happy path broke."""

import pytest

from banli.proposals.models import Assignment, ItemState
from tests.builders import STATES, active_assignments, make_item


@pytest.mark.parametrize("reply_type", ["A", "B", "C"])
@pytest.mark.parametrize("state", STATES)
def test_make_item_reaches_every_state(world, state, reply_type):
    if state == "evaluated" and reply_type == "C":
        with pytest.raises(ValueError):
            make_item(world, state=state, reply_type=reply_type)
        return
    item = make_item(world, state=state, reply_type=reply_type)
    assert item.state == state
    assert item.assembly == "cppcc" and item.proposer == world.member_person


def test_npc_item_with_separate_units_closes(world):
    item = make_item(world, state="closed", assembly="npc", separate=True, reply_type="C")
    assert item.state == ItemState.CLOSED and item.session == world.npc_session
    units = {a.unit for a in active_assignments(item)}
    assert units == {world.lead_unit, world.spare_unit}
    assert all(a.role == "separate" and a.state == Assignment.State.SIGNED and a.closed_at for a in active_assignments(item))


def test_personas_hold_their_roles(member, cosigner, deputy, cppcc_office, npc_office, gov_office, lead_liaison, lead_head,
                                   co_liaison, co_head, district_leader, outsider_liaison, other_member, admin_user, public, world):
    from banli.proposals.access import actor_for

    assert actor_for(member).person_ids == {world.member_person.pk}
    assert actor_for(deputy).person_ids == {world.deputy_person.pk}
    assert actor_for(cppcc_office).assembly_offices == {"cppcc"}
    assert actor_for(npc_office).assembly_offices == {"npc"}
    assert actor_for(gov_office).gov_office
    assert actor_for(lead_liaison).liaison_unit_ids == {world.lead_unit.pk}
    assert actor_for(lead_head).head_unit_ids == {world.lead_unit.pk}
    assert actor_for(co_liaison).liaison_unit_ids == {world.co_unit.pk}
    assert actor_for(co_head).head_unit_ids == {world.co_unit.pk}
    assert actor_for(district_leader).portfolio_unit_ids == {world.lead_unit.pk, world.co_unit.pk}
    assert actor_for(outsider_liaison).liaison_unit_ids == {world.outsider_unit.pk}
    assert actor_for(admin_user).is_admin
    assert not public.is_authenticated
    assert world.member_person.phone and world.member_person.address


@pytest.mark.parametrize("state", ["rehandling", "evaluated", "closed"])
def test_separate_units_reach_the_late_states(world, state):
    assert make_item(world, state=state, separate=True).state == state
