"""The liaison's to-do on a phone (issue 14 point 2): the unit's reply work is split by where each
reply stands and every entry says its one next step and who holds it; the entry opens the form
where the step is done; after sending, the confirmation says what happens next and links the
next reply waiting to be sent. Everything fits 360 px, every entry is a 44-px tap target, nothing
is loaded from outside. Screenshots: todo-liaison-phone, todo-liaison-desktop, todo-sent-phone."""

from playwright.sync_api import expect

from banli.proposals import actions as A
from banli.proposals.models import Reply
from tests.builders import consult, lead_assignment, make_item, reply_fields
from tests.web.browser.helpers import assert_no_horizontal_scroll, login, screenshot, visit


def _submitted(world, title, code="A"):
    item = make_item(world, "handling", co=False, title=title)
    consult(world, item)
    a = lead_assignment(item)
    A.draft_reply(world.lead_liaison, item.pk, assignment=a.pk, **reply_fields(code))
    A.submit_reply(world.lead_liaison, item.pk, assignment=a.pk)
    return item, a


def _approved(world, title):
    item, a = _submitted(world, title)
    A.approve_reply(world.lead_head, item.pk, assignment=a.pk)
    return item, a


def test_the_liaison_sees_the_next_step_sends_and_is_led_to_the_next_reply(page_for, live_server, request_log, world):
    first, first_a = _approved(world, "关于老旧小区加装电梯的建议")
    second, second_a = _approved(world, "关于增设社区养老服务站的建议")
    returned, returned_a = _submitted(world, "关于规范共享单车停放的建议")
    A.return_reply(world.lead_head, returned.pk, assignment=returned_a.pk, comment="请写明停放点的数量和完成时间。")
    _submitted(world, "关于加快背街小巷改造的建议")  # waits on the unit leader
    make_item(world, "assigned", co=False, title="关于优化城东公交线路的建议")  # to sign

    phone = page_for("phone")
    login(phone, live_server, world.lead_liaison.username)
    visit(phone, "/")
    send = phone.locator("[data-section=unit_reply_send]")
    expect(send.locator("h3")).to_contain_text("待发出")
    entry = send.locator("li").filter(has=phone.locator(f'a[href="/items/{first.pk}/#do-send_reply-{first_a.pk}"]'))
    expect(entry.locator(".next")).to_have_text("下一步：联络员发出答复")
    back = phone.locator("[data-section=unit_reply_returned] li")
    expect(back.locator(".next")).to_have_text("下一步：联络员按退回意见修改后重新提交审核")
    expect(back.locator(".said")).to_have_text("建委主任（单位主要领导）退回：请写明停放点的数量和完成时间。")
    waiting = phone.locator("[data-section=unit_reply_pending_unit]")
    expect(waiting.locator(".next")).to_have_text("等待单位领导审核（建委主任）")
    expect(waiting.locator(".count")).to_have_text("1")
    # The unsigned item is listed once, under 待签收.
    expect(phone.locator("a", has_text="关于优化城东公交线路的建议")).to_have_count(1)
    expect(phone.locator("[data-section=unit_sign] a", has_text="关于优化城东公交线路的建议")).to_have_count(1)
    # Own steps first, then what waits on others: the header counts only the liaison's own.
    keys = phone.locator("#role-liaison ~ .todo-grid article").evaluate_all("els => els.map(e => e.dataset.section)")
    assert keys.index("unit_reply_pending_unit") > max(keys.index(k) for k in ("unit_sign", "unit_reply_returned", "unit_reply_send"))
    expect(phone.locator(".page-head .sub")).to_contain_text("共 4 件事项等待您处理")
    small = phone.locator(".entries a").evaluate_all("els => els.map(e => [e.textContent.trim(), e.getBoundingClientRect().height])")
    assert all(h >= 44 for _, h in small), f"tap targets under 44 px: {[t for t, h in small if h < 44]}"
    screenshot(phone, "todo-liaison-phone")

    desktop = page_for("desktop")
    login(desktop, live_server, world.lead_liaison.username)
    visit(desktop, "/")
    screenshot(desktop, "todo-liaison-desktop")

    # The entry opens the send form on the item page.
    with phone.expect_navigation():
        entry.locator("a").click()
    assert phone.url.endswith(f"/items/{first.pk}/#do-send_reply-{first_a.pk}")
    form = phone.locator(f"details.action#do-send_reply-{first_a.pk}")
    expect(form).to_have_attribute("open", "")
    assert_no_horizontal_scroll(phone)
    with phone.expect_navigation():
        form.locator("form button.btn").click()
    with phone.expect_navigation():
        phone.get_by_role("button", name="确认发出").click()
    assert Reply.objects.get(assignment=first_a).state == Reply.State.SENT

    flash = phone.locator(".flash")
    expect(flash).to_contain_text("已完成：发出答复")
    expect(flash).to_contain_text("区建委的答复（解决或采纳）已发给王委员。")
    expect(flash).to_contain_text("下一步：王委员在 15 个工作日内评价答复（截至 ")
    nxt = flash.locator("a.next-item")
    expect(nxt).to_have_text(f"下一件待发出：第{second.number:04d}号 关于增设社区养老服务站的建议")
    assert nxt.bounding_box()["height"] >= 44
    assert_no_horizontal_scroll(phone)
    screenshot(phone, "todo-sent-phone")
    with phone.expect_navigation():
        nxt.click()
    assert phone.url.endswith(f"/items/{second.pk}/#do-send_reply-{second_a.pk}")
    expect(phone.locator(f"details.action#do-send_reply-{second_a.pk}")).to_have_attribute("open", "")
    request_log.assert_no_failures()
