"""The district leader's portfolio (/portfolio/, issue 14 point 9): a card per unit supervised,
the worst first, with its late items (as the deadlines list counts them), its ratings (as the
report's unit table counts them) and its key items, each linking to the item. Only a district
leader has one, and only of the units supervised."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banli.deadlines.models import Deadline
from banli.org.models import Session
from banli.proposals import actions
from banli.reports.periods import period
from banli.reports.units import unit_table
from banli.workdays.calendar import working_days_between
from tests.builders import co_assignment, lead_assignment, make_item, today
from tests.web.pages import login, text
from tests.web.test_deadlines_list import assigned_long_ago

pytestmark = pytest.mark.django_db

# Session and user, the leader's roles (one query: staff roles, units, liaison posts, people), the unread
# badge; the units' names, the late milestones (bare tuples), the current sessions, each
# session's period and the leader's units' counts and ratings (when not kept: see
# banli.reports.cache; the grades, the assignments, the ratings), the grades, the grades that send
# an item back, the key items (bare tuples), the items the cards show.
QUERIES = 18


def cards(html) -> list[dict]:
    out = []
    for uid, body in re.findall(r'<section class="card unit-card[^"]*" data-unit="(\d+)"[^>]*>(.*?)</section>', text(html), re.S):
        figures = {k: " ".join(unescape(re.sub(r"<[^>]+>", "", v)).split())
                   for k, v in re.findall(r'<div data-figure="([a-z]+)"><dt>.*?</dt><dd[^>]*>(.*?)</dd></div>', body, re.S)}
        grades = re.search(r"<p class=\"grades\" data-grades>(.*?)</p>", body, re.S)
        out.append({
            "id": int(uid), "figures": figures,
            "late": [int(i) for i in re.findall(r'data-late-item="(\d+)"', body)],
            "late_text": [" ".join(unescape(re.sub(r"<[^>]+>", " ", t)).split()) for t in re.findall(r"<li>(.*?)</li>", body.split("重点提案</h3>")[0], re.S)],
            "key": [int(i) for i in re.findall(r'data-key-item="(\d+)"', body)],
            "grades": " ".join(unescape(re.sub(r"<[^>]+>", "", grades.group(1))).split()) if grades else "",
        })
    return out


def test_each_unit_supervised_has_a_card_the_unit_most_late_first(world, district_leader, lead_liaison):
    alone = assigned_long_ago(world, co=False)  # the lead unit: 1 item late
    both = [assigned_long_ago(world, co=True) for _ in range(2)]
    for item in both:  # the lead unit signs, late; the co-handling unit does not: 2 items late
        actions.sign(lead_liaison, item.pk, assignment=lead_assignment(item).pk)
    got = cards(login(district_leader).get("/portfolio/"))
    assert [c["id"] for c in got] == [world.co_unit.pk, world.lead_unit.pk]
    co, lead = got
    assert co["figures"]["late"] == "2件" and sorted(co["late"]) == sorted(i.pk for i in both)
    assert lead["figures"]["late"] == "1件" and lead["late"] == [alone.pk]
    sign = Deadline.objects.get(key=f"sign:{lead_assignment(alone).pk}")
    assert f"超期 {working_days_between(sign.due_on, today())} 个工作日 签收" in lead["late_text"][0]
    sign_co = Deadline.objects.get(key=f"sign:{co_assignment(both[0]).pk}")
    assert sign_co.state == Deadline.State.LATE


def test_the_ratings_are_the_report_unit_tables(world, district_leader):
    make_item(world, "evaluated", co=False)  # rated 好
    make_item(world, "evaluated", co=False)
    make_item(world, "rehandling", co=False)  # rated 差, 不同意
    got = {c["id"]: c for c in cards(login(district_leader).get("/portfolio/"))}
    lead = got[world.lead_unit.pk]
    current = Session.objects.get(assembly="cppcc", is_current=True)
    row = next(r for r in unit_table(period("session", current.pk)) if r["id"] == world.lead_unit.pk)
    assert row["grades"]["good"] == 2 and row["grades"]["poor"] == 1 and row["disagreed"] == 1
    assert lead["grades"] == "评价：好 2 · 较好 0 · 一般 0 · 差 1"
    assert lead["figures"]["satisfied"] == "67%"  # 好 and 较好: 2 of 3 ratings
    assert lead["figures"]["disagreed"] == "1件"
    # The unit with unsatisfied ratings comes before the one without, neither being late.
    assert list(got) == [world.lead_unit.pk, world.co_unit.pk]


def test_key_items_are_listed_and_link_to_the_item(world, district_leader, gov_office):
    item = make_item(world, "handling", co=False)
    actions.mark_key(gov_office, item.pk, leader_id=district_leader.pk)
    page = login(district_leader).get("/portfolio/")
    lead = next(c for c in cards(page) if c["id"] == world.lead_unit.pk)
    assert lead["key"] == [item.pk] and lead["figures"]["key"] == "1件"
    assert f'href="/items/{item.pk}/"' in text(page)
    assert login(district_leader).get(f"/items/{item.pk}/").status_code == 200


def test_only_a_district_leader_has_a_portfolio_and_only_of_the_units_supervised(world, other_leader, lead_liaison, gov_office, member):
    item = assigned_long_ago(world, co=True)
    got = cards(login(other_leader).get("/portfolio/"))
    assert {c["id"] for c in got} == {world.outsider_unit.pk, world.spare_unit.pk}
    assert all(c["late"] == [] for c in got) and f"/items/{item.pk}/" not in text(login(other_leader).get("/portfolio/"))
    for user in (lead_liaison, gov_office, member):
        r = login(user).get("/portfolio/")
        assert r.status_code == 403 and "只有区领导可以查看分管单位概况。" in text(r)


def test_the_portfolio_takes_a_fixed_number_of_queries(world, district_leader, gov_office):
    c = login(district_leader)
    counts = []
    for n in (1, 3):
        for _ in range(n):
            item = assigned_long_ago(world, co=True)
            actions.mark_key(gov_office, item.pk, leader_id=district_leader.pk)
        make_item(world, "evaluated", co=False)
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/portfolio/").status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1] == QUERIES


def test_the_menu_leads_a_district_leader_and_nobody_else_to_the_portfolio(world, district_leader, gov_office, lead_liaison, member):
    from tests.web.pages import login as _login

    assert 'href="/portfolio/"' in _login(district_leader).get("/").content.decode()
    for other in (gov_office, lead_liaison, member):
        assert 'href="/portfolio/"' not in _login(other).get("/").content.decode()


def test_a_card_lists_the_longest_late_and_counts_them_all(world, district_leader, gov_office):
    """A phone's card: the LATE_SHOWN items late longest, the exact count, and a link to the full
    list (in a province's history a unit has thousands of late milestones); key items the same."""
    from banli.reports.portfolio import KEY_SHOWN, LATE_SHOWN

    # Assigned a week apart, the first the longest ago: its signing is the longest late.
    items = [assigned_long_ago(world, days=90 - 7 * n, co=False) for n in range(LATE_SHOWN + 2)]
    for item in items[:KEY_SHOWN + 1]:
        actions.mark_key(gov_office, item.pk, leader_id=district_leader.pk)
    page = login(district_leader).get("/portfolio/")
    lead = next(c for c in cards(page) if c["id"] == world.lead_unit.pk)
    assert lead["figures"]["late"] == f"{LATE_SHOWN + 2}件" and lead["late"] == [i.pk for i in items[:LATE_SHOWN]]
    assert lead["figures"]["key"] == f"{KEY_SHOWN + 1}件" and len(lead["key"]) == KEY_SHOWN
    html = text(page)
    assert f'href="/deadlines/?unit={world.lead_unit.pk}&amp;late=1" data-more="late">全部 {LATE_SHOWN + 2} 件超期事项' in html
    assert f'href="/items/?unit={world.lead_unit.pk}&amp;key=1" data-more="key">全部 {KEY_SHOWN + 1} 件重点提案' in html
    # The header counts every late item, not the ones listed.
    assert f"1 个单位有 {LATE_SHOWN + 2} 件超期" in html
