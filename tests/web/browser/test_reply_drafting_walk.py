"""Reply drafting in a browser (issue 13 point 4): the office writes a reply template on its own
page; the lead unit's liaison opens the reply form, picks the template (filled in place by the
script, the item's number and title in it), saves the draft, and on coming back finds the text
again; the unit leader returns it and the liaison sees the comment beside the letter. Every page
fits a phone; nothing is loaded from outside."""

from banli.drafting.models import ReplyTemplate
from banli.proposals.models import Reply
from tests.builders import fresh, lead_assignment, make_item
from tests.web.browser.helpers import login, screenshot, visit


def test_a_template_fills_the_reply_and_the_draft_comes_back(page_for, live_server, request_log, world):
    item = make_item(world, state="handling", title="关于老旧小区加装电梯的建议")
    a = lead_assignment(item)
    number = f"{fresh(item).number:04d}"

    office = page_for("phone")
    login(office, live_server, world.gov_office.username)
    visit(office, "/reply-templates/")
    add = office.locator("#add")
    add.get_by_label("答复类型").select_option("A")
    add.get_by_label("模板名称").fill("采纳答复")
    add.get_by_label("模板正文").fill("{proposer}委员：您提出的《{title}》（第{number}号）收悉。现答复如下：")
    add.get_by_role("button", name="保存模板").click()
    office.wait_for_selector("[data-template]")
    assert ReplyTemplate.objects.filter(name="采纳答复", active=True).exists()
    screenshot(office, "reply-templates-phone")

    page = page_for("desktop")
    login(page, live_server, world.lead_liaison.username)
    visit(page, f"/items/{item.pk}/")
    form = page.locator(f"#do-draft_reply-{a.pk}")
    form.locator("summary").click()
    form.locator("select[name=template]").select_option(label="采纳答复")
    form.get_by_role("button", name="套用模板").click()
    body = form.locator("textarea[name=body]")
    page.wait_for_function("el => el.value.includes('收悉')", arg=body.element_handle())
    assert f"《关于老旧小区加装电梯的建议》（第{number}号）" in body.input_value()
    assert page.url.endswith(f"/items/{item.pk}/")  # filled in place, no reload
    body.fill(body.input_value() + "\n经研究，年内启动试点。")
    form.get_by_label("签发人").fill("张主任")
    form.get_by_label("联系人").fill("李联络员")
    form.get_by_role("button", name="保存答复草稿").click()
    page.wait_for_selector(".flash")
    assert Reply.objects.get(assignment=a).body.endswith("年内启动试点。")

    # Coming back later: the form opens with the saved text.
    visit(page, f"/items/{item.pk}/")
    form = page.locator(f"#do-draft_reply-{a.pk}")
    form.locator("summary").click()
    assert form.locator("textarea[name=body]").input_value().endswith("年内启动试点。")
    screenshot(page, "reply-draft-reopened-desktop")
    form = page.locator(f"#do-submit_reply-{a.pk}")
    form.locator("summary").click()
    form.get_by_role("button", name="提交审核").click()
    page.wait_for_selector(".flash")

    head = page_for("phone")
    login(head, live_server, world.lead_head.username)
    visit(head, f"/items/{item.pk}/")
    # Approving and returning are one panel, open, with the reply in it: the comment serves both buttons.
    form = head.locator(f"#do-approve_reply-{a.pk}")
    assert "年内启动试点。" in form.locator(".review-text").inner_text()
    form.get_by_label("意见").fill("请写明试点的具体小区和资金来源。")
    form.get_by_role("button", name="退回修改").click()
    head.wait_for_selector(".flash")

    phone = page_for("phone")
    login(phone, live_server, world.lead_liaison.username)
    visit(phone, f"/items/{item.pk}/")
    form = phone.locator(f"#do-draft_reply-{a.pk}")
    form.locator("summary").click()
    assert "请写明试点的具体小区和资金来源。" in form.locator(".reply-returned").inner_text()
    assert form.locator("textarea[name=body]").input_value().endswith("年内启动试点。")
    screenshot(phone, "reply-returned-phone")
    request_log.assert_all_local()


def test_rehandling_shows_the_previous_reply_and_the_objection_beside_the_form(page_for, live_server, request_log, world):
    item = make_item(world, state="rehandling")
    a = lead_assignment(item)
    for size in ("desktop", "phone"):
        page = page_for(size)
        login(page, live_server, world.lead_liaison.username)
        visit(page, f"/items/{item.pk}/#do-draft_reply-{a.pk}")
        form = page.locator(f"#do-draft_reply-{a.pk}")
        if not form.evaluate("el => el.open"):
            form.locator("summary").click()
        assert "答复未回应核心诉求" in form.locator(".reply-objection").inner_text()
        assert form.locator(".reply-previous").is_visible()
        assert form.locator("textarea[name=body]").input_value().startswith("王委员")
        form.scroll_into_view_if_needed()
        screenshot(page, f"reply-rehandling-{size}")
    request_log.assert_all_local()
