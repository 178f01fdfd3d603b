"""Who sees what of the assessment (issue 11 point 6), at the selectors every door uses: the
office and the assembly offices see every unit; a district leader the portfolio; a unit its own
page, and nothing of another unit, not even a rank, until the office publishes the result."""

import pytest
from django.utils import timezone

from banli.assessment import actions, selectors
from banli.errors import BanliError
from tests.assessment.world import build_assessment_world

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def year(world):
    w = build_assessment_world(world)
    actions.create_scheme(world.gov_office, YEAR, preset="weighted")
    return w


def _sees(user):
    rows = selectors.table(user, YEAR)["rows"]
    return {r["unit"]: r["rank"] for r in rows}


def _opens(user, unit):
    try:
        selectors.unit_report(user, YEAR, unit.pk)
        return True
    except BanliError as e:
        assert e.status == 404  # someone else's page looks like a missing one
        return False


def test_before_publication(year, world):
    L, C, S = world.lead_unit, world.co_unit, world.spare_unit
    everyone = {L.pk, C.pk, S.pk}
    for who in ("gov_office", "cppcc_office", "npc_office", "admin_user"):
        user = getattr(world, who)
        assert set(_sees(user)) == everyone and all(_sees(user).values()), who
        assert all(_opens(user, u) for u in (L, C, S)), who
    # district_leader supervises lead_unit and co_unit; other_leader spare_unit (and outsider_unit).
    assert set(_sees(world.district_leader)) == {L.pk, C.pk}
    assert (_opens(world.district_leader, L), _opens(world.district_leader, S)) == (True, False)
    assert set(_sees(world.other_leader)) == {S.pk}
    assert (_opens(world.other_leader, S), _opens(world.other_leader, C)) == (True, False)
    # A unit: its own row, without a rank (a rank tells about the others), and its own page only.
    for who, own in (("lead_liaison", L), ("lead_head", L), ("co_liaison", C), ("spare_liaison", S)):
        user = getattr(world, who)
        assert _sees(user) == {own.pk: None}, who
        table = selectors.table(user, YEAR)
        assert not table["advanced"] and not table["criticised"]
        assert [u for u in (L, C, S) if _opens(user, u)] == [own], who
    # Members and deputies take no part.
    for who in ("member", "deputy"):
        with pytest.raises(BanliError) as e:
            selectors.table(getattr(world, who), YEAR)
        assert e.value.status == 403


def test_after_publication_units_see_the_ranking_but_only_their_own_explanation(year, world):
    actions.finalise(world.gov_office, YEAR)
    assert _sees(world.co_liaison) == {world.co_unit.pk: None}  # final is not yet published
    actions.publish(world.gov_office, YEAR)
    ranks = _sees(world.co_liaison)
    assert ranks == {world.co_unit.pk: 1, world.lead_unit.pk: 2, world.spare_unit.pk: 3}
    assert [r["name"] for r in selectors.table(world.spare_liaison, YEAR)["advanced"]] == [world.co_unit.name]
    assert (_opens(world.co_liaison, world.co_unit), _opens(world.co_liaison, world.lead_unit)) == (True, False)
    # The explanation a unit opens is its frozen one, records included.
    report = selectors.unit_report(world.spare_liaison, YEAR, world.spare_unit.pk)
    late = next(ln for ln in report["lines"] if ln["name"] == "按时签收")
    assert late["refs"] and {r["item"] for r in late["refs"]} == {year.items["w3"].pk, year.items["w4"].pk}


def test_a_unit_not_assessed_and_a_bad_id_are_not_found(year, world):
    for bad in (world.outsider_unit.pk, 10**9, "abc", -1):
        with pytest.raises(BanliError) as e:
            selectors.unit_report(world.gov_office, YEAR, bad)
        assert e.value.status == 404
    with pytest.raises(BanliError) as e:
        selectors.table(world.gov_office, 1999)
    assert e.value.status == 404
