"""Renaming a unit, a category or a person shows on the public site at once: the public search
finds the new name and not the old, and no cached public page keeps the old name."""

from __future__ import annotations

import pytest

from banli.org.models import Person, Unit
from banli.proposals import actions as A
from tests.builders import lead_assignment, make_item
from tests.portal.test_public_site import get

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world):
    item = make_item(world, "replied", title="关于增设社区养老服务站的提案", consent_publish=True)
    A.decide_publication(world.gov_office, item.pk, publish=True)
    return item


def test_renaming_a_unit_reindexes_and_clears_the_cached_pages(world, published, django_capture_on_commit_callbacks):
    unit = Unit.objects.get(pk=lead_assignment(published).unit_id)
    old = unit.name
    item_page, unit_page = f"/public/items/{published.pk}/", f"/public/units/{unit.pk}/"
    assert old in get(item_page)[1] and old in get(unit_page)[1]
    assert get(item_page)[0]["X-Portal-Cache"] == "hit"
    assert published.title in get(f"/public/?q={old}")[1]

    with django_capture_on_commit_callbacks(execute=True):
        unit.name = "区城市更新和停车管理局"
        unit.save()

    for path in (item_page, unit_page):
        r, body = get(path)
        assert r.get("X-Portal-Cache") != "hit", path
        assert "区城市更新和停车管理局" in body and old not in body, path
    assert published.title in get("/public/?q=停车管理局")[1]
    assert published.title not in get(f"/public/?q={old}")[1]


def test_renaming_a_proposer_reaches_the_public_search(world, published, django_capture_on_commit_callbacks):
    person = Person.objects.get(pk=published.proposer_id)
    with django_capture_on_commit_callbacks(execute=True):
        person.name = "欧阳灏翔"
        person.save()
    assert published.title in get("/public/?q=欧阳灏翔")[1]
    assert "欧阳灏翔" in get(f"/public/items/{published.pk}/")[1]


def test_saving_without_a_change_clears_nothing(world, published, django_capture_on_commit_callbacks):
    unit = Unit.objects.get(pk=lead_assignment(published).unit_id)
    get(f"/public/items/{published.pk}/")
    with django_capture_on_commit_callbacks(execute=True):
        unit.save()  # e.g. the admin's save of another field
    assert get(f"/public/items/{published.pk}/")[0]["X-Portal-Cache"] == "hit"
