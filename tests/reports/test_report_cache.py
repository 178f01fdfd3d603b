"""The report's figures are kept between requests (banli.reports.cache) and never outlive a
change: a second request is answered without computing them again, an action changes the page's
figure at once, and what is kept equals what is computed afresh."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from banli.proposals import actions
from banli.reports import cache, service
from banli.reports.periods import period
from banli.reports.statistics import yearly_figures
from banli.reports.units import unit_table
from tests.builders import close_by_report, lead_assignment, make_item, reply
from tests.reports.doors import page_charts, page_tiles, page_units
from tests.reports.test_report_queries import PAGE_QUERIES, UNIT_QUERIES, YEARLY_QUERIES
from tests.web.pages import login, text

pytestmark = pytest.mark.django_db


def _page(client, world, **extra):
    query = "&".join([f"kind=session&value={world.cppcc_session.pk}", *(f"{k}={v}" for k, v in extra.items())])
    r = client.get(f"/reports/?{query}")
    assert r.status_code == 200
    return text(r)


def tile(html, key) -> int:
    return page_tiles(html)[key][0]


def test_the_second_request_is_answered_from_the_kept_figures(world):
    make_item(world, "replied", session=world.cppcc_session)
    c = login(world.gov_office)
    with CaptureQueriesContext(connection) as cold:
        first = _page(c, world)
    with CaptureQueriesContext(connection) as warm:
        second = _page(c, world)
    assert len(cold) == PAGE_QUERIES
    # Neither the figures nor the unit table are read again; the charts are not drawn again.
    assert len(warm) == PAGE_QUERIES - YEARLY_QUERIES - UNIT_QUERIES
    assert page_tiles(second) == page_tiles(first) and tile(second, "replied") == 1
    assert page_units(second) == page_units(first)
    assert page_charts(second) == page_charts(first)


def test_an_action_changes_the_figures_at_once(world, gov_office, lead_liaison):
    item = make_item(world, "handling", session=world.cppcc_session)
    c = login(gov_office)
    assert (tile(_page(c, world), "replied"), tile(_page(c, world), "closed")) == (0, 0)
    api = APIClient()
    api.force_login(gov_office)
    yearly = f"/api/reports/yearly/?kind=session&value={world.cppcc_session.pk}"
    assert api.get(yearly).json()["current"]["replied"] == 0
    assert page_units(_page(c, world))[world.lead_unit.pk][-5] == "0"  # 被催办

    charts_before = page_charts(_page(c, world))
    assert "1件 · 100%" not in charts_before["reply_type"]

    actions.urge(gov_office, item.pk, assignment=lead_assignment(item).pk, text="请抓紧办理。")
    html = _page(c, world)
    assert page_units(html)[world.lead_unit.pk][-5] == "1"
    assert page_charts(html) == charts_before  # an urge changes no breakdown the charts show

    reply(world, item)  # drafted, approved by the unit leader and sent: three actions
    html = _page(c, world)
    assert (tile(html, "replied"), tile(html, "closed")) == (1, 0)
    assert page_units(html)[world.lead_unit.pk][7] == "1/1"  # replied on time: 1 of 1
    assert "1件 · 100%" in page_charts(html)["reply_type"]  # the charts follow the breakdowns
    assert api.get(yearly).json()["current"]["replied"] == 1


def test_a_change_committed_elsewhere_is_seen_after_the_commit(world, gov_office, django_capture_on_commit_callbacks):
    """The generation also moves after the commit: figures that another process computed and kept
    while the change was being written (from the records as they were before it) are not served."""
    item = make_item(world, "evaluated", session=world.cppcc_session)
    c = login(gov_office)
    req = service.requested(gov_office, {"kind": "session", "value": str(world.cppcc_session.pk)})
    old = service.figures(req)
    assert old["current"]["closed"] == 0 and tile(_page(c, world), "closed") == 0
    with django_capture_on_commit_callbacks(execute=True):
        close_by_report(world, item)
        cache.remembered("figures", req.asked(), lambda: old)  # the other process, before the commit
    assert tile(_page(c, world), "closed") == 1


def test_the_kept_figures_equal_the_computed_ones(world, gov_office):
    s = world.cppcc_session
    make_item(world, "closed", session=s)
    make_item(world, "replied", reply_type="C", session=s)
    make_item(world, "assigned", session=s)
    make_item(world, "registered", session=world.earlier_cppcc_session)
    req = service.requested(gov_office, {"kind": "session", "value": str(s.pk)})
    kept_cold, kept_warm = service.figures(req), service.figures(req)
    fresh = yearly_figures(period("session", s.pk))
    assert kept_cold == kept_warm == fresh
    assert fresh["current"]["received"] == 3 and fresh["previous"]["received"] == 1
    assert service.units(req)["units"] == service.units(req)["units"] == unit_table(period("session", s.pk))


def test_each_day_and_each_period_is_kept_apart(world, gov_office):
    """An as-of day before the reply and today are two answers; so are two sessions."""
    item = make_item(world, "handling", session=world.cppcc_session)
    reply(world, item)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    c = login(gov_office)
    assert tile(_page(c, world), "replied") == 1
    assert tile(_page(c, world, as_of=yesterday.isoformat()), "replied") == 0
    assert tile(_page(c, world), "replied") == 1
    assert tile(text(c.get(f"/reports/?kind=session&value={world.earlier_cppcc_session.pk}")), "replied") == 0


def test_english_charts_are_kept_apart_from_chinese_ones(world, gov_office):
    make_item(world, "replied", session=world.cppcc_session)
    c = login(gov_office)
    zh = page_charts(_page(c, world))
    c.cookies["django_language"] = "en"
    en = page_charts(_page(c, world))
    assert "按答复类型" in zh["reply_type"] and "按答复类型" not in en["reply_type"]


def test_a_reader_without_the_right_is_still_refused_when_figures_are_kept(world, gov_office, lead_liaison, member):
    make_item(world, "replied", session=world.cppcc_session)
    _page(login(gov_office), world)  # kept now
    for user in (lead_liaison, member):
        r = login(user).get(f"/reports/?kind=session&value={world.cppcc_session.pk}")
        assert r.status_code == 403
        assert 'data-figure="replied"' not in text(r)
