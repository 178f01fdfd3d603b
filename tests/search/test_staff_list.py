"""The staff list's q= (banli.proposals.selectors.item_list) searches the staff documents: the
best match first unless another order is asked, with the list's usual number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from banli.proposals.selectors import item_list
from tests.builders import make_item
from tests.web.pages import listed_total, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def parking(world):
    once = make_item(world, state="submitted", title="关于城市更新的建议", reason="本区正推进城市更新，" * 10 + "兼顾停车设施。")
    often = make_item(world, state="submitted", title="关于缓解停车难的建议", reason="医院停车场车位不足，路边停车占道。")
    other = make_item(world, state="submitted", title="关于发展社区养老服务的建议")
    return once, often, other


def ids(user, **params):
    return [i.pk for i in item_list(user, params)]


def test_q_finds_the_words_best_match_first(world, gov_office, parking):
    once, often, _ = parking
    assert ids(gov_office, q="停车") == [often.pk, once.pk]
    assert ids(gov_office, q="停车", ordering="relevance") == [often.pk, once.pk]
    assert ids(gov_office, q="停车", ordering="-id") == sorted([often.pk, once.pk], reverse=True)
    assert ids(gov_office, q="停车", ordering="id") == sorted([often.pk, once.pk])
    assert ids(gov_office, q="停车场 医院") == [often.pk]
    assert ids(gov_office, q="，。") == []


def test_relevance_without_q_is_newest_first(world, gov_office, parking):
    assert ids(gov_office, ordering="relevance") == ids(gov_office) == sorted(ids(gov_office), reverse=True)


def test_q_keeps_to_what_the_reader_may_see(world, member, other_member, parking):
    _, often, _ = parking
    assert often.pk in ids(member, q="停车")  # the proposer's own
    assert ids(other_member, q="停车") == []


def test_the_page_and_the_api_search_alike(world, gov_office, parking):
    once, often, _ = parking
    r = login(gov_office).get("/items/", {"q": "停车"})
    assert listed_total(r) == 2
    c = APIClient()
    c.force_login(gov_office)
    body = c.get("/api/items/", {"q": "停车"}).json()
    assert [row["id"] for row in body["results"]] == [often.pk, once.pk]


def test_q_costs_no_query_more(world, gov_office, parking):
    c = APIClient()
    c.force_login(gov_office)

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx)

    # A search's total comes with its page (banli.paging), one query fewer than the plain list's
    # count + page; on PostgreSQL it reads the sessions, one more (banli.search.query.matching).
    fewer = 0 if connection.vendor == "postgresql" else 1
    assert queries("/api/items/?q=停车") == queries("/api/items/?q=停车 医院") == queries("/api/items/") - fewer


def test_a_search_s_total_comes_with_its_page_and_past_the_end_still_counts(world, gov_office, parking, monkeypatch):
    from banli.web.views import items as views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    once, often, _ = parking
    c = login(gov_office)
    first, second = c.get("/items/", {"q": "停车"}), c.get("/items/", {"q": "停车", "page": 2})
    assert listed_total(first) == listed_total(second) == 2
    assert f'href="/items/{often.pk}/"' in first.content.decode() and f'href="/items/{once.pk}/"' in second.content.decode()
    # Past the end or nonsense: the nearest real page, with the right total.
    assert f'href="/items/{once.pk}/"' in c.get("/items/", {"q": "停车", "page": 9}).content.decode()
    assert f'href="/items/{often.pk}/"' in c.get("/items/", {"q": "停车", "page": "x"}).content.decode()
    assert listed_total(c.get("/items/", {"q": "火星"})) == 0
    api = APIClient()
    api.force_login(gov_office)
    body = api.get("/api/items/", {"q": "停车", "page_size": 1, "page": 2}).json()
    assert body["count"] == 2 and [r["id"] for r in body["results"]] == [once.pk] and body["next"] is None
    assert api.get("/api/items/", {"q": "停车", "page_size": 1, "page": 3}).status_code == 404
    assert api.get("/api/items/", {"q": "停车", "page": "last", "page_size": 1}).json()["results"][0]["id"] == once.pk
    # A page number whose offset no database integer holds (found by tests/api/test_fuzz.py): past the end, not a 500.
    huge = "184467440737095518"
    assert api.get("/api/items/", {"q": "停车", "page": huge}).status_code == 404
    assert f'href="/items/{once.pk}/"' in c.get("/items/", {"q": "停车", "page": huge}).content.decode()


def test_the_page_marks_the_words_and_offers_relevance_as_the_order(world, gov_office, parking):
    once, often, _ = parking
    c = login(gov_office)
    html = c.get("/items/", {"q": "停车"}).content.decode()
    # Best first, the words marked in the title and in a passage of the body.
    assert html.index(f'href="/items/{often.pk}/"') < html.index(f'href="/items/{once.pk}/"')
    assert "关于缓解<mark>停车</mark>难的建议" in html
    assert '<p class="passage">医院<mark>停车</mark>场车位不足，路边<mark>停车</mark>占道。' in html
    # The long body is cut to a passage around the first match.
    assert '<p class="passage">…' in html and "兼顾<mark>停车</mark>设施" in html
    assert '<option value="relevance" selected>相关度</option>' in html
    # Another order chosen: shown as chosen; without q there is no relevance to offer.
    assert '<option value="-id" selected>' in c.get("/items/", {"q": "停车", "ordering": "-id"}).content.decode()
    plain = c.get("/items/").content.decode()
    assert 'value="relevance"' not in plain and "<mark>" not in plain


def test_marked_text_is_still_escaped(world, gov_office):
    make_item(world, state="submitted", title="<b>停车</b>收费&公示", reason="<script>alert(1)</script>停车")
    html = login(gov_office).get("/items/", {"q": "停车"}).content.decode()
    assert "&lt;b&gt;<mark>停车</mark>&lt;/b&gt;收费&amp;公示" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;<mark>停车</mark>" in html
