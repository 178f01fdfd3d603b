"""A member's search starts from the few items they may read (banli.proposals.access.search_among)
instead of probing every match of the word in the index: the same matches in the same order as the
probe, the bound (CANDIDATES) included; readers with a staff role, or past FEW_VISIBLE items, still
probe."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from banli.proposals import access
from banli.proposals.access import search_among, visible_items
from banli.proposals.selectors import item_list
from banli.search import query
from tests.builders import make_item
from tests.web.pages import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def parking(world):
    """The member's own items over two sessions (停车 said n times), one they co-signed, one merged
    into another member's item, and other members' items with the word that the member may not read."""
    own = {n: make_item(world, state="submitted", title=f"关于交通的建议{n}", reason="道路拥堵。" * 3 + "停车难。" * n)
           for n in (1, 2, 3)}
    own[4] = make_item(world, state="submitted", session=world.earlier_cppcc_session, title="关于停车的建议", reason="停车难。" * 4)
    cosigned = make_item(world, state="submitted", proposer=world.other_member, cosigners=[world.member], title="关于停车场的建议")
    draft = make_item(world, state="draft", title="关于路边停车的建议")
    unseen = [make_item(world, state="submitted", proposer=world.other_member, title=f"关于停车收费的建议{n}", reason="停车。" * n)
              for n in (1, 5)]
    return own, cosigned, draft, unseen


def listed(user, q) -> list[int]:
    return [i.pk for i in item_list(user, QueryDict("", mutable=True) | {"q": q})]


def probed(user, q) -> list[int]:
    """The probe every other reader's search uses: each match of the index, tested for visibility."""
    qs = query.matching(visible_items(user, probe=True), q, scope="staff")
    return list(qs.order_by("search_rank", "-id").values_list("pk", flat=True))


def test_a_member_s_search_finds_what_the_probe_finds_in_its_order(world, member, parking, monkeypatch):
    own, cosigned, draft, unseen = parking
    assert sorted(search_among(member)) == sorted(visible_items(member).values_list("pk", flat=True))
    got = listed(member, "停车")
    assert got == probed(member, "停车")
    assert set(got) == {*(i.pk for i in own.values()), cosigned.pk, draft.pk}
    assert not set(got) & {i.pk for i in unseen}
    both = listed(member, "停车 拥堵")
    assert both == probed(member, "停车 拥堵") and set(both) == {own[1].pk, own[2].pk, own[3].pk}
    assert listed(member, "养老") == []
    # The bound keeps the newest session's best first, as the probe does: last year's item (which
    # says 停车 most often) is left out.
    monkeypatch.setattr(query, "CANDIDATES", 3)
    assert listed(member, "停车") == probed(member, "停车")
    assert own[4].pk not in listed(member, "停车") and len(listed(member, "停车")) == 3


def test_staff_and_members_who_read_many_items_still_probe(world, member, gov_office, district_leader, cppcc_office, lead_liaison,
                                                            parking, monkeypatch):
    for user in (gov_office, district_leader, cppcc_office, lead_liaison):
        assert search_among(user) is None, user.username
    monkeypatch.setattr(access, "FEW_VISIBLE", 2)
    assert search_among(member) is None  # more than the bound: the index probe, with the same answer
    assert listed(member, "停车") == probed(member, "停车")


def test_the_page_lists_the_member_s_matches_without_probing_the_index(world, member, parking):
    own, cosigned, draft, _ = parking
    with CaptureQueriesContext(connection) as ctx:
        html = login(member).get("/items/", {"q": "停车"}).content.decode()
    for item in (*own.values(), cosigned, draft):
        assert f'href="/items/{item.pk}/' in html
    if connection.vendor == "postgresql":
        # No session-by-session probe of the index (banli.search.query._newest_sessions_first).
        assert not [q for q in ctx.captured_queries if "CROSS JOIN LATERAL" in q["sql"]]
