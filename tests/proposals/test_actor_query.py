"""Who the reader is (actor_for) and whether they must have a second factor are read on every
request: in one query together (issue 16: six queries before, two of them the second-factor rule's
own, on every page of a member or a liaison, who are never "verified")."""

import pytest
from django.contrib.auth import get_user_model

from banli.org import twofactor
from banli.proposals.access import actor_for

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(autouse=True)
def _required(settings):
    settings.BANLI_2FA_REQUIRED = True


def fresh(user):
    return User.objects.get(pk=user.pk)  # no actor cached on it


@pytest.mark.parametrize("persona", ["member", "deputy", "lead_liaison", "lead_head", "gov_office", "cppcc_office", "district_leader"])
def test_roles_and_the_second_factor_rule_cost_one_query(world, persona, django_assert_num_queries):
    user = fresh(getattr(world, persona))
    with django_assert_num_queries(1):
        actor_for(user)
        twofactor.requires_second_factor(user)


def test_the_roles_read_in_one_query_are_the_roles(world):
    w = world
    a = actor_for(fresh(w.lead_head))
    assert a.head_unit_ids == {w.lead_unit.pk} and not a.liaison_unit_ids and not a.portfolio_unit_ids and a.unit_ids == {w.lead_unit.pk}
    a = actor_for(fresh(w.lead_liaison))
    assert a.liaison_unit_ids == a.unit_ids == {w.lead_unit.pk} and not a.head_unit_ids and a.works_here
    a = actor_for(fresh(w.district_leader))
    assert a.district_leader and a.portfolio_unit_ids == {w.lead_unit.pk, w.co_unit.pk} and not a.gov_office
    a = actor_for(fresh(w.cppcc_office))
    assert a.assembly_offices == {"cppcc"} and not a.district_leader and not a.person_ids
    a = actor_for(fresh(w.member))
    assert a.person_ids == {w.member_person.pk} and not a.works_here
    assert actor_for(fresh(w.gov_office)).gov_office
    assert actor_for(fresh(w.admin_user)).is_admin


def test_an_ended_liaison_and_an_inactive_unit_count_as_before(world):
    w = world
    w.lead_unit.liaisons.update(ended_on=w.lead_unit.liaisons.first().started_on)
    assert not actor_for(fresh(w.lead_liaison)).liaison_unit_ids
    w.lead_unit.active = w.co_unit.active = False
    w.lead_unit.save()
    w.co_unit.save()
    head = fresh(w.lead_head)
    # Still the head of the unit (what it handled stays readable), but no longer bound to a second factor.
    assert actor_for(head).head_unit_ids == {w.lead_unit.pk}
    assert not twofactor.requires_second_factor(head)
