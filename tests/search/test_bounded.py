"""A search looks at no more than it must (banli.search.query.matching, banli.search.keys): the
best matches of the newest session first, then of the sessions before, up to CANDIDATES; a unit's
staff only at their units' documents. Each bound is checked against what it must not change."""

import pytest
from django.db import connection

from banli.org.models import Unit
from banli.proposals.access import search_units, visible_items
from banli.proposals.models import Item
from banli.search import query
from banli.search.models import SearchDocument
from banli.search.query import matching
from tests.builders import make_item
from tests.web.pages import login

pytestmark = pytest.mark.django_db


def ranked(qs, q, **kw) -> list[int]:
    return list(matching(qs, q, **kw).order_by("search_rank", "-id").values_list("pk", flat=True))


@pytest.fixture
def parking(world):
    """Four items of the current session and two of last year's, each with 停车 said n times."""
    def item(n, session):
        return make_item(world, state="submitted", session=session, title=f"关于交通的建议{n}",
                         reason="道路拥堵。" * 3 + "停车难。" * n)
    now = {n: item(n, world.cppcc_session) for n in (1, 2, 3, 4)}
    before = {n: item(n, world.earlier_cppcc_session) for n in (5, 6)}
    return now, before


def test_the_newest_session_s_best_come_first_and_no_more_than_the_bound(world, gov_office, parking, monkeypatch):
    now, before = parking
    everything = Item.objects.all()
    # No bound reached: every match, best first, last year's included.
    assert set(ranked(everything, "停车", scope="staff")) == {i.pk for i in [*now.values(), *before.values()]}
    monkeypatch.setattr(query, "CANDIDATES", 3)
    # The bound: the current session's three best (more 停车 ranks better), none of last year's
    # (though last year's say it more often).
    assert ranked(everything, "停车", scope="staff") == [now[4].pk, now[3].pk, now[2].pk]
    monkeypatch.setattr(query, "CANDIDATES", 5)
    # All four of this session, then last year's best: ranked together.
    assert ranked(everything, "停车", scope="staff") == [before[6].pk, now[4].pk, now[3].pk, now[2].pk, now[1].pk]


def test_the_lists_say_when_the_bound_is_reached(world, gov_office, parking, monkeypatch):
    monkeypatch.setattr(query, "CANDIDATES", 3)
    html = login(gov_office).get("/items/", {"q": "停车"}).content.decode()
    assert html.count('<td class="title">') == 3
    assert "共 3 件以上" in html and "只列出最近会次中最相关的 3 件" in html
    assert "件以上" not in login(gov_office).get("/items/", {"q": "拥堵 停车难停车难停车难停车难"}).content.decode()


def test_the_public_list_says_it_too(world, monkeypatch):
    from banli.proposals import actions as A

    for n in range(3):
        item = make_item(world, "replied", consent_publish=True, title=f"关于养老服务的提案{n}")
        A.decide_publication(world.gov_office, item.pk, publish=True)
    monkeypatch.setattr(query, "CANDIDATES", 2)
    html = login(world.member).get("/public/", {"q": "养老"}).content.decode()
    assert "找到 2 件以上与“养老”相关的公开件" in html and "只列出最近会次中最相关的 2 件" in html


def test_staff_documents_carry_every_unit_ever_assigned(world, gov_office):
    item = make_item(world, "handling")
    doc = SearchDocument.objects.get(item=item, scope="staff")
    units = set(item.assignments.values_list("unit_id", flat=True))
    assert units and all(f" zzu{u}s{item.session_id} " in f"{doc.tokens} " for u in units)
    assert f" zzs{item.session_id}" in doc.tokens


def test_a_unit_s_search_is_narrowed_by_its_units_and_finds_what_it_may_read(world, lead_liaison, co_liaison, spare_liaison):
    road = make_item(world, "handling", title="关于道路停车位的建议")  # lead_unit leads, co_unit co-handles
    make_item(world, "submitted", title="关于小区停车的建议")  # not assigned: no unit reads it
    for user in (lead_liaison, co_liaison, spare_liaison):
        units = search_units(user)
        assert units, user.username  # a unit's staff: narrowed by the index
        narrowed = ranked(visible_items(user), "停车", scope="staff", units=units)
        # The door without the narrowing finds the same: it only saves reading.
        assert narrowed == ranked(visible_items(user), "停车", scope="staff"), user.username
    assert ranked(visible_items(lead_liaison), "停车", scope="staff", units=search_units(lead_liaison)) == [road.pk]
    assert ranked(visible_items(spare_liaison), "停车", scope="staff", units=search_units(spare_liaison)) == []
    if connection.vendor == "postgresql":
        # The narrowing is real where it saves reading (SQLite, a district's size, reads every
        # match anyway): another unit's key finds only that unit's items, whoever asks.
        other = Unit.objects.exclude(pk__in=road.assignments.values("unit_id")).first()
        assert ranked(Item.objects.all(), "停车", scope="staff", units={other.pk}) == []


def test_readers_who_read_more_than_their_units_are_not_narrowed(world, gov_office, member, district_leader, cppcc_office):
    for user in (gov_office, member, district_leader, cppcc_office):
        assert search_units(user) is None, user.username

