"""Reading before acting, in a browser (issue 14 point 1): the district leader approves a "for
reference" reply on a phone, the member rates a reply on a phone, the unit leader approves at a
desk, and the liaison sends a reply through its confirmation. Each time the reply's text and the
button that decides on it are on the screen together (measured with the elements' boxes), the
form comes first on the page and is open, and on a phone nothing scrolls sideways and the buttons
are at least 44 px tall. Screenshots go to /tmp/shots/h1-read-before-acting/ (and screenshots/)."""

from pathlib import Path

from playwright.sync_api import Page, expect

from banli.proposals import actions as A
from banli.proposals.models import Feedback, Reply, ReplyApproval
from tests.builders import consult, last_reply, lead_assignment, make_item, reply, reply_fields, send_co_opinions
from tests.web.browser.helpers import assert_no_horizontal_scroll, login, screenshot, visit

SHOTS = Path("/tmp/shots/h1-read-before-acting")
# A reply as long as real ones are: several screens on a phone.
LONG = "王委员：\n" + "\n".join(
    f"{n}. 关于老旧小区加装电梯，我委会同区财政局、区规划资源局进行了研究。受规划条件、管线迁移和资金安排所限，"
    f"本年度暂不具备全面推广的条件，拟先在条件成熟的小区开展调研，积累经验后再行推进。" for n in range(1, 10))
FIRST_LINE = "1. 关于老旧小区加装电梯"


def shot(page: Page, name: str) -> None:
    """What the person sees now (the screen), into /tmp/shots; the whole page into screenshots/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    screenshot(page, f"review-{name}")


def on_screen(page: Page, locator, *, part: str = "all") -> bool:
    """Whether the element is in the viewport: all of it, or (part="top") its first 3 lines."""
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None, "the element is not rendered"
    if part == "top":
        return box["y"] >= -1 and box["y"] + 60 <= height  # -1: sub-pixel rounding of a scrolled-to edge
    return box["y"] >= -1 and box["y"] + box["height"] <= height + 1


def assert_reads_and_acts_together(page: Page, panel, button_name: str) -> None:
    """The start of the reply's text and the button are on the screen at the same time: as the
    page opens, and with the button brought into view."""
    text, button = panel.locator(".review-text"), panel.get_by_role("button", name=button_name, exact=True)
    expect(text).to_be_visible()
    expect(text).to_contain_text(FIRST_LINE)
    assert on_screen(page, text, part="top") and on_screen(page, button), ("as the page opens", text.bounding_box(), button.bounding_box())
    # Scrolled down to the end of the form, the button where it stands in the form: the text still starts on the screen.
    panel.locator("form").evaluate("el => el.scrollIntoView({block: 'end'})")
    assert on_screen(page, text, part="top") and on_screen(page, button), ("at the form's end", text.bounding_box(), button.bounding_box())
    assert button.bounding_box()["height"] >= 44
    # There the text's box ends above the button: neither hides the other.
    assert text.bounding_box()["y"] + text.bounding_box()["height"] <= button.bounding_box()["y"]


def _submitted(world, code):
    item = make_item(world, "handling", title="关于在老旧小区推广加装电梯的建议")
    a = lead_assignment(item)
    consult(world, item)
    send_co_opinions(world, item)
    A.draft_reply(world.lead_liaison, item.pk, assignment=a.pk, **reply_fields(code, body=LONG))
    A.submit_reply(world.lead_liaison, item.pk, assignment=a.pk)
    return item, a


def test_the_district_leader_approves_a_reference_reply_on_a_phone(page_for, live_server, request_log, world):
    item, a = _submitted(world, "C")
    A.approve_reply(world.lead_head, item.pk, assignment=a.pk, comment="同意报区领导阅批。")
    page = page_for("phone")
    login(page, live_server, world.district_leader.username)
    visit(page, f"/items/{item.pk}/")
    panel = page.locator(f"details.action#do-leader_approve_reply-{a.pk}")
    expect(panel).to_have_attribute("open", "")
    # The first form of the page, before the instruction form the leader may also give.
    assert page.locator("#actions details.action").first.get_attribute("id") == f"do-leader_approve_reply-{a.pk}"
    expect(panel.locator(".review-what")).to_have_text(f"{world.lead_unit.name}的答复")
    expect(panel.locator(".review-names")).to_contain_text("C 留作参考")
    expect(panel.locator(".review-text")).to_contain_text("留作参考的理由")
    shot(page, "leader-phone-opened")
    assert_reads_and_acts_together(page, panel, "阅批同意")
    assert panel.get_by_role("button", name="退回修改").bounding_box()["height"] >= 44
    assert_no_horizontal_scroll(page)
    # The long text scrolls inside its box: its end is reachable there.
    text = panel.locator(".review-text")
    text.evaluate("el => el.scrollTop = el.scrollHeight")
    expect(text.get_by_text("留作参考的理由")).to_be_in_viewport()
    panel.locator("textarea[name=comment]").fill("同意，请做好与委员的沟通解释工作。")
    shot(page, "leader-phone-ready")
    with page.expect_navigation():
        panel.get_by_role("button", name="阅批同意", exact=True).click()
    expect(page.locator(".flash")).to_be_visible()
    r = last_reply(item)
    assert r.state == Reply.State.APPROVED
    assert r.approvals.filter(level=ReplyApproval.Level.DISTRICT, decision="approved", by=world.district_leader,
                              comment="同意，请做好与委员的沟通解释工作。").exists()
    # The record reads once: the comment says the decision itself.
    expect(page.locator("#replies")).to_contain_text(f"分管区领导 {world.district_leader.get_full_name()}：同意，请做好与委员的沟通解释工作。")
    shot(page, "leader-phone-done")
    request_log.assert_no_failures()


def test_the_member_rates_a_reply_on_a_phone(page_for, live_server, request_log, world):
    item = make_item(world, "handling", title="关于在老旧小区推广加装电梯的建议")
    reply(world, item, reply_type="A", body=LONG)
    page = page_for("phone")
    login(page, live_server, world.member.username)
    visit(page, f"/items/{item.pk}/")
    panel = page.locator("details.action#do-give_feedback")
    expect(panel).to_have_attribute("open", "")
    assert page.locator("#actions details.action").first.get_attribute("id") == "do-give_feedback"
    expect(panel.locator(".review-names")).to_contain_text("发出")
    expect(panel.locator(".review-co")).to_contain_text(world.co_unit.name)
    shot(page, "member-phone-opened")
    text, button = panel.locator(".review-text"), panel.get_by_role("button", name="提交评价")
    # Reading the start of the reply, the button is at hand; and the choices are comfortable taps.
    text.evaluate("el => el.scrollIntoView({block: 'start'})")
    assert on_screen(page, text, part="top") and on_screen(page, button), (text.bounding_box(), button.bounding_box())
    assert button.bounding_box()["height"] >= 44
    for label in panel.locator("fieldset label.check").all():
        assert label.bounding_box()["height"] >= 44, label.inner_text()
    panel.get_by_label("较好", exact=True).check()
    panel.locator("input[name=agrees][value=true]").check()
    panel.locator(f'select[name="co_grades.{world.co_unit.pk}"]').select_option("good")
    panel.locator("textarea[name=comment]").fill("答复具体，期待试点早日落地。")
    button.scroll_into_view_if_needed()
    assert on_screen(page, button)
    assert_no_horizontal_scroll(page)
    shot(page, "member-phone-ready")
    with page.expect_navigation():
        button.click()
    expect(page.locator(".flash")).to_be_visible()
    fb = Feedback.objects.get(reply=last_reply(item))
    assert (fb.grade.code, fb.agrees, fb.comment) == ("fair", True, "答复具体，期待试点早日落地。")
    assert list(fb.co_grades.values_list("unit_id", "grade__code")) == [(world.co_unit.pk, "good")]
    request_log.assert_no_failures()


def test_the_unit_head_approves_at_a_desk(page_for, live_server, request_log, world):
    item, a = _submitted(world, "B")
    page = page_for("desktop")
    login(page, live_server, world.lead_head.username)
    visit(page, f"/items/{item.pk}/")
    panel = page.locator(f"details.action#do-approve_reply-{a.pk}")
    expect(panel).to_have_attribute("open", "")
    expect(panel.locator(".review-names")).to_contain_text("B 列入计划拟解决")
    expect(panel.locator(".review-text")).to_contain_text("计划完成日期")
    # One panel: no separate form for returning it.
    expect(page.locator(f"details.action#do-return_reply-{a.pk}")).to_have_count(0)
    assert_reads_and_acts_together(page, panel, "审核通过")
    shot(page, "head-desktop")
    with page.expect_navigation():
        panel.get_by_role("button", name="审核通过").click()
    expect(page.locator(".flash")).to_be_visible()
    assert last_reply(item).state == Reply.State.APPROVED
    request_log.assert_no_failures()


def test_the_liaison_sends_only_after_seeing_the_letter(page_for, live_server, request_log, world):
    item = make_item(world, "handling", title="关于在老旧小区推广加装电梯的建议")
    a = lead_assignment(item)
    reply(world, item, a, "A", send=False, body=LONG)
    for size in ("phone", "desktop"):
        page = page_for(size)
        login(page, live_server, world.lead_liaison.username)
        visit(page, f"/items/{item.pk}/")
        panel = page.locator(f"details.action#do-send_reply-{a.pk}")
        expect(panel).to_have_attribute("open", "")
        assert_reads_and_acts_together(page, panel, "预览答复函并发出")
        shot(page, f"send-{size}-panel")
        with page.expect_navigation():
            panel.get_by_role("button", name="预览答复函并发出").click()
        expect(page.locator("h1")).to_have_text("确认发出答复")
        letter = page.locator("article.letter")
        expect(letter.locator(".l-header")).to_have_text(world.lead_unit.name)
        expect(letter.locator(".l-title")).to_contain_text("的答复")
        expect(letter).to_contain_text("《关于在老旧小区推广加装电梯的建议》收悉")
        expect(letter).to_contain_text("感谢您对我单位工作的关心和支持。")
        expect(page.get_by_role("link", name="打开 PDF（打印用）")).to_have_attribute("href", f"/items/{item.pk}/paper/reply/{last_reply(item).pk}.pdf")
        confirm = page.get_by_role("button", name="确认发出")
        assert on_screen(page, confirm) and confirm.bounding_box()["height"] >= 44  # at hand while reading
        assert_no_horizontal_scroll(page)
        shot(page, f"send-{size}-confirm")
        assert last_reply(item).state == Reply.State.APPROVED, "sent before it was confirmed"
        if size == "phone":
            # Changing one's mind goes back to the item, nothing sent.
            with page.expect_navigation():
                page.get_by_role("link", name="暂不发出").click()
            assert last_reply(item).state == Reply.State.APPROVED
            continue
        with page.expect_navigation():
            confirm.click()
        expect(page.locator(".flash")).to_be_visible()
        assert last_reply(item).state == Reply.State.SENT
        expect(page.locator(".item-head .state")).to_have_text("已答复")
        shot(page, "send-desktop-done")
    request_log.assert_no_failures()
