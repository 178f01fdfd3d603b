"""Issue 14 in a real browser: the member is told, before submitting, which co-signer will not be
listed, and confirms; the government office opens the registered item on an office PC and on a
360-px phone, reads the proposer's suggested units, urgency and consent beside the item, and
assigns with the unit picker. Screenshots: $BANLI_SCREENSHOTS (office-assigns-*.png)."""

from playwright.sync_api import expect

from banli.audit.models import AuditRecord
from banli.proposals import actions as A
from banli.proposals.models import Assignment, CoSigner, Item, ItemState
from tests.builders import new_draft, today
from tests.web.browser.helpers import assert_no_horizontal_scroll, login, screenshot, visit


def _draft(world, title):
    item = new_draft(world, title=title, suggested_unit_ids=[world.spare_unit.pk, world.lead_unit.pk], urgent=True, consent_publish=False)
    A.invite_cosigners(world.member, item.pk, person_ids=[world.cosigner_person.pk, world.other_member_person.pk])
    A.respond_cosign(world.cosigner, item.pk, confirm=True)  # 赵委员 (other_member) never answers
    return item


def _open(page, anchor):
    details = page.locator(f"details.action#{anchor}")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    expect(details.locator("form")).to_be_visible()
    return details


def _submit_button(details):
    return details.locator("form button.btn").last


def test_the_member_is_warned_and_the_office_assigns_from_what_the_proposer_asked(page_for, live_server, world, request_log):
    first = _draft(world, "关于老旧小区加装电梯的建议")
    second = _draft(world, "关于学校周边交通秩序的建议")

    # -- the member, on a phone: the warning names the co-signer who will not be listed ---------
    page = page_for("phone")
    login(page, live_server, world.member.username)
    visit(page, f"/items/{first.pk}/")
    details = _open(page, "do-submit")
    warning = details.locator(".sc-drop")
    expect(warning).to_contain_text("提交后，以下联名人将不列入：赵委员（未回应）")
    box = details.locator("input[name=confirm_drop]")
    assert box.bounding_box()["height"] >= 15
    label_h = details.locator(".sc-drop label.check").bounding_box()["height"]
    assert label_h >= 44, f"the tick box's label is {label_h}px high: too small for a thumb"
    assert_no_horizontal_scroll(page)
    screenshot(page, "office-assigns-member-warning-phone")
    # Pressing 提交 without ticking: the browser holds the form back; nothing is submitted.
    _submit_button(details).click()
    assert Item.objects.get(pk=first.pk).state == ItemState.DRAFT
    box.check()
    with page.expect_navigation():
        _submit_button(details).click()
    expect(page.locator(".flash")).to_contain_text("已完成：提交")
    assert Item.objects.get(pk=first.pk).state == ItemState.SUBMITTED
    assert CoSigner.objects.get(item=first, person=world.other_member_person).state == CoSigner.State.DROPPED
    assert AuditRecord.objects.get(action="submit", item=first).note == "未列入的联名人：赵委员（未回应）"
    cosign = page.locator('#deadlines li[data-kind="cosign"]')
    expect(cosign).to_contain_text("1 人确认联名")
    expect(cosign).to_contain_text("未列入：赵委员（未回应）")
    screenshot(page, "office-assigns-member-submitted-phone")

    A.submit(world.member, second.pk)
    for item in (first, second):
        A.register(world.cppcc_office, item.pk)

    # -- the government office at its desk --------------------------------------------------------
    for size, item in (("desktop", first), ("phone", second)):
        page = page_for(size)
        login(page, live_server, world.gov_office.username)
        visit(page, f"/items/{item.pk}/")
        wishes = page.locator("dl.facts.wishes")
        expect(wishes.locator('[data-fact="suggested_units"]')).to_contain_text(world.spare_unit.name)
        expect(wishes.locator('[data-fact="suggested_units"]')).to_contain_text(world.lead_unit.name)
        expect(wishes.locator('[data-fact="urgent"]')).to_contain_text("紧急")
        expect(wishes.locator('[data-fact="consent"]')).to_contain_text("不同意公开")
        wishes.scroll_into_view_if_needed()
        screenshot(page, f"office-assigns-wishes-{size}")

        details = _open(page, "do-assign")
        lead = details.get_by_role("combobox", name="主办单位")
        lead.click()
        lead.type(world.lead_unit.name[1:3])
        expect(details.get_by_role("option").first).to_be_visible()
        assert_no_horizontal_scroll(page)
        screenshot(page, f"office-assigns-picker-{size}")
        lead.press("Escape")
        # The picker stands in for its <select> (hidden): the units are chosen by value.
        details.locator("select[name=lead]").select_option(value=str(world.lead_unit.pk), force=True)
        details.locator("select[name=co]").select_option(value=str(world.co_unit.pk), force=True)
        details.locator("textarea[name=note]").fill("请主办单位牵头，尽快与委员面商。")
        with page.expect_navigation():
            _submit_button(details).click()
        expect(page.locator(".flash")).to_contain_text("已完成：交办")
        assert {(a.unit_id, a.role) for a in Assignment.objects.filter(item=item)} == {
            (world.lead_unit.pk, "lead"), (world.co_unit.pk, "co")}
        assert_no_horizontal_scroll(page)
        page.locator("#deadlines").scroll_into_view_if_needed()
        screenshot(page, f"office-assigns-assigned-{size}")

    # -- the unit meets the proposer; the office reads it under the unit, on a phone ---------------
    lead = Assignment.objects.get(item=first, role="lead")
    A.sign(world.lead_liaison, first.pk, assignment=lead.pk)
    page = page_for("phone")
    login(page, live_server, world.lead_liaison.username)
    visit(page, f"/items/{first.pk}/")
    details = _open(page, f"do-record_consultation-{lead.pk}")
    held = details.locator("input[name=held_on]")
    assert held.get_attribute("min") == held.get_attribute("max") == today().isoformat()  # assigned today
    details.locator("select[name=kind]").select_option("before")
    details.locator("select[name=form]").select_option("visit")
    held.fill(today().isoformat())
    details.locator("textarea[name=participants]").fill("王委员、区建委副主任、联络员")
    details.locator("textarea[name=proposer_views]").fill("希望先在两个小区试点，年内启动。")
    with page.expect_navigation():
        _submit_button(details).click()
    expect(page.locator(".flash")).to_contain_text("已完成：记录面商沟通")
    page = page_for("phone")
    login(page, live_server, world.gov_office.username)
    visit(page, f"/items/{first.pk}/")
    consult = page.locator("ul.units > li").filter(has_text=world.lead_unit.name).locator("li.consult")
    expect(consult).to_contain_text("办前面商")
    expect(consult).to_contain_text("王委员、区建委副主任、联络员")
    expect(consult).to_contain_text("希望先在两个小区试点，年内启动。")
    consult.scroll_into_view_if_needed()
    screenshot(page, "office-assigns-consultation-phone")

    # -- the leaders' portfolios: the same picker, on a phone --------------------------------------
    visit(page, "/office/leaders/")
    section = page.locator(f'[data-leader="{world.district_leader.username}"]')
    section.locator("details summary").click()
    picker = section.get_by_role("combobox", name="分管单位")
    expect(picker).to_be_visible()
    expect(section.locator(".up-chip")).to_have_count(2)  # lead_unit and co_unit, as the portfolio holds
    assert_no_horizontal_scroll(page)
    screenshot(page, "office-assigns-leaders-phone")

    request_log.assert_all_local()
    request_log.assert_no_failures()


def test_a_missing_field_leads_to_the_field_marked_as_required(page_for, live_server, world, request_log):
    item = new_draft(world, title="关于增设社区养老服务站点的建议", reason="", category=None)
    page = page_for("phone")
    login(page, live_server, world.member.username)
    visit(page, f"/items/{item.pk}/")
    details = _open(page, "do-submit")
    missing = details.locator(".sc-missing a")
    expect(missing).to_have_text(["类别", "案由"])
    assert missing.first.bounding_box()["height"] >= 44
    screenshot(page, "office-assigns-missing-phone")
    with page.expect_navigation():
        missing.nth(1).click()
    assert page.url.endswith(f"/items/{item.pk}/edit/#id_reason")
    expect(page.locator(".req-legend")).to_contain_text("必填")
    expect(page.locator("label[for=id_reason] .req")).to_have_text("*")
    assert page.locator("#id_reason").get_attribute("aria-required") == "true"
    assert page.locator("#id_reason").evaluate("el => el.matches(':target')")
    assert_no_horizontal_scroll(page)
    screenshot(page, "office-assigns-draft-required-phone")
    request_log.assert_no_failures()
