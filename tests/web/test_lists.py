"""The item list (/items/): every filter, Chinese search, sorting, 30 rows a page, each person's
scope (a unit never sees another unit's items), and the Excel export of exactly the filtered list."""

import datetime
import io
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client, override_settings
from openpyxl import load_workbook

from banli.deadlines.sync import sync_item
from banli.proposals import actions as A
from banli.proposals.models import Item
from tests.builders import build_world, fresh, make_item, new_draft, today
from tests.web.pages import listed_ids, listed_total, login, text

pytestmark = pytest.mark.django_db


@dataclass
class Shelf:
    world: object
    road: Item  # cppcc, economy, handling (lead + co), key item; "道路" in the title
    planned: Item  # cppcc, 交通出行 (sub-category of 城市建设和管理), replied with a type B reply; "道路" in the text
    waiting: Item  # cppcc, 城市建设和管理, submitted: no number, no unit
    npc: Item  # npc suggestion, assigned to the lead unit
    earlier: Item  # cppcc, the earlier session, registered
    street: Item  # cppcc, handled by the spare unit alone, its signing late
    draft: Item  # the member's own draft: nobody else sees it

    def all_visible_to_office(self):
        return {self.road, self.planned, self.waiting, self.npc, self.earlier, self.street}


@pytest.fixture(scope="module")
def shelf(django_db_setup, django_db_blocker) -> Shelf:
    """Built once for the module inside a transaction that is rolled back at its end; each test
    runs in its own savepoint on top. Tests here use shelf.world, never the `world` fixture."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        with transaction.atomic():
            world = build_world()
            road = make_item(world, "handling", title="关于改善城东道路交通的提案", category=world.category("cppcc", 0))
            planned = make_item(world, "replied", co=False, reply_type="B", title="关于增设公交专用道的提案",
                                category=world.category("cppcc", 2), suggestions="建议对主干道路实施公交优先。")
            waiting = make_item(world, "submitted", title="关于社区养老服务的提案", category=world.category("cppcc", 1))
            npc = make_item(world, "assigned", assembly="npc", co=False, title="关于优化城东公交线路的建议")
            earlier = make_item(world, "registered", session=world.earlier_cppcc_session, title="关于去年会议期间的提案",
                                category=world.category("cppcc", 0))
            street = make_item(world, "registered", title="关于街道菜市场改造的提案", category=world.category("cppcc", 0))
            A.assign(world.gov_office, street.pk, lead=world.spare_unit.pk)
            A.mark_key(world.gov_office, road.pk, leader_id=world.district_leader.pk)
            draft = new_draft(world, title="尚未提交的道路草稿")
            # Twenty days on (five working days even across a week of holidays) the street item's signing is
            # late: its deadline rows only, the others stay as they are.
            sync_item(street.pk, today=today() + datetime.timedelta(days=20))
            yield Shelf(world, fresh(road), fresh(planned), fresh(waiting), fresh(npc), fresh(earlier), fresh(street), fresh(draft))
            transaction.set_rollback(True)


def ids(*items):
    return {i.pk for i in items}


def shown(client, query=""):
    r = client.get(f"/items/?{query}")
    assert r.status_code == 200, text(r)
    got = listed_ids(r)
    assert listed_total(r) == len(got)  # all on one page here
    return set(got)


def test_the_office_sees_every_submitted_item_and_no_draft(shelf):
    assert shown(login(shelf.world.gov_office)) == ids(*shelf.all_visible_to_office())


@pytest.mark.parametrize("query,expected", [
    ("assembly=npc", ["npc"]),
    ("assembly=cppcc", ["road", "planned", "waiting", "earlier", "street"]),
    ("state=handling", ["road"]),
    ("state=submitted,registered", ["waiting", "earlier"]),
    ("reply_type=B", ["planned"]),
    ("key=1", ["road"]),
    ("key=0", ["planned", "waiting", "npc", "earlier", "street"]),
    ("late=1", ["street"]),
    ("q=道路", ["road", "planned"]),
    ("q=公交", ["planned", "npc"]),
    ("q=道路&state=replied", ["planned"]),
    ("q=没有这样的词", []),
])
def test_each_filter_narrows_the_list(shelf, query, expected):
    assert shown(login(shelf.world.gov_office), query) == ids(*(getattr(shelf, n) for n in expected))


def test_filters_by_session_category_and_unit(shelf):
    c = login(shelf.world.gov_office)
    assert shown(c, f"session={shelf.world.earlier_cppcc_session.pk}") == ids(shelf.earlier)
    city, transport = shelf.world.category("cppcc", 1), shelf.world.category("cppcc", 2)
    # A top-level category includes its sub-categories.
    assert shown(c, f"category={city.pk}") == ids(shelf.waiting, shelf.planned)
    assert shown(c, f"category={shelf.world.category('cppcc', 0).pk}") == ids(shelf.road, shelf.earlier, shelf.street)
    assert shown(c, f"category={transport.pk}") == ids(shelf.planned)
    assert shown(c, f"unit={shelf.world.lead_unit.pk}") == ids(shelf.road, shelf.planned, shelf.npc)
    assert shown(c, f"unit={shelf.world.co_unit.pk}") == ids(shelf.road)
    assert shown(c, f"unit={shelf.world.spare_unit.pk}") == ids(shelf.street)
    assert shown(c, f"unit={shelf.world.outsider_unit.pk}") == set()


def test_the_page_keeps_the_chosen_filters(shelf):
    r = login(shelf.world.gov_office).get(f"/items/?state=handling&q=道路&unit={shelf.world.lead_unit.pk}&late=1")
    html = text(r)
    assert 'value="道路"' in html
    assert '<option value="handling" selected>' in html
    assert f'<option value="{shelf.world.lead_unit.pk}" selected>' in html
    assert 'name="late" value="1" checked' in html
    assert "/items/export.xlsx?state=handling&amp;q=%E9%81%93%E8%B7%AF" in html


@pytest.mark.parametrize("query,message", [
    ("state=flying", "未知状态：flying。"),
    ("assembly=senate", "会别应为 cppcc（政协）或 npc（人大）。"),
])
def test_a_bad_filter_gets_a_message_not_a_crash(shelf, query, message):
    for url in (f"/items/?{query}", f"/items/export.xlsx?{query}"):
        r = login(shelf.world.gov_office).get(url)
        assert r.status_code == 400
        assert message in text(r)


@pytest.mark.parametrize("query,status", [
    ("session=abc", 400), ("category=-1", 400), ("unit=99999999999999999999999", 400), ("page=abc", 200), ("ordering=password", 200),
])
def test_odd_parameters_do_not_crash_the_list(shelf, query, status):
    r = login(shelf.world.gov_office).get(f"/items/?{query}")
    assert r.status_code == status
    if status == 400:
        name = query.split("=")[0]
        assert f"筛选条件“{name}”应为有效编号。" in text(r)
    else:
        assert listed_total(r) == 6


@pytest.mark.parametrize("ordering,key", [
    ("number", lambda i: (i.number, -i.pk)),
    ("-number", lambda i: (-i.number, i.pk)),
    ("title", lambda i: (i.title, -i.pk)),
    ("-id", lambda i: -i.pk),
])
def test_sorting(shelf, ordering, key):
    # Numbered items of the current CPPCC session: numbers are unique there.
    numbered = [shelf.road, shelf.planned, shelf.street]
    r = login(shelf.world.gov_office).get(f"/items/?session={shelf.world.cppcc_session.pk}&state=handling,replied,assigned&ordering={ordering}")
    if ordering == "title":
        # Titles sort by the database's collation; the page must show the database's order.
        expected = list(Item.objects.filter(pk__in=ids(*numbered)).order_by("title", "-id").values_list("pk", flat=True))
    else:
        expected = [i.pk for i in sorted(numbered, key=key)]
    assert listed_ids(r) == expected


def test_thirty_rows_a_page(shelf):
    # The unrelated member sees nothing but these.
    drafts = [new_draft(shelf.world, proposer=shelf.world.other_member, title=f"草稿{n:02d}") for n in range(32)]
    c = login(shelf.world.other_member)
    first = c.get("/items/")
    assert listed_total(first) == 32
    assert listed_ids(first) == [d.pk for d in reversed(drafts)][:30]
    assert "第 1 / 2 页" in text(first) and 'href="?&amp;page=2" rel="next"' in text(first)
    second = c.get("/items/?page=2")
    assert listed_ids(second) == [drafts[1].pk, drafts[0].pk]
    assert 'rel="prev"' in text(second) and 'rel="next"' not in text(second)
    # Past the end or nonsense: the nearest real page.
    assert listed_ids(c.get("/items/?page=99")) == listed_ids(second)
    assert listed_ids(c.get("/items/?page=abc")) == listed_ids(first)
    # Filters survive paging.
    r = c.get("/items/?q=草稿&page=2")
    assert 'href="?q=%E8%8D%89%E7%A8%BF&amp;page=1" rel="prev"' in text(r)


def test_a_unit_never_sees_another_units_items(shelf):
    lead, co, spare, outsider = (login(getattr(shelf.world, n)) for n in ("lead_liaison", "co_liaison", "spare_liaison", "outsider_liaison"))
    assert shown(lead) == ids(shelf.road, shelf.planned, shelf.npc)
    assert shown(co) == ids(shelf.road)
    assert shown(spare) == ids(shelf.street)
    assert shown(outsider) == set()
    # No filter opens another unit's items.
    assert shown(lead, f"unit={shelf.world.spare_unit.pk}") == set()
    assert shown(outsider, "q=道路") == set()
    assert shown(outsider, "late=1&key=1") == set()
    assert shown(lead, "late=1") == set()


def test_each_reader_sees_their_own_scope(shelf):
    assert shown(login(shelf.world.member), "") == ids(shelf.road, shelf.planned, shelf.waiting, shelf.earlier, shelf.street, shelf.draft)
    assert shown(login(shelf.world.member), "mine=1&state=draft") == ids(shelf.draft)
    assert shown(login(shelf.world.npc_office)) == ids(shelf.npc)
    assert shown(login(shelf.world.cppcc_office)) == ids(shelf.road, shelf.planned, shelf.waiting, shelf.earlier, shelf.street)
    assert shown(login(shelf.world.district_leader)) == ids(shelf.road, shelf.planned, shelf.npc)
    assert shown(login(shelf.world.other_leader)) == ids(shelf.street)


def test_a_row_shows_number_proposer_category_units_and_state(shelf):
    html = text(login(shelf.world.gov_office).get("/items/?key=1"))
    row = html[html.index(f'<a href="/items/{shelf.road.pk}/">'):].split("</tr>")[0]
    assert f"第{shelf.road.number:04d}号" in html
    for expected in ("关于改善城东道路交通的提案", "重点", "王委员", "经济", "区住房和城乡建设委员会、区交通委员会（会办）", "办理中"):
        assert expected in row


# -- Excel export ---------------------------------------------------------------------------------

HEADER = ["编号", "会别", "会次", "标题", "领衔人", "类别", "状态", "承办单位", "答复类型", "重点", "提交时间"]


def workbook(client, query=""):
    r = client.get(f"/items/export.xlsx?{query}")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert r["Content-Disposition"].startswith("attachment;")
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    ws = wb.worksheets[0]
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    return ws, rows


@pytest.mark.parametrize("query", ["", "state=handling,replied", "q=道路", "assembly=npc", "ordering=number", "late=1"])
def test_the_export_holds_exactly_the_filtered_list(shelf, query):
    c = login(shelf.world.gov_office)
    ws, rows = workbook(c, query)
    assert ws.title == "提案建议"
    assert rows[0] == HEADER
    page_titles = [Item.objects.get(pk=pk).title for pk in listed_ids(c.get(f"/items/?{query}"))]
    assert [r[3] for r in rows[1:]] == page_titles


def test_an_exported_row_says_what_the_record_says(shelf):
    _, rows = workbook(login(shelf.world.gov_office), "key=1")
    road = shelf.road
    assert rows[1][:10] == [road.number, "政协", shelf.world.cppcc_session.name, road.title, "王委员", "经济", "办理中",
                            "区住房和城乡建设委员会（主办）、区交通委员会（会办）", None, "是"]
    _, rows = workbook(login(shelf.world.gov_office), "reply_type=B")
    assert rows[1][5] == "城市建设和管理·交通出行" and rows[1][8] == "B"


def test_a_unit_exports_only_its_own_items_and_no_contacts(shelf):
    _, rows = workbook(login(shelf.world.lead_liaison))
    assert sorted(r[3] for r in rows[1:]) == sorted(i.title for i in (shelf.road, shelf.planned, shelf.npc))
    assert workbook(login(shelf.world.outsider_liaison))[1] == [HEADER]
    flat = " ".join(str(v) for r in workbook(login(shelf.world.gov_office))[1] for v in r)
    assert "13800000001" not in flat and "幸福路" not in flat


def test_anonymous_cannot_list_or_export(shelf):
    for url in ("/items/", "/items/export.xlsx"):
        r = Client().get(url)
        assert r.status_code == 302 and r["Location"].startswith("/login/?next=")
