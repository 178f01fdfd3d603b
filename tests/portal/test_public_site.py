"""The public site (/public/, no login): only what the office decided to publish, from the moment
of the decision; a revoked publication gone at once from every page, feed and export, the cache
included; no contact data; the reply as it stood when the office decided; a fixed number of
queries; the cache cleared by exactly what a decision affects."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from banli.proposals import actions as A
from banli.proposals.models import Item, Reply
from tests.builders import lead_assignment, make_item

pytestmark = pytest.mark.django_db


def get(path: str, client: Client | None = None):
    r = (client or Client()).get(path)
    body = b"".join(r.streaming_content) if r.streaming else r.content
    return r, body.decode("utf-8")


def publish(world, item, **kw):
    return A.decide_publication(world.gov_office, item.pk, publish=True, **kw)


def every_door(item_id=None, unit_id=None, category_id=None) -> dict[str, str]:
    """Every public answer that could show an item: pages, feeds, open data, the sitemap."""
    paths = ["/public/", "/public/feeds/", "/public/data/items.json", "/public/data/items.csv", "/public/sitemap-items.xml"]
    if item_id:
        paths.append(f"/public/items/{item_id}/")
    if unit_id:
        paths += [f"/public/units/{unit_id}/", f"/public/feeds/units/{unit_id}/", f"/public/?unit={unit_id}"]
    if category_id:
        paths.append(f"/public/feeds/categories/{category_id}/")
    return {p: get(p) for p in paths}


@pytest.fixture
def items(world):
    """A published item (consent, reply, decision), one replied but undecided, one withheld, one
    whose proposer did not consent."""
    published = make_item(world, "replied", title="关于增设社区养老服务站的提案", consent_publish=True)
    publish(world, published)
    undecided = make_item(world, "replied", title="关于规范共享单车停放的提案", consent_publish=True)
    withheld = make_item(world, "replied", title="关于调整学区划分的提案", consent_publish=True)
    A.decide_publication(world.gov_office, withheld.pk, publish=False, reason="涉及尚未公布的规划")
    refused = make_item(world, "replied", title="关于某小区物业纠纷的提案", consent_publish=False)
    return {"published": Item.objects.get(pk=published.pk), "undecided": undecided, "withheld": withheld, "refused": refused}


def test_only_published_items_are_on_any_door(world, items):
    p = items["published"]
    unit = lead_assignment(p).unit_id
    for path, (r, body) in every_door(p.pk, unit, p.category_id).items():
        assert r.status_code == 200, path
        assert p.title in body or path.endswith("sitemap-items.xml") and f"/public/items/{p.pk}/" in body, path
        for name in ("undecided", "withheld", "refused"):
            assert items[name].title not in body, (path, name)
    for name in ("undecided", "withheld", "refused"):
        r, _ = get(f"/public/items/{items[name].pk}/")
        assert r.status_code == 404, name
    data = json.loads(get("/public/data/items.json")[1])
    assert [i["id"] for i in data["items"]] == [p.pk] and data["count"] == 1


def test_revocation_takes_the_item_off_every_door_at_once_cache_included(world, items, django_capture_on_commit_callbacks):
    p = items["published"]
    unit, category = lead_assignment(p).unit_id, p.category_id
    before = every_door(p.pk, unit, category)
    assert all(p.title in body for path, (r, body) in before.items() if not path.endswith(".xml"))
    assert get("/public/")[0]["X-Portal-Cache"] == "hit"  # served from the cache now
    with django_capture_on_commit_callbacks(execute=True):  # the cache moves on once the decision commits
        A.revoke_publication(world.gov_office, p.pk, reason="答复涉及的选址已调整")
    assert Item.objects.get(pk=p.pk).published_at is None
    for path, (r, body) in every_door(p.pk, unit, category).items():
        assert p.title not in body and f"/public/items/{p.pk}/" not in body, path
    assert get(f"/public/items/{p.pk}/")[0].status_code == 404


def test_a_decision_clears_exactly_what_it_affects(world, items, django_capture_on_commit_callbacks):
    """Publishing an item moves on its own page, its units', its category's and the lists; another
    item's page stays cached."""
    p = items["published"]
    other = items["undecided"]
    get(f"/public/items/{p.pk}/")
    get("/public/")
    assert get(f"/public/items/{p.pk}/")[0]["X-Portal-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        publish(world, other)
    assert get(f"/public/items/{p.pk}/")[0]["X-Portal-Cache"] == "hit"  # untouched
    r, body = get("/public/")
    assert not r.has_header("X-Portal-Cache") and other.title in body  # the list moved on
    r, body = get(f"/public/items/{other.pk}/")
    assert r.status_code == 200 and other.title in body


def test_no_contact_data_and_nothing_internal(world, items):
    p = items["published"]
    reply = Reply.objects.get(item=p, state="sent")
    proposer = p.proposer
    proposer.phone, proposer.address = "13912345678", "幸福路99号"
    proposer.save()
    A.post_message(world.member, p.pk, body="内部留言不公开", to_unit_id=lead_assignment(p).unit_id)
    secrets = [reply.contact_phone, reply.contact_person, "13912345678", "幸福路99号", "内部留言不公开", world.member.email,
               lead_assignment(p).unit.phone]
    secrets = [s for s in secrets if s]
    assert reply.contact_phone and reply.contact_person
    for path, (r, body) in every_door(p.pk, lead_assignment(p).unit_id, p.category_id).items():
        for s in secrets:
            assert s not in body, (path, s)
    _, page = get(f"/public/items/{p.pk}/")
    assert reply.body in page and p.reason in page and p.suggestions in page and proposer.name in page


def test_the_reply_shown_is_the_one_the_office_decided_on(world):
    """A unit that replies again later (re-handling) does not publish its new reply by itself."""
    from tests.builders import rate, reply

    item = make_item(world, "replied", title="关于老旧小区停车改造的提案", consent_publish=True)
    first = Reply.objects.get(item=item, state="sent")
    publish(world, item)
    rate(world, item, grade="poor", agrees=False, comment="不满意")
    second = reply(world, Item.objects.get(pk=item.pk), body="第二次答复：新的停车方案")
    assert second.state == "sent"
    _, page = get(f"/public/items/{item.pk}/")
    assert first.body in page and "第二次答复" not in page


def test_list_filters_and_bad_input(world, items):
    p = items["published"]
    assert p.title in get(f"/public/?year={p.session.year}")[1]
    assert p.title not in get(f"/public/?year={p.session.year - 5}")[1]
    assert p.title in get("/public/?reply_type=A&assembly=cppcc")[1]
    assert p.title not in get("/public/?reply_type=C")[1]
    assert p.title in get(f"/public/?category={p.category.parent_id or p.category_id}")[1]
    r, body = get("/public/?year=abc")
    assert r.status_code == 400 and "年度" in body
    r, body = get("/public/?assembly=xx")
    assert r.status_code == 400 and "会别" in body


def test_csv_cells_cannot_run_as_formulas(world):
    item = make_item(world, "replied", title="=HYPERLINK(\"http://x\")关于公园的提案", consent_publish=True)
    publish(world, item)
    rows = list(csv.reader(io.StringIO(get("/public/data/items.csv")[1].lstrip("\ufeff"))))
    assert rows[0][0] == "id" and rows[1][6].startswith("'=HYPERLINK")


def _queries(path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = Client().get(path)
        if r.streaming:
            b"".join(r.streaming_content)
    assert r.status_code == 200, path
    return len(ctx)


def test_public_reads_run_a_fixed_number_of_queries(world):
    paths = lambda item, unit: ["/public/", f"/public/items/{item}/", f"/public/units/{unit}/", "/public/feeds/",  # noqa: E731
                                "/public/data/items.json"]
    first = make_item(world, "replied", title="关于第一件的提案", consent_publish=True)
    publish(world, first)
    unit = lead_assignment(first).unit_id
    small = [_queries(p) for p in paths(first.pk, unit)]
    for k in range(4):
        more = make_item(world, "replied", title=f"关于更多公开件的提案{k}", consent_publish=True, separate=k % 2 == 0)
        for a in more.assignments.filter(role__in=("lead", "separate")):
            A.decide_publication(world.gov_office, more.pk, assignment=a.pk, publish=True)
    from django.core.cache import cache

    cache.clear()
    large = [_queries(p) for p in paths(first.pk, unit)]
    assert small == large, (small, large)


def test_a_search_counts_its_matches_with_the_page_in_one_query(world, items, monkeypatch):
    from banli.portal import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 1)
    for k in range(2):
        publish(world, make_item(world, "replied", title=f"关于养老护理员培训的提案{k}", consent_publish=True))
    from django.core.cache import cache

    cache.clear()
    found = "找到 3 件与“养老”相关的公开件"
    assert found in get("/public/?q=养老")[1] and found in get("/public/?q=养老&page=3")[1]
    # Past the last page: no row carries the count, which is then asked for on its own.
    assert found in get("/public/?q=养老&page=9")[1]
    assert "找到 0 件" in get("/public/?q=火星")[1]
    # The plain list counts with a query of its own (an index count, cheap); a search does not,
    # and on PostgreSQL reads the sessions instead (banli.search.query.matching asks them newest first).
    cache.clear()  # each answer above is cached now
    search, plain, past_end = (_queries(p) for p in ("/public/?q=养老&page=2", "/public/", "/public/?q=养老&page=9"))
    assert search == plain - (0 if connection.vendor == "postgresql" else 1)
    # Past the end: one query more for the count, one fewer for the (absent) rows' units.
    assert past_end == search


def test_the_pages_are_public_and_semantic(world, items):
    p = items["published"]
    r, body = get(f"/public/items/{p.pk}/")
    assert r.status_code == 200 and '<html lang="zh-CN">' in body and "<main" in body and "<article" in body
    assert 'rel="stylesheet" href="/static/portal/portal.css"' in body and "http://" not in body.split("<body")[0]
    assert "csrfmiddlewaretoken" not in body and not r.cookies  # nothing of a session on the public side
    r, body = get("/public/sitemap.xml")
    assert r.status_code == 200 and "sitemap-items.xml" in body
    r, body = get("/public/feeds/")
    assert r["Content-Type"].startswith("application/atom+xml") and p.title in body


def test_every_public_door_states_the_same_item(world):
    """The page, the feed, the JSON and the CSV read one rule (portal.rules): for a separately
    handled item with one unit's reply published and the other's not, all four name the same
    number, title and units, and only the published reply."""
    from xml.etree import ElementTree

    item = make_item(world, "replied", separate=True, title="关于改善老城区停车秩序的提案", consent_publish=True)
    shown, hidden = item.assignments.filter(role="separate").order_by("id")
    A.decide_publication(world.gov_office, item.pk, assignment=shown.pk, publish=True)
    A.decide_publication(world.gov_office, item.pk, assignment=hidden.pk, publish=False, reason="涉及未定方案")
    body = Reply.objects.get(assignment=shown, state="sent").body
    other = Reply.objects.get(assignment=hidden, state="sent")
    other.body = "未公开的另一份答复"
    other.save(update_fields=["body"])
    units = [shown.unit.name, hidden.unit.name]

    _, page = get(f"/public/items/{item.pk}/")
    (record,) = json.loads(get("/public/data/items.json")[1])["items"]
    (row,) = [r for r in csv.DictReader(io.StringIO(get("/public/data/items.csv")[1].lstrip("\ufeff")))]
    feed = ElementTree.fromstring(get("/public/feeds/")[1].encode())
    atom = "{http://www.w3.org/2005/Atom}"
    (entry,) = feed.findall(f"{atom}entry")

    label = record["number"]
    assert label in page and row["编号"] == label and entry.find(f"{atom}title").text == f"{label} {item.title}"
    assert item.title in page and record["title"] == row["标题"] == item.title
    assert [u["unit"] for u in record["units"]] == row["承办单位"].split("、") and sorted(row["承办单位"].split("、")) == sorted(units)
    assert all(u in page for u in units) and all(u in entry.find(f"{atom}summary").text for u in units)
    assert [r["body"] for r in record["replies"]] == [body] and body in page
    assert "未公开的另一份答复" not in page + json.dumps(record, ensure_ascii=False) + get("/public/data/items.csv")[1]
    assert entry.find(f"{atom}link").get("href").endswith(f"/public/items/{item.pk}/")


def test_the_list_counts_no_further_than_its_pages_reach(world, items, monkeypatch):
    """A province's ten years publish hundreds of thousands: the plain list counts up to the items
    its pages can reach (a LIMIT under the count), and says "more than" beyond; a filter that
    leaves fewer counts them exactly."""
    from django.core.cache import cache

    from banli.portal import selectors

    for k in range(3):
        publish(world, make_item(world, "replied", title=f"关于公开件计数的提案{k}", consent_publish=True))
    cache.clear()
    exact = get("/public/")[1]
    total = int(__import__("re").search(r"共 (\d+) 件公开件", exact).group(1))
    assert total >= 4
    monkeypatch.setattr(selectors, "COUNT_CAP", total - 1)
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        body = get("/public/")[1]
    assert f"公开件超过 {total - 1} 件" in body and "共 " not in body.split('class="pt-count"')[1][:40]
    count_sql = next(q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper())
    assert "LIMIT" in count_sql.upper()
    monkeypatch.setattr(selectors, "COUNT_CAP", total)
    cache.clear()
    assert f"共 {total} 件公开件" in get("/public/")[1]
