"""The public site (/public/) walked by an anonymous visitor, on a 1280 px desktop and a 360 px phone.

The data are made through the actions (tests/builders.py): three items published by the
government office (two of this year's session, one of last year's, which is closed, so it has
figures), and one replied with the proposer's consent but not yet decided on, which must show
nowhere. On each screen the visitor reads the list, narrows it with a filter, searches for a
two-character word (养老), opens an item (its body, the unit's reply, its units; no phone number),
a unit from the item's link, last year's figures from the menu and the open-data page; follows the
feed link and reads it as Atom; downloads items.csv and items.json through the page's links; and
switches the large-text mode from the keyboard (Tab to the button, Enter). Nothing scrolls
sideways on the phone, in large text included. Every page is photographed as
<screenshot_dir>/public_<page>_<desktop|phone>.png (BANLI_SCREENSHOTS=/tmp puts them in /tmp).

The live server makes the database transactional: each action commits, and its on_commit callbacks
(the search index is written inside the action; the portal's cache moves on after the commit) run at
once. All the data are made before the first page is asked for, and the cache starts empty
(tests/conftest.py), so no page is served from before a decision."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, expect

from banli.proposals import actions as A
from banli.proposals.models import Item, Reply
from tests.builders import lead_assignment, make_item
from tests.web.browser.helpers import assert_no_horizontal_scroll, screenshot, visit

ATOM = "{http://www.w3.org/2005/Atom}"
WIDTHS = {"desktop": 1280, "phone": 360}

ELDERLY = "关于增设社区养老服务站的提案"  # published, this year, 城市建设和管理 (the builders' default category)
BUSINESS = "关于扶持小微企业发展的提案"  # published, this year, 经济
RIVER = "关于整治城东河道黑臭水体的提案"  # published, last year's (closed) session
UNDECIDED = "关于养老机构收费监管的提案"  # replied, consent given, no decision yet: never public

# A mobile number (13800000001) or a fixed line with its area code (021-0000, 021-12345678).
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)|(?<!\d)0\d{2,3}-\d{4,8}(?!\d)")


def _publish(world, title, **fields) -> Item:
    item = make_item(world, "replied", consent_publish=True, title=title, **fields)
    A.decide_publication(world.gov_office, item.pk, publish=True)
    return Item.objects.get(pk=item.pk)


def _open(page_for, size: str) -> Page:
    """A page of page_for's desktop or phone context, at the brief's width (1280 px on the desktop)."""
    page = page_for(size)
    if size == "desktop":
        page.set_viewport_size({"width": WIDTHS["desktop"], "height": 800})
    assert page.viewport_size["width"] == WIDTHS[size]
    return page


def _fits(page: Page, size: str) -> None:
    """No sideways scroll: the helper's check (it names what sticks out) and the plain measure."""
    assert_no_horizontal_scroll(page)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= WIDTHS[size], f"{page.url} is {width}px wide on a {WIDTHS[size]}px screen"


def _shoot(page: Page, name: str, size: str) -> None:
    _fits(page, size)
    screenshot(page, f"public_{name}_{size}")


def _no_phone_numbers(text: str, where: str, secrets: list[str]) -> None:
    found = PHONE.findall(text)
    assert not found, f"{where} shows phone numbers: {found}"
    for s in secrets:
        assert s not in text, f"{where} shows {s!r}"


def _result_titles(page: Page) -> list[str]:
    return [t.strip() for t in page.locator("ol.pt-results > li").locator("h2, h3").all_inner_texts()]


def test_an_anonymous_visitor_walks_the_public_site(page_for, live_server, world, request_log):
    elderly = _publish(world, ELDERLY, reason="本区老龄化程度高，社区养老服务设施不足，老人就近养老难。",
                       suggestions="一是在每个街道增设社区养老服务站；二是引入专业机构运营；三是给予运营补贴。")
    business = _publish(world, BUSINESS, category=world.category("cppcc", 0))
    river = _publish(world, RIVER, session=world.earlier_cppcc_session)
    undecided = make_item(world, "replied", consent_publish=True, title=UNDECIDED)
    assert undecided.published_at is None and elderly.published_at and business.published_at and river.published_at
    year = world.cppcc_session.year
    economy = world.category("cppcc", 0)
    lead, co = world.lead_unit, world.co_unit
    assert lead_assignment(elderly).unit_id == lead.pk
    reply = Reply.objects.get(item=elderly, assignment=lead_assignment(elderly), state=Reply.State.SENT)
    # What the public must never see: every phone number and address of the world, the reply's contact.
    secrets = [p.phone for p in (world.member_person, world.cosigner_person, world.other_member_person, world.deputy_person)]
    secrets += [world.member_person.address, lead.phone, reply.contact_phone, reply.contact_person]
    secrets = [s for s in secrets if s]
    published = (ELDERLY, BUSINESS, RIVER)

    for size in ("desktop", "phone"):
        page = _open(page_for, size)

        # -- the list ------------------------------------------------------------------------
        visit(page, "/public/")
        expect(page.locator("h1")).to_have_text("建议提案办理结果")
        expect(page.locator(".pt-count")).to_have_text("共 3 件公开件，按公开时间由新到旧")
        for title in published:
            expect(page.get_by_role("link", name=title)).to_be_visible()
        assert sorted(_result_titles(page)) == sorted(published)
        expect(page.get_by_text(UNDECIDED)).to_have_count(0)
        expect(page.locator("nav.pt-nav a[aria-current=page]")).to_have_text("公开件")
        # The lead unit first, then the co-handling one.
        expect(page.locator("ol.pt-results > li").filter(has_text=ELDERLY).locator("p.meta").nth(1)).to_have_text(
            f"承办单位：{lead.name}（主办）、{co.name}（会办）")
        _shoot(page, "list", size)

        # The filters: the selects are there to use; choosing one narrows the list, and the choice stays.
        filters = page.locator("form.pt-filters")
        for name in ("year", "assembly", "session", "category", "unit", "reply_type"):
            expect(filters.locator(f"select[name={name}]")).to_be_visible()
        # Both assemblies have a category 经济 (the same top-level names): the reader can tell them
        # apart, by the option's group (<optgroup label>) or its own text.
        offered = filters.locator("select[name=category] option").evaluate_all(
            "os => os.map(o => [o.parentElement.tagName === 'OPTGROUP' ? o.parentElement.label : '', o.textContent.trim()])")
        twice = sorted({" ".join(o) for o in map(tuple, offered) if offered.count(list(o)) > 1})
        assert not twice, f"the category filter offers these more than once, with nothing to tell them apart: {twice}"
        expect(filters.locator(f'select[name=category] option[value="{economy.pk}"]')).to_contain_text("经济")
        filters.locator("select[name=category]").select_option(str(economy.pk))
        with page.expect_navigation():
            filters.get_by_role("button", name="筛选").click()
        assert parse_qs(urlsplit(page.url).query).get("category") == [str(economy.pk)], page.url
        assert _result_titles(page) == [BUSINESS]
        expect(page.locator(".pt-count")).to_have_text("共 1 件公开件，按公开时间由新到旧")
        expect(filters.locator("select[name=category]")).to_have_value(str(economy.pk))
        _shoot(page, "list_filtered", size)
        # Another filter, from the start: last year's items only.
        visit(page, "/public/")
        filters.locator("select[name=year]").select_option(str(year - 1))
        with page.expect_navigation():
            filters.get_by_role("button", name="筛选").click()
        assert _result_titles(page) == [RIVER]
        expect(filters.locator("select[name=year]")).to_have_value(str(year - 1))

        # -- search: a two-character word; the item not decided on is not found though it has the word.
        visit(page, "/public/")
        search = page.get_by_role("search")
        search.get_by_role("searchbox").fill("养老")
        with page.expect_navigation():
            search.get_by_role("button", name="搜索").click()
        assert parse_qs(urlsplit(page.url).query).get("q") == ["养老"], page.url
        expect(page.locator(".pt-count")).to_have_text("找到 1 件与“养老”相关的公开件")
        assert _result_titles(page) == [ELDERLY]
        expect(page.locator("ol.pt-results h2 mark").first).to_have_text("养老")
        expect(page.locator("ol.pt-results .pt-passage mark").first).to_have_text("养老")
        expect(page.get_by_text(UNDECIDED)).to_have_count(0)
        expect(search.get_by_role("searchbox")).to_have_value("养老")
        _shoot(page, "search", size)

        # -- an item -------------------------------------------------------------------------
        visit(page, "/public/")
        with page.expect_navigation():
            page.get_by_role("link", name=ELDERLY).click()
        assert urlsplit(page.url).path == f"/public/items/{elderly.pk}/"
        _fits(page, size)
        item = page.locator("article.pt-item")
        expect(item.locator("h1")).to_have_text(ELDERLY)
        expect(item.locator(".pt-label")).to_have_text(f"提案第{elderly.number:04d}号 · 区政协第五次会议")
        expect(item.locator(".pt-text").nth(0)).to_have_text(elderly.reason)
        expect(item.locator(".pt-text").nth(1)).to_have_text(elderly.suggestions)
        expect(item.locator("dd").filter(has_text=lead.name)).to_have_text(f"{lead.name}（主办）、{co.name}（会办）")
        expect(item.locator("dd").filter(has_text="王委员")).to_have_text("王委员（经济界）")
        replies = page.locator("section.pt-reply")
        expect(replies).to_have_count(1)  # the lead unit's; the co-handling unit does not reply to the public
        expect(replies.locator("h2")).to_have_text(f"{lead.name}的答复")
        expect(replies.locator(".pt-text").first).to_have_text(reply.body)
        expect(replies.locator(".tag")).to_have_text("A类 " + reply.reply_type.name)
        _no_phone_numbers(page.locator("body").inner_text(), f"item page ({size})", secrets)
        _no_phone_numbers(page.content(), f"item page HTML ({size})", secrets)
        _shoot(page, "item", size)

        # -- the lead unit, from the item's link ----------------------------------------------
        with page.expect_navigation():
            item.get_by_role("link", name=lead.name).click()
        assert urlsplit(page.url).path == f"/public/units/{lead.pk}/"
        _fits(page, size)
        expect(page.locator("h1")).to_have_text(lead.name)
        expect(page.locator("p.sub")).to_contain_text("已公开答复 3 件")
        assert sorted(_result_titles(page)) == sorted(published)
        # Last year's session is closed: the unit's figures for it are shown.
        expect(page.locator("section.card h2")).to_contain_text(["区政协第四次会议"])
        expect(page.locator(f'link[rel=alternate][href="/public/feeds/units/{lead.pk}/"]')).to_have_count(1)
        _no_phone_numbers(page.locator("body").inner_text(), f"unit page ({size})", secrets)
        _shoot(page, "unit", size)

        # -- the figures: last year's session is closed, so it is listed and has its page --------
        with page.expect_navigation():
            page.locator("nav.pt-nav").get_by_role("link", name="办理情况统计").click()
        _fits(page, size)
        expect(page.locator("h1")).to_have_text("办理情况统计")
        sessions = page.locator("ol.pt-results > li, ul.pt-results > li")
        expect(sessions).to_have_count(1)  # this year's sessions are current: no figures yet
        _shoot(page, "figures_index", size)
        with page.expect_navigation():
            sessions.get_by_role("link", name="区政协第四次会议").click()
        assert urlsplit(page.url).path == f"/public/figures/{world.earlier_cppcc_session.pk}/"
        expect(page.locator("h1")).to_have_text("区政协第四次会议办理情况")
        expect(page.locator(".pt-fig").first).to_have_text(re.compile(r"^\s*1\s*立案件数"))
        expect(page.locator(".pt-charts svg")).to_have_count(4)
        expect(page.get_by_text(RIVER)).to_have_count(0)  # figures only, no item
        _shoot(page, "figures", size)

        # -- the open-data page ----------------------------------------------------------------
        with page.expect_navigation():
            page.locator("nav.pt-nav").get_by_role("link", name="开放数据").click()
        _fits(page, size)
        expect(page.locator("h1")).to_have_text("开放数据")
        expect(page.locator("nav.pt-nav a[aria-current=page]")).to_have_text("开放数据")
        _shoot(page, "data", size)

        # items.csv, downloaded through its link.
        with page.expect_download() as download_info:
            page.locator("main").get_by_role("link", name="items.csv").click()
        download = download_info.value
        assert download.suggested_filename == "items.csv"
        text = open(download.path(), encoding="utf-8").read()
        assert text.startswith("\ufeff")  # Excel reads it as UTF-8
        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
        assert sorted(r["标题"] for r in rows) == sorted(published)
        assert UNDECIDED not in text
        _no_phone_numbers(text, f"items.csv ({size})", secrets)

        # items.json, fetched by the page from its link's address.
        href = page.locator("main").get_by_role("link", name="items.json").get_attribute("href")
        got = page.evaluate("""async href => {
          const r = await fetch(href);
          return {status: r.status, type: r.headers.get('content-type'), text: await r.text()};
        }""", href)
        assert got["status"] == 200 and got["type"].startswith("application/json"), got["type"]
        data = json.loads(got["text"])
        assert data["count"] == 3 and sorted(i["title"] for i in data["items"]) == sorted(published)
        assert UNDECIDED not in got["text"]
        record = next(i for i in data["items"] if i["id"] == elderly.pk)
        assert record["url"] == f"/public/items/{elderly.pk}/" and [r["body"] for r in record["replies"]] == [reply.body]
        _no_phone_numbers(got["text"], f"items.json ({size})", secrets)

        # -- the feed: the page announces it (<link rel=alternate>) and the footer links to it ----
        announced = page.locator('head link[rel=alternate][type="application/atom+xml"]').get_attribute("href")
        footer = page.locator("footer.pt-foot").get_by_role("link", name="订阅（Atom）")
        assert footer.get_attribute("href") == announced == "/public/feeds/"
        with page.expect_response(lambda r: urlsplit(r.url).path == announced) as feed_info:
            footer.click()
        feed = feed_info.value
        assert feed.status == 200 and feed.headers["content-type"].startswith("application/atom+xml"), feed.headers
        root = ET.fromstring(feed.body())
        assert root.tag == f"{ATOM}feed", root.tag
        entries = {e.findtext(f"{ATOM}title"): e.find(f"{ATOM}link").get("href") for e in root.iter(f"{ATOM}entry")}
        assert len(entries) == 3, entries
        title = f"提案第{elderly.number:04d}号 {ELDERLY}"
        assert title in entries and entries[title].endswith(f"/public/items/{elderly.pk}/"), entries
        assert not any(UNDECIDED in t for t in entries)

        # -- large text: reached with Tab, switched with Enter, remembered, switched back --------
        visit(page, "/public/")
        button = page.locator("button[data-large-text]")
        expect(button).to_have_attribute("aria-pressed", "false")
        before = page.evaluate("[getComputedStyle(document.documentElement).fontSize, getComputedStyle(document.body).fontSize]")
        for _ in range(12):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.matches('[data-large-text]')"):
                break
        else:
            raise AssertionError(f"12 presses of Tab did not reach the large-text button ({size})")
        page.keyboard.press("Enter")
        expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
        expect(button).to_have_attribute("aria-pressed", "true")
        expect(button).to_have_text("标准字号")
        after = page.evaluate("[getComputedStyle(document.documentElement).fontSize, getComputedStyle(document.body).fontSize]")
        assert float(after[0][:-2]) > float(before[0][:-2]) and float(after[1][:-2]) > float(before[1][:-2]), (before, after)
        _shoot(page, "list_large", size)
        visit(page, f"/public/items/{elderly.pk}/")  # remembered on the next page
        expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
        _shoot(page, "item_large", size)
        button.focus()
        page.keyboard.press("Enter")
        expect(page.locator("html")).not_to_have_class(re.compile(r"\blarge-text\b"))
        expect(button).to_have_attribute("aria-pressed", "false")
        assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == before[0]

    request_log.assert_no_failures()  # no stylesheet, script, icon, page or download missing on the way

    # The item not decided on is not reachable at its own address either: the site's own 404 page.
    page = _open(page_for, "phone")
    visit(page, f"/public/items/{undecided.pk}/", status=404)
    expect(page.locator("h1")).to_have_text("无法显示")
    assert request_log.failures == [f"404 {live_server.url}/public/items/{undecided.pk}/"], request_log.failures
