"""The whole life of one proposal, clicked through the pages by every role in turn.

A CPPCC member drafts a proposal and picks a co-signer by typing part of the name; the co-signer
confirms from the to-do page; the member submits; the assembly office registers it; the government
office assigns a lead and a co-handling unit; both units sign; the co-handling unit sends its
opinion; the lead unit meets the proposer and drafts a "for reference" (C) reply, which its unit
leader approves (with the keyboard only), the supervising district leader approves and the liaison
sends. The member rates it 差 and disagrees, so the unit handles it again and replies A (no district
leader needed); the member rates it 好; the unit files its closure report, its leader approves it,
and the item is closed (已办结).

Every role works in its own browser context and reaches its step from its to-do page where one
points at it. After each step the page (the flash message, the state badge) and the database (the
records the step writes) are checked; a to-do link that names an action must land on it opened.
Each role's to-do page is photographed on a desktop and a phone (screenshots/todo-<persona>-desktop.png,
-phone.png) when it has something in it, and must not scroll sideways on the phone; so are a few
item pages on the way (walk-*.png: the co-signer picker, the reply form, the rating form, the closed
item). Nothing is loaded from outside the live server, and no request fails.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from banli.org.models import FeedbackGrade, ReplyType
from banli.proposals.models import (
    Assignment, AssignmentRole, ClosureReport, CoOpinion, Consultation, CoSigner, Feedback, Item, Reply, ReplyApproval,
)
from tests.builders import today
from tests.web.browser.helpers import assert_no_horizontal_scroll, login, screenshot, visit

TITLE = "关于在老旧小区推广加装电梯的建议"

# The action a to-do link names (#do-sign-12, #do-give_feedback for the first reply awaiting a rating): open or not?
_OPENED = """id => {
  const el = document.getElementById(id) || document.querySelector(`details.action[id^="${id}-"]`);
  return !el ? 'missing (no element with that id)' : el.tagName !== 'DETAILS' ? 'a ' + el.tagName : el.open ? 'open' : 'closed';
}"""


class Walk:
    """One logged-in desktop page per persona, opened on first use, plus the checks every step makes."""

    def __init__(self, page_for, live_server, world):
        self.page_for, self.live_server, self.world = page_for, live_server, world
        self.pages: dict[str, Page] = {}
        self.item_id: int | None = None
        self.phone: Page | None = None

    def page(self, persona: str) -> Page:
        if persona not in self.pages:
            page = self.page_for("desktop")
            login(page, self.live_server, getattr(self.world, persona).username)
            self.pages[persona] = page
        return self.pages[persona]

    def item(self) -> Item:
        return Item.objects.get(pk=self.item_id)

    # -- to-do -------------------------------------------------------------------------------
    def todo(self, persona: str, section: str, *, shoot: bool = False) -> Page:
        """Open the persona's to-do page, check `section` lists this item, and (shoot=True)
        photograph the page on the desktop and on a phone, which must not scroll sideways."""
        page = self.page(persona)
        visit(page, "/")
        card = page.locator(f"[data-section={section}]")
        expect(card).to_have_count(1)
        link = card.locator(f'a[href^="/items/{self.item_id}/"]')
        expect(link).to_have_count(1)
        expect(card.locator(".count")).not_to_have_text("0")
        if shoot:
            screenshot(page, f"todo-{persona}-desktop")
            phone = self.phone_as(persona)
            visit(phone, "/")  # checks no sideways scroll
            expect(phone.locator(f"[data-section={section}] a[href^='/items/{self.item_id}/']")).to_have_count(1)
            screenshot(phone, f"todo-{persona}-phone")
        return page

    def phone_as(self, persona: str) -> Page:
        """One phone page for the whole walk, carrying the persona's desktop login (its cookies)."""
        if self.phone is None:
            self.phone = self.page_for("phone")
        self.phone.context.clear_cookies()
        self.phone.context.add_cookies(self.page(persona).context.cookies())
        return self.phone

    def follow(self, persona: str, section: str, *, shoot: bool = False) -> Page:
        """From the to-do page, follow the section's link to this item's page."""
        page = self.todo(persona, section, shoot=shoot)
        link = page.locator(f'[data-section={section}] a[href^="/items/{self.item_id}/"]')
        with page.expect_navigation():
            link.click()
        match = re.search(rf"/items/{self.item_id}/(?:#(.*))?$", page.url)
        assert match, page.url
        anchor = match.group(1) or ""
        if anchor.startswith("do-"):
            # The entry points at one action: the page opens it (banli.js) so the user can act at once.
            opened = page.evaluate(_OPENED, anchor)
            assert opened == "open", f"to-do section {section!r} links to #{anchor}, which on the item page is {opened}"
        assert_no_horizontal_scroll(page)
        return page

    def open_item(self, persona: str) -> Page:
        page = self.page(persona)
        visit(page, f"/items/{self.item_id}/")
        return page

    # -- actions -----------------------------------------------------------------------------
    def action(self, page: Page, anchor: str):
        """The <details> of one action, opened (by clicking its summary) if it is closed."""
        details = page.locator(f"details.action#{anchor}")
        expect(details).to_have_count(1)
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        expect(details.locator("form")).to_be_visible()
        return details

    def submit(self, page: Page, details, label: str) -> None:
        """Press the form's button and check the step is reported done."""
        action = details.locator("form").get_attribute("action")
        with page.expect_navigation() as nav:
            details.locator("form .a-buttons button.btn").first.click()  # a review panel's second button returns
        status = nav.value.status if nav.value else None
        if status != 200:
            said = page.locator("[role=alert], h1").all_inner_texts()
            raise AssertionError(f"step {label!r}: POST {action} answered {status} at {page.url}; the page says {said}")
        self.done(page, label)

    def send(self, page: Page, assignment) -> None:
        """发出答复 opens the confirmation with the letter as it will go out; only 确认发出 sends."""
        details = self.action(page, f"do-send_reply-{assignment.pk}")
        expect(details.locator(".review-text")).to_be_visible()
        with page.expect_navigation():
            details.locator("form .a-buttons button.btn").click()
        expect(page.locator("h1")).to_have_text("确认发出答复")
        expect(page.locator(".letter .l-title")).to_contain_text("的答复")
        assert Reply.objects.filter(assignment=assignment, state=Reply.State.APPROVED).exists(), "sent before it was confirmed"
        with page.expect_navigation():
            page.get_by_role("button", name="确认发出").click()
        self.done(page, "发出答复")

    def done(self, page: Page, label: str) -> None:
        alert = page.locator("p.alert[role=alert]")
        assert alert.count() == 0, f"step {label!r} refused on {page.url}: {alert.all_inner_texts()}"
        expect(page.locator(".flash")).to_contain_text(f"已完成：{label}")
        assert_no_horizontal_scroll(page)

    def badge(self, page: Page, text: str, state: str) -> None:
        expect(page.locator(".item-head .state")).to_have_text(text)
        assert self.item().state == state


def test_life_of_a_proposal(page_for, live_server, world, request_log):
    w = world
    walk = Walk(page_for, live_server, w)
    grades = {g.code: g for g in FeedbackGrade.objects.all()}
    poor, fair, good = grades["poor"], grades["fair"], grades["good"]
    assert (poor.name, fair.name, good.name) == ("差", "较好", "好") and poor.sends_to_rehandling
    type_a, type_c = ReplyType.objects.get(code="A"), ReplyType.objects.get(code="C")
    assert type_c.needs_reason and type_c.needs_leader_approval and not type_a.needs_reason and not type_a.needs_leader_approval
    # The district leader who must read the C reply is the lead unit's supervising leader.
    assert w.lead_unit.supervising_leader_id == w.district_leader.pk

    # 1. The member drafts the proposal and picks the co-signer by typing part of the name. ---------
    page = walk.page("member")
    visit(page, "/items/new/")
    page.fill("#id_title", TITLE)
    page.select_option("#id_category", label="城市建设和管理 · 住房和物业")
    page.fill("#id_reason", "本区老旧小区多建于上世纪八九十年代，没有电梯，老年居民上下楼困难。")
    page.fill("#id_suggestions", "一是简化加装电梯审批流程；二是加大财政补贴；三是建立居民协商机制。")
    picker = page.locator("[data-picker]")
    picker.locator(".picker-q").fill("李")
    option = picker.locator(".picker-results button", has_text="李委员")
    expect(option).to_be_visible()
    screenshot(page, "walk-draft-picker-desktop")
    option.click()
    expect(picker.locator(".chips .chip")).to_have_count(1)
    expect(picker.locator(".chips .chip")).to_contain_text("李委员")
    assert picker.locator(".chips input[type=hidden]").get_attribute("value") == str(w.cosigner_person.pk)
    with page.expect_navigation():
        page.locator("form.draft button.primary").click()
    match = re.search(r"/items/(\d+)/$", page.url)
    assert match, f"saving the draft led to {page.url}"
    walk.item_id = int(match.group(1))
    expect(page.locator(".flash")).to_contain_text("草稿已保存")
    walk.badge(page, "草稿", "draft")
    item = walk.item()
    assert (item.title, item.proposer_id, item.category.name) == (TITLE, w.member_person.pk, "住房和物业")
    assert list(item.cosigners.values_list("person_id", "state")) == [(w.cosigner_person.pk, CoSigner.State.INVITED)]

    # The co-signer finds the invitation in the to-do and confirms.
    page = walk.follow("cosigner", "cosign", shoot=True)
    details = walk.action(page, "do-respond_cosign")
    details.locator("input[name=confirm][value=true]").check()
    walk.submit(page, details, "回应联名邀请")
    assert CoSigner.objects.get(item_id=walk.item_id, person=w.cosigner_person).state == CoSigner.State.CONFIRMED

    # The member submits.
    walk.todo("member", "drafts")
    page = walk.open_item("member")
    expect(page.locator(".item-side")).to_contain_text("李委员（已确认）")
    walk.submit(page, walk.action(page, "do-submit"), "提交")
    walk.badge(page, "待审查", "submitted")
    assert walk.item().submitted_at is not None

    # 2. The assembly office registers it. ---------------------------------------------------------
    page = walk.follow("cppcc_office", "review", shoot=True)
    walk.submit(page, walk.action(page, "do-register"), "立案")
    walk.badge(page, "已立案", "registered")
    item = walk.item()
    assert item.number is not None and item.registered_at is not None
    expect(page.locator(".crumbs")).to_contain_text(f"第{item.number:04d}号")

    # 3. The government office assigns a lead and a co-handling unit; both units sign. -------------
    page = walk.follow("gov_office", "to_assign", shoot=True)
    details = walk.action(page, "do-assign")
    # The unit pickers stand in for their <select>s (hidden); a suggested unit's option also carries
    # its reason, so the units are chosen by value (the picker's own walk is tests/web/browser/test_unit_picker.py).
    details.locator("select[name=lead]").select_option(value=str(w.lead_unit.pk), force=True)
    details.locator("select[name=co]").select_option(value=str(w.co_unit.pk), force=True)
    details.locator("textarea[name=note]").fill("请按时办理，主办单位牵头面商。")
    walk.submit(page, details, "交办")
    walk.badge(page, "已交办", "assigned")
    lead = Assignment.objects.get(item_id=walk.item_id, role=AssignmentRole.LEAD)
    co = Assignment.objects.get(item_id=walk.item_id, role=AssignmentRole.CO)
    assert (lead.unit_id, co.unit_id) == (w.lead_unit.pk, w.co_unit.pk)
    assert lead.state == co.state == Assignment.State.PENDING

    for persona, assignment in (("co_liaison", co), ("lead_liaison", lead)):
        page = walk.follow(persona, "unit_sign", shoot=persona == "co_liaison")
        walk.submit(page, walk.action(page, f"do-sign-{assignment.pk}"), "签收")
        assignment.refresh_from_db()
        assert assignment.state == Assignment.State.SIGNED and assignment.signed_by_id == getattr(w, persona).pk
    walk.badge(page, "办理中", "handling")

    # 4. The co-handling unit sends its opinion. ---------------------------------------------------
    page = walk.follow("co_liaison", "unit_co_opinion")
    details = walk.action(page, f"do-send_co_opinion-{co.pk}")
    details.locator("textarea[name=text]").fill("同意主办单位意见，我委将配合做好施工期间的交通组织。")
    walk.submit(page, details, "提交会办意见")
    opinion = CoOpinion.objects.get(assignment=co)
    assert opinion.text.startswith("同意主办单位意见") and not opinion.waived and opinion.by_id == w.co_liaison.pk

    # 5. The lead unit meets the proposer, drafts a type C reply and submits it for approval. -------
    # The lead liaison's to-do has the most in it now (consultation and reply both due).
    page = walk.follow("lead_liaison", "unit_consult", shoot=True)
    details = walk.action(page, f"do-record_consultation-{lead.pk}")
    details.locator("select[name=kind]").select_option("before")
    details.locator("select[name=form]").select_option("visit")
    details.locator("input[name=held_on]").fill(today().isoformat())
    details.locator("textarea[name=participants]").fill("王委员、李委员、建委联络员")
    details.locator("textarea[name=proposer_views]").fill("希望年内启动试点。")
    walk.submit(page, details, "记录面商沟通")
    c = Consultation.objects.get(item_id=walk.item_id)
    assert (c.unit_id, c.kind, c.form, c.held_on, c.recorded_by_id) == (w.lead_unit.pk, "before", "visit", today(), w.lead_liaison.pk)

    page = walk.follow("lead_liaison", "unit_reply")
    details = walk.action(page, f"do-draft_reply-{lead.pk}")
    reason_field = details.locator("[data-shown-when=reason]")
    date_fields = details.locator("[data-shown-when=date]")
    details.locator("select[name=reply_type]").select_option("A")
    expect(reason_field).to_be_hidden()
    details.locator("select[name=reply_type]").select_option("C")
    expect(reason_field).to_be_visible()
    for i in range(date_fields.count()):
        expect(date_fields.nth(i)).to_be_hidden()
    details.locator("textarea[name=body]").fill("王委员：您提出的关于老旧小区加装电梯的建议收悉，经研究答复如下……")
    details.locator("textarea[name=reference_reason]").fill("受规划条件限制，暂不具备全面推广条件，留作今后工作参考。")
    details.locator("input[name=signatory]").fill("张主任")
    details.locator("input[name=contact_person]").fill("建委联络员")
    details.locator("input[name=contact_phone]").fill("021-12345678")
    screenshot(page, "walk-reply-form-desktop")
    phone = walk.phone_as("lead_liaison")
    visit(phone, f"/items/{walk.item_id}/#do-draft_reply-{lead.pk}")
    phone.locator(f"#do-draft_reply-{lead.pk} select[name=reply_type]").select_option("C")
    assert_no_horizontal_scroll(phone)
    screenshot(phone, "walk-reply-form-phone")
    walk.submit(page, details, "拟写答复")
    first = Reply.objects.get(item_id=walk.item_id)
    assert (first.state, first.reply_type.code, first.round, first.signatory) == (Reply.State.DRAFT, "C", 1, "张主任")
    assert first.reference_reason.startswith("受规划条件限制")
    walk.submit(page, walk.action(page, f"do-submit_reply-{lead.pk}"), "提交审核")
    first.refresh_from_db()
    assert first.state == Reply.State.PENDING_UNIT

    # 6. The unit leader approves with the keyboard alone; the district leader approves; the liaison sends.
    walk.todo("lead_head", "approve_replies", shoot=True)
    page = walk.open_item("lead_head")
    approve_with_keyboard(page, f"do-approve_reply-{lead.pk}", comment="同意报区领导阅批。")
    walk.done(page, "单位领导审核答复")
    first.refresh_from_db()
    assert first.state == Reply.State.PENDING_LEADER
    assert list(first.approvals.values_list("level", "decision", "by_id", "comment")) == [
        (ReplyApproval.Level.UNIT, ReplyApproval.Decision.APPROVED, w.lead_head.pk, "同意报区领导阅批。")]

    page = walk.follow("district_leader", "leader_replies", shoot=True)
    details = walk.action(page, f"do-leader_approve_reply-{lead.pk}")
    details.locator("textarea[name=comment]").fill("同意。")
    walk.submit(page, details, "区领导阅批答复")
    first.refresh_from_db()
    assert first.state == Reply.State.APPROVED
    assert first.approvals.filter(level=ReplyApproval.Level.DISTRICT, by=w.district_leader, decision="approved").exists()

    page = walk.open_item("lead_liaison")
    walk.send(page, lead)
    walk.badge(page, "已答复", "replied")
    first.refresh_from_db()
    assert first.state == Reply.State.SENT and first.sent_at is not None
    assert walk.item().reply_type.code == "C"

    # 7. The member rates it 差 and disagrees: the item goes back to the unit. -------------------
    page = walk.follow("member", "to_rate", shoot=True)
    details = walk.action(page, "do-give_feedback")
    details.get_by_label(poor.name, exact=True).check()
    details.locator("input[name=agrees][value=false]").check()
    details.locator("textarea[name=comment]").fill("答复未回应加装电梯的资金问题。")
    # The co-handling unit's grade is optional (no *): left at 请选择 here, given in the second rating.
    expect(details.locator(f'select[name="co_grades.{w.co_unit.pk}"]')).to_have_value("")
    phone = walk.phone_as("member")
    visit(phone, f"/items/{walk.item_id}/#do-give_feedback")
    screenshot(phone, "walk-feedback-form-phone")
    walk.submit(page, details, "评价答复")
    walk.badge(page, "重新办理", "rehandling")
    fb = Feedback.objects.get(reply=first)
    assert (fb.grade_id, fb.agrees, fb.lapsed, fb.by_id) == (poor.pk, False, False, w.member.pk)
    lead.refresh_from_db()
    assert lead.reply_round == 2

    # 8. The unit handles it again and replies A: the unit leader's approval is enough. -----------
    page = walk.follow("lead_liaison", "unit_second_reply")
    details = walk.action(page, f"do-draft_reply-{lead.pk}")
    details.locator("select[name=reply_type]").select_option("A")
    expect(details.locator("[data-shown-when=reason]")).to_be_hidden()
    details.locator("textarea[name=body]").fill("王委员：经再次研究，我委将对符合条件的小区给予加装电梯补贴……")
    details.locator("input[name=signatory]").fill("张主任")
    details.locator("input[name=contact_person]").fill("建委联络员")
    walk.submit(page, details, "拟写答复")
    second = Reply.objects.filter(item_id=walk.item_id).exclude(pk=first.pk).get()
    assert (second.state, second.reply_type.code, second.round) == (Reply.State.DRAFT, "A", 2)
    walk.submit(page, walk.action(page, f"do-submit_reply-{lead.pk}"), "提交审核")

    page = walk.follow("lead_head", "approve_replies")
    walk.submit(page, walk.action(page, f"do-approve_reply-{lead.pk}"), "单位领导审核答复")
    second.refresh_from_db()
    assert second.state == Reply.State.APPROVED
    assert not second.approvals.filter(level=ReplyApproval.Level.DISTRICT).exists()

    page = walk.open_item("lead_liaison")
    # Rule 9: before the second reply goes out, the unit contacts the proposer again.
    expect(page.locator(f"details.action#do-send_reply-{lead.pk}")).to_have_count(0)
    details = walk.action(page, f"do-record_consultation-{lead.pk}")
    details.locator("select[name=kind]").select_option("during")
    details.locator("select[name=form]").select_option("phone")
    details.locator("input[name=held_on]").fill(today().isoformat())
    details.locator("textarea[name=participants]").fill("王委员、建委联络员")
    walk.submit(page, details, "记录面商沟通")
    walk.send(page, lead)
    walk.badge(page, "已答复", "replied")
    second.refresh_from_db()
    assert second.state == Reply.State.SENT
    assert walk.item().reply_type.code == "A"

    # 9. The member rates it 好 and agrees. ---------------------------------------------------------
    page = walk.follow("member", "to_rate")
    details = walk.action(page, "do-give_feedback")
    details.get_by_label(good.name, exact=True).check()
    details.locator("input[name=agrees][value=true]").check()
    details.locator(f'select[name="co_grades.{w.co_unit.pk}"]').select_option(fair.code)
    walk.submit(page, details, "评价答复")
    walk.badge(page, "已评价", "evaluated")
    fb = Feedback.objects.get(reply=second)
    assert (fb.grade_id, fb.agrees) == (good.pk, True)
    assert list(fb.co_grades.values_list("unit_id", "grade_id")) == [(w.co_unit.pk, fair.pk)]

    # 10. The unit files its closure report and its leader approves: the item is closed. -----------
    page = walk.open_item("lead_liaison")
    details = walk.action(page, f"do-file_closure_report-{lead.pk}")
    details.locator("textarea[name=text]").fill("已完成首批12个小区加装电梯，补贴资金已拨付。")
    details.locator("input[name=done_on]").fill(today().isoformat())
    walk.submit(page, details, "报送办结报告")
    report = ClosureReport.objects.get(assignment=lead)
    assert (report.state, report.done_on, report.filed_by_id) == (ClosureReport.State.PENDING, today(), w.lead_liaison.pk)

    page = walk.follow("lead_head", "approve_closure")
    details = walk.action(page, f"do-approve_closure_report-{lead.pk}")
    details.locator("textarea[name=comment]").fill("同意办结。")
    walk.submit(page, details, "审核办结报告")
    walk.badge(page, "已办结", "closed")
    report.refresh_from_db()
    assert (report.state, report.decided_by_id) == (ClosureReport.State.APPROVED, w.lead_head.pk)
    item = walk.item()
    assert item.closed_at is not None
    assert Assignment.objects.get(pk=lead.pk).closed_at is not None
    screenshot(page, "walk-closed-desktop")

    # The member sees the closed item, both replies and both ratings, on the phone too.
    phone = walk.phone_as("member")
    visit(phone, f"/items/{walk.item_id}/")
    expect(phone.locator(".item-head .state")).to_have_text("已办结")
    expect(phone.locator("#replies article.reply")).to_have_count(2)
    expect(phone.locator("#replies .feedback")).to_have_count(2)
    screenshot(phone, "walk-closed-phone")

    request_log.assert_all_local()
    request_log.assert_no_failures()


def approve_with_keyboard(page: Page, anchor: str, *, comment: str) -> None:
    """The approval panel is open (the person's main task): Tab to the reply's text (it scrolls
    with the arrow keys), Tab into the comment and type, Tab to the button, Enter sends: no mouse."""
    expect(page.locator(f"details#{anchor}")).to_have_attribute("open", "")
    reply_text = page.locator(f"details#{anchor} .review-text")
    for _ in range(60):
        page.keyboard.press("Tab")
        if reply_text.evaluate("el => el === document.activeElement"):
            break
    else:
        raise AssertionError(f"Tab never reached the reply text of #{anchor}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "comment"
    page.keyboard.type(comment)
    page.keyboard.press("Tab")
    assert page.evaluate("[document.activeElement.tagName, document.activeElement.textContent.trim()]") == ["BUTTON", "审核通过"]
    with page.expect_navigation():
        page.keyboard.press("Enter")
