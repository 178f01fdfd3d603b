"""The unit picker and the bulk steps in a real browser (issue 13 point 2): the office finds units
by pinyin initials, picks them with the keyboard, removes a chip and assigns; on a 360-px phone
the picker and the list's bulk bar fit the screen; the assembly office registers a filtered list
in bulk through the confirmation and reads the result."""

import re

from playwright.sync_api import expect

from banli.proposals.models import Assignment, Item
from tests.builders import fresh, make_item
from tests.web.browser.helpers import assert_no_horizontal_scroll, login, screenshot, visit


def _picker(page, label):
    """The picker's filter box, found the way a screen reader finds it: by the field's label."""
    return page.get_by_role("combobox", name=label)


def test_the_office_assigns_with_the_keyboard(page_for, live_server, world, request_log):
    item = make_item(world, "registered", title="关于学校周边交通秩序的建议")
    page = page_for("desktop")
    login(page, live_server, world.gov_office.username)
    visit(page, f"/items/{item.pk}/#do-assign")
    form = page.locator("#do-assign")
    expect(form.locator("select[name=lead]")).to_be_hidden()  # the script's box stands in for it

    lead = _picker(form, "主办单位")
    lead.click()
    lead.type("jyj")
    options = form.get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("区教育局")
    lead.press("Enter")
    expect(form.locator(".up-chip")).to_have_text(["区教育局×"])
    assert form.locator("select[name=lead]").input_value() == str(world.outsider_unit.pk)

    co = _picker(form, "会办单位")
    co.click()
    co.type("jtw")
    co.press("ArrowDown")  # still the one match: 区交通委员会
    co.press("Enter")
    co.type("cd")  # 城东街道办事处 by its initials
    expect(page.locator("[role=option].active")).to_contain_text("城东街道办事处")
    co.press("Enter")
    co_chips = form.locator("[data-unit-picker]:has(select[name=co]) .up-chip")
    expect(co_chips).to_have_count(2)
    co.press("Backspace")  # the last chip goes
    expect(co_chips).to_have_count(1)
    expect(co_chips.first).to_contain_text("区交通委员会")
    co.type("cd")
    co.press("Enter")
    form.get_by_role("button", name="移除 城东街道办事处").click()  # and a chip's own button
    expect(co_chips).to_have_count(1)
    co.press("Escape")
    expect(form.locator("[data-unit-picker]:has(select[name=co]) [role=listbox]")).to_be_hidden()
    screenshot(page, "unit-picker-assign-desktop")

    with page.expect_navigation():
        form.get_by_role("button", name="交办").click()
    assert {(a.unit_id, a.role) for a in Assignment.objects.filter(item=item)} == {
        (world.outsider_unit.pk, "lead"), (world.co_unit.pk, "co")}
    request_log.assert_no_failures()


def test_on_a_phone_the_picker_and_the_bulk_bar_fit(page_for, live_server, world, request_log):
    item = make_item(world, "registered", title="关于增设社区养老服务站点的建议")
    page = page_for("phone")
    login(page, live_server, world.gov_office.username)
    visit(page, f"/items/{item.pk}/#do-assign")
    co = _picker(page.locator("#do-assign"), "会办单位")
    co.click()
    co.type("q")
    expect(page.locator("#do-assign [role=option]").first).to_be_visible()
    assert_no_horizontal_scroll(page)
    height = page.locator("#do-assign [role=option]").first.bounding_box()["height"]
    assert height >= 44, f"an option is {height}px high: too small for a thumb"
    co.press("Enter")
    assert_no_horizontal_scroll(page)
    screenshot(page, "unit-picker-assign-phone")
    visit(page, "/items/")
    expect(page.locator("#bulk")).to_be_visible()
    screenshot(page, "bulk-list-phone")
    # The bulk assignment's confirmation, its pickers used with a thumb.
    page.locator(f'input[name=item][value="{item.pk}"]').check()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^交办")).click()
    lead = page.get_by_role("combobox", name="主办单位")
    lead.tap()
    lead.type("jw")  # 区建委, the short name's initials
    page.get_by_role("option", name=re.compile("区住房和城乡建设委员会")).tap()
    expect(page.locator(".up-chip")).to_have_count(1)
    assert_no_horizontal_scroll(page)
    screenshot(page, "bulk-confirm-assign-phone")
    with page.expect_navigation():
        page.get_by_role("button", name="确认交办 1 件").tap()
    expect(page.locator("[data-outcome][data-status=done]")).to_have_count(1)
    assert_no_horizontal_scroll(page)
    screenshot(page, "bulk-result-phone")
    assert Assignment.objects.get(item=item).unit_id == world.lead_unit.pk


def test_the_assembly_office_registers_a_filtered_list_in_bulk(page_for, live_server, world, request_log):
    waiting = [make_item(world, "submitted", title=f"待立案第{n}件") for n in range(3)]
    rejected = make_item(world, "submitted", title="将被退回的一件")
    page = page_for("desktop")
    login(page, live_server, world.cppcc_office.username)
    visit(page, "/items/?state=submitted")
    page.locator("[data-bulk-all]").check()  # 全选本页
    assert page.locator('input[name=item][form=bulk]:checked').count() == 4
    page.locator(f'input[name=item][value="{rejected.pk}"]').uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^立案")).click()
    expect(page.locator("tr[data-plan]")).to_have_count(3)
    screenshot(page, "bulk-confirm-desktop")
    with page.expect_navigation():
        page.get_by_role("button", name="确认立案 3 件").click()
    expect(page.locator("[data-outcome][data-status=done]")).to_have_count(3)
    expect(page.locator("[data-summary]")).to_contain_text("已办理 3 件")
    screenshot(page, "bulk-result-desktop")
    assert {fresh(i).state for i in waiting} == {"registered"} and fresh(rejected).state == "submitted"
    assert Item.objects.filter(state="registered").count() == 3
    request_log.assert_no_failures()
