"""Paper that can be signed, in the browser: the office sets its letterhead on a phone from 系统管理,
prints the notices of the filtered item list from its button, and a unit's liaison finds its own
notice on the item page. The PDFs are fetched with the page's own session, as its links would."""

from tests.builders import lead_assignment, make_item
from tests.paper.reading import pdf_pages, pdf_text
from tests.web.browser.helpers import login, screenshot, visit


def test_the_office_sets_its_letterhead_and_prints_the_notices(page_for, live_server, world):
    items = [make_item(world, "assigned", title=f"关于第{k}个社区增设停车位的建议") for k in range(1, 4)]
    page = page_for("phone")
    login(page, live_server, world.gov_office.username)
    page.get_by_role("link", name="系统管理").click()
    page.locator("a.of-card", has_text="公文版头").click()
    page.wait_for_url("**/paper/letterhead/")
    visit(page, "/paper/letterhead/")
    page.get_by_label("发文机关名称", exact=True).fill("城南区人民政府办公室")
    page.get_by_label("发文机关简称（用于文号）").fill("城南府办")
    page.get_by_label("印章位置").select_option("none")
    page.get_by_role("button", name="保存").click()
    page.wait_for_selector("text=公文版头已保存")
    screenshot(page, "paper-letterhead-phone")

    desk = page_for("desktop")
    login(desk, live_server, world.gov_office.username)
    visit(desk, f"/items/?session={world.cppcc_session.pk}")
    link = desk.get_by_role("link", name="打印交办单")
    href = link.get_attribute("href")
    assert href.startswith("/items/notices.pdf?") and f"session={world.cppcc_session.pk}" in href
    r = desk.request.get(live_server.url + href)
    assert r.ok and r.headers["content-type"] == "application/pdf"
    text = pdf_text(r.body())
    assert pdf_pages(r.body()) == 6 and "城南区人民政府办公室" in text and "城南府办交〔" in text
    assert all(i.title in text for i in items)


def test_a_liaison_finds_its_notice_on_the_item_page(page_for, live_server, world):
    item = make_item(world, "replied")
    page = page_for("phone")
    login(page, live_server, world.lead_liaison.username)
    visit(page, f"/items/{item.pk}/")
    links = page.locator("#paper-links")
    assert "交办单" in links.inner_text() and "答复函" in links.inner_text()
    href = links.get_by_role("link", name="PDF").first.get_attribute("href")
    assert href == f"/items/{item.pk}/paper/notice/{lead_assignment(item).pk}.pdf"
    r = page.request.get(live_server.url + href)
    assert r.ok and item.display_number in pdf_text(r.body())
    screenshot(page, "paper-item-links-phone")
