"""The lead unit grades each co-handling unit's work on an item (issue 11 point 3), once its own
reply is out; the latest grade is in force and the co-handling unit is told."""

import pytest

from banli.proposals import actions
from banli.proposals.models import LeadCoGrade
from tests.builders import co_assignment, lead_assignment, make_item
from tests.checks import assert_audit, notified, refused

pytestmark = pytest.mark.django_db


def test_the_lead_liaison_grades_the_co_unit_after_its_reply(world, django_capture_on_commit_callbacks):
    item = make_item(world, "handling")
    co = co_assignment(item)
    with refused("lead_not_replied"):
        actions.grade_co_unit(world.lead_liaison, item.pk, assignment=co.pk, grade="good")
    item = make_item(world, "replied")
    co = co_assignment(item)
    with django_capture_on_commit_callbacks(execute=True):
        g = actions.grade_co_unit(world.lead_liaison, item.pk, assignment=co.pk, grade="fair", comment="配合较好")
    assert (g.assignment_id, g.grade.code, g.comment, g.by_id) == (co.pk, "fair", "配合较好", world.lead_liaison.pk)
    assert_audit("grade_co_unit", item=item, actor=world.lead_liaison, target=g, after={"unit": world.co_unit.pk, "grade": "fair"})
    assert {"co_liaison", "co_head"} <= notified("grade_co_unit", item=item)
    assert "lead_head" not in notified("grade_co_unit", item=item)
    with refused("invalid", field="grade"):
        actions.grade_co_unit(world.lead_liaison, item.pk, assignment=co.pk, grade="fair", comment="配合较好")
    actions.grade_co_unit(world.lead_liaison, item.pk, assignment=co.pk, grade="good", comment="复核后上调")
    assert list(LeadCoGrade.objects.filter(assignment=co).order_by("id").values_list("grade__code", flat=True)) == ["fair", "good"]
    assert_audit("grade_co_unit", item=item, before={"grade": "fair"}, after={"grade": "good"}, count=2)


def test_only_the_lead_grades_and_only_co_handling_units(world):
    item = make_item(world, "replied")
    co, lead = co_assignment(item), lead_assignment(item)
    for who in (world.co_liaison, world.lead_head, world.gov_office, world.member):
        with refused("forbidden"):
            actions.grade_co_unit(who, item.pk, assignment=co.pk, grade="good")
    with refused("not_co_unit"):
        actions.grade_co_unit(world.lead_liaison, item.pk, assignment=lead.pk, grade="good")
    with refused("invalid", field="grade"):
        actions.grade_co_unit(world.lead_liaison, item.pk, assignment=co.pk, grade="excellent")


def test_the_grade_is_read_where_the_co_handling_opinion_is(world):
    """The lead's grade of a co-handling unit follows the opinion's rule, on the page and in the
    API alike: the units handling the item, the offices; not the proposer, not another unit."""
    from rest_framework.test import APIClient

    from tests.web.pages import login, text

    item = make_item(world, "replied")
    co = co_assignment(item)
    actions.grade_co_unit(world.lead_liaison, item.pk, assignment=co.pk, grade="fair", comment="配合较好")
    for who, sees in (("lead_liaison", True), ("co_liaison", True), ("gov_office", True), ("cppcc_office", True),
                      ("member", False), ("spare_liaison", False)):
        user = getattr(world, who)
        page = login(user).get(f"/items/{item.pk}/")
        api = APIClient()
        api.force_authenticate(user)
        detail = api.get(f"/api/items/{item.pk}/")
        if page.status_code == 404:
            assert not sees and detail.status_code == 404, who
            continue
        grade = next(a for a in detail.json()["assignments"] if a["id"] == co.pk)["lead_grade"]
        assert ("主办单位评价" in text(page) and "配合较好" in text(page)) == sees, who
        assert (grade == {"grade": "fair", "name": "较好", "comment": "配合较好", "at": grade and grade["at"]}) == sees, who
        assert (grade is None) == (not sees), who
        assert any(r["action"] == "grade_co_unit" for r in detail.json()["history"]) == sees, who
