"""The district leader on a phone (issue 14 point 9): the portfolio's cards, one per unit
supervised, the unit most late first, readable at 360 px without sideways scrolling, each late item
a tap target of at least 44 px that opens the item. And the office's deadlines list on a phone and
a desktop, filtered by unit with the unit picker."""

from pathlib import Path

from playwright.sync_api import expect

from banli.proposals import actions
from tests.builders import make_item
from tests.web.browser.helpers import assert_no_horizontal_scroll, login, visit
from tests.web.test_deadlines_list import assigned_long_ago

SHOTS = Path("/tmp/shots/h6-office-views-and-reports-speed")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_leader_sees_the_portfolio_cards_and_opens_a_late_item(page_for, live_server, request_log, world):
    late = assigned_long_ago(world, co=False, title="关于加快老旧小区加装电梯的提案")
    make_item(world, "evaluated", co=False)
    key = make_item(world, "handling", co=True, title="关于推进河道水环境综合治理的提案")
    actions.mark_key(world.gov_office, key.pk, leader_id=world.district_leader.pk)

    page = page_for("phone")
    login(page, live_server, world.district_leader.username)
    visit(page, "/portfolio/")
    cards = page.locator("section.unit-card")
    expect(cards).to_have_count(2)
    first = cards.first
    expect(first.locator("h2")).to_have_text(world.lead_unit.name)  # the unit with a late item first
    expect(first.locator('[data-figure="late"] dd')).to_have_text("1件")
    expect(first.locator("[data-grades]")).to_contain_text("好 1")
    expect(first.locator(".key-items")).to_contain_text("河道水环境")
    shot(page, "portfolio-phone")

    link = first.locator(f'[data-late-item="{late.pk}"]')
    box = link.bounding_box()
    assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    more = first.locator("a.more").bounding_box()
    assert more["height"] >= 44, more
    link.click()
    page.wait_for_url(f"**/items/{late.pk}/*")
    expect(page.locator("h1")).to_contain_text("加装电梯")
    assert_no_horizontal_scroll(page)
    shot(page, "portfolio-phone-item")
    request_log.assert_all_local()
    request_log.assert_no_failures()


def test_a_card_with_many_late_items_lists_five_and_links_to_all(page_for, live_server, request_log, world):
    from banli.reports.portfolio import LATE_SHOWN

    for n in range(LATE_SHOWN + 2):
        assigned_long_ago(world, days=60 - 5 * n, co=False, title=f"关于第{n + 1}个老旧小区改造的提案")
    page = page_for("phone")
    login(page, live_server, world.district_leader.username)
    visit(page, "/portfolio/")
    first = page.locator("section.unit-card").first
    expect(first.locator('[data-figure="late"] dd')).to_have_text(f"{LATE_SHOWN + 2}件")
    expect(first.locator(".late-items li")).to_have_count(LATE_SHOWN)
    expect(first.locator(".late-items li").first).to_contain_text("第1个老旧小区")
    more = first.locator('[data-more="late"]')
    expect(more).to_have_text(f"全部 {LATE_SHOWN + 2} 件超期事项")
    box = more.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 360, box
    assert_no_horizontal_scroll(page)
    shot(page, "portfolio-phone-many-late")
    more.click()
    page.wait_for_url(f"**/deadlines/?unit={world.lead_unit.pk}&late=1")
    expect(page.locator("tr[data-deadline]")).to_have_count(LATE_SHOWN + 2)
    request_log.assert_all_local()
    request_log.assert_no_failures()


def test_the_office_filters_the_deadlines_by_unit_on_a_phone_and_a_desktop(page_for, live_server, request_log, world):
    assigned_long_ago(world, co=True, title="关于增加医院周边停车泊位的提案")
    make_item(world, "replied", co=False)
    for size in ("desktop", "phone"):
        page = page_for(size)
        login(page, live_server, world.gov_office.username)
        visit(page, "/deadlines/")
        page.locator("select[name=unit]").select_option(value=str(world.co_unit.pk), force=True)
        page.locator("input[name=late]").check()
        with page.expect_navigation():
            page.get_by_role("button", name="应用").click()
        rows = page.locator("tr[data-deadline]")
        expect(rows.first).to_contain_text(world.co_unit.name)
        expect(rows.first).to_contain_text("超期")
        assert_no_horizontal_scroll(page)
        shot(page, f"deadlines-{size}")
        with page.expect_download() as dl:
            page.get_by_role("link", name="导出 Excel").click()
        assert dl.value.suggested_filename.endswith(".xlsx")
    request_log.assert_all_local()
    request_log.assert_no_failures()
