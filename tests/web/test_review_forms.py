"""The forms that act on one reply carry it (issue 14): whoever approves, returns, sends or rates a
reply reads it inside the form, right above the buttons, and the form names it (unit, type, date,
round); approving and returning the same reply are one panel with the text once; these forms come
first on the page and open. Sending asks for confirmation with the letter as it will go out.
Also: each error said once (beside its field, one summary at the top linking to the form), the
approval record without "同意 同意。", and the breadcrumb of an item without a number."""

import re
from html import unescape

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from banli.paper.models import DocumentNumber
from banli.proposals import actions as A
from banli.proposals.models import Reply, ReplyApproval
from banli.web.templatetags.review_tags import approval_text
from tests.builders import (
    consult, fresh, last_reply, lead_assignment, make_item, reply, reply_fields, send_co_opinions,
)
from tests.checks import assert_audit, unchanged
from tests.web.pages import action_anchors, alerts, field_errors, form_block, is_open, login, text

pytestmark = pytest.mark.django_db

BODY = "王委员：您提出的关于老旧小区加装电梯的建议收悉。\n经研究，我委将于明年启动试点，首批选取三个小区。"


def _submitted(world, code="B", **over):
    """A lead unit's reply of type `code`, drafted and submitted to the unit leader."""
    item = make_item(world, "handling")
    a = lead_assignment(item)
    consult(world, item)
    send_co_opinions(world, item)
    A.draft_reply(world.lead_liaison, item.pk, assignment=a.pk, **reply_fields(code, body=BODY, **over))
    A.submit_reply(world.lead_liaison, item.pk, assignment=a.pk)
    return item, a


def _with_the_district_leader(world):
    item, a = _submitted(world, "C")
    A.approve_reply(world.lead_head, item.pk, assignment=a.pk, comment="同意报区领导阅批。")
    return item, a


def _form(block: str) -> str:
    m = re.search(r"<form .*?</form>", block, re.S)
    assert m, "no <form> in the panel"
    return m.group(0)


def _plain(html: str) -> str:
    """The text as read: inline tags vanish, block tags separate."""
    html = re.sub(r"</?(?:strong|span|a|em|time)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _type(code):
    from banli.org.models import ReplyType
    t = ReplyType.objects.get(code=code)
    return f"{t.code} {t.name}"


def _day(dt) -> str:
    return timezone.localtime(dt).date().isoformat()


# -- the reply inside the form ----------------------------------------------------------------------

def test_the_unit_head_reads_the_reply_in_one_panel_that_approves_or_returns_it(world, lead_head):
    item, a = _submitted(world, "B")
    r_ = last_reply(item)
    r = login(lead_head).get(f"/items/{item.pk}/")
    # The panel is the first thing in the actions, open; returning is its second button.
    assert action_anchors(r)[:2] == [f"do-approve_reply-{a.pk}", f"do-return_reply-{a.pk}"]
    block = form_block(r, f"do-approve_reply-{a.pk}")
    assert is_open(block)
    form = _form(block)
    shown = _plain(form)
    # It names the reply: unit, type, the day it was drafted.
    assert f"{world.lead_unit.name}的答复" in shown
    assert _type("B") in shown and f"{_day(r_.created_at)} 起草" in shown
    # All of its text, once, with what type B adds.
    assert "经研究，我委将于明年启动试点，首批选取三个小区。" in shown and shown.count("首批选取三个小区") == 1
    assert f"承诺事项与时限：{r_.promise}" in shown and f"计划完成日期：{r_.planned_date.isoformat()}" in shown
    # Above the two buttons, which post to the two actions with the one comment.
    approve = form.index(">审核通过</button>")
    assert form.index("首批选取三个小区") < approve
    assert f'<button class="btn" id="do-return_reply-{a.pk}" formaction="/items/{item.pk}/do/return_reply/">退回修改</button>' in form
    assert form.index("do-return_reply") > approve
    assert f'action="/items/{item.pk}/do/approve_reply/"' in form and form.count('name="comment"') == 1
    # No second form repeats the text.
    assert text(r).count('class="review-text"') == 1
    assert f'<details class="action" id="do-return_reply-{a.pk}"' not in text(r)


def test_either_button_of_the_panel_takes_its_step(world, lead_head):
    item, a = _submitted(world, "A")
    c = login(lead_head)
    r = c.post(f"/items/{item.pk}/do/return_reply/", {"assignment": a.pk, "comment": "请补充资金来源。"})
    assert r.status_code == 302
    assert (last_reply(item).state, list(last_reply(item).approvals.values_list("decision", "comment"))) == (
        Reply.State.DRAFT, [(ReplyApproval.Decision.RETURNED, "请补充资金来源。")])
    assert_audit("return_reply", item=item, actor=lead_head)

    A.submit_reply(world.lead_liaison, item.pk, assignment=a.pk)
    r = c.post(f"/items/{item.pk}/do/approve_reply/", {"assignment": a.pk, "comment": ""})
    assert r.status_code == 302 and last_reply(item).state == Reply.State.APPROVED
    assert_audit("approve_reply", item=item, actor=lead_head)


def test_the_district_leader_finds_the_C_reply_first_with_the_unit_leaders_approval(world, district_leader):
    item, a = _with_the_district_leader(world)
    r_ = last_reply(item)
    r = login(district_leader).get(f"/items/{item.pk}/")
    anchors = action_anchors(r)
    # Before the instruction form the leader may also give.
    assert anchors[:2] == [f"do-leader_approve_reply-{a.pk}", f"do-leader_return_reply-{a.pk}"]
    assert "do-give_instruction" in anchors and not is_open(form_block(r, "do-give_instruction"))
    block = form_block(r, f"do-leader_approve_reply-{a.pk}")
    assert is_open(block)
    form = _form(block)
    shown = _plain(form)
    assert f"{world.lead_unit.name}的答复" in shown and _type("C") in shown
    assert f"留作参考的理由：{r_.reference_reason}" in shown
    assert f"单位主要领导 {world.lead_head.get_full_name()} · 同意报区领导阅批。" in shown
    assert form.index("首批选取三个小区") < form.index(">阅批同意</button>") < form.index(f'id="do-leader_return_reply-{a.pk}"')


def test_a_leader_who_may_not_approve_sees_no_panel_and_is_refused(world, other_leader, lead_liaison):
    item, a = _with_the_district_leader(world)
    for user in (other_leader, lead_liaison):
        r = login(user).get(f"/items/{item.pk}/")
        assert f"do-leader_approve_reply-{a.pk}" not in action_anchors(r), user.username
        with unchanged():
            r = login(user).post(f"/items/{item.pk}/do/leader_approve_reply/", {"assignment": a.pk})
        assert r.status_code in (403, 404), user.username
    assert last_reply(item).state == Reply.State.PENDING_LEADER


def test_the_member_rates_the_reply_shown_in_the_form_with_the_co_handling_unit_named(world, member):
    item = make_item(world, "replied", reply_type="A")
    r_ = last_reply(item)
    r = login(member).get(f"/items/{item.pk}/")
    assert action_anchors(r)[0] == "do-give_feedback"
    block = form_block(r, "do-give_feedback")
    assert is_open(block)
    form = _form(block)
    shown = _plain(form)
    assert f"{world.lead_unit.name}的答复" in shown and _type("A") in shown and f"{_day(r_.sent_at)} 发出" in shown
    assert f"一并评价的会办单位：{world.co_unit.name}" in shown
    assert _plain(r_.body) in shown
    assert form.index('class="review-text"') < form.index('name="grade"') < form.index(">提交评价</button>")
    # Whether the member agrees with the reply is said in those words, not 是/否.
    agrees = form[form.index('name="agrees"') - 200:]
    assert "同意</label>" in agrees and "不同意</label>" in agrees and "> 是</label>" not in form and "> 否</label>" not in form


def test_a_second_reply_says_it_is_the_re_handling_round(world, member):
    item = make_item(world, "rehandling", reply_type="A")
    reply(world, item, reply_type="A", body="王委员：经再次研究，年内完成补贴发放。")
    block = form_block(login(member).get(f"/items/{item.pk}/"), "do-give_feedback")
    assert "重新办理 · 第2次答复" in _plain(_form(block)) and "年内完成补贴发放" in _plain(_form(block))


# -- sending asks first -------------------------------------------------------------------------------

def _approved(world):
    item = make_item(world, "handling")
    a = lead_assignment(item)
    return item, a, reply(world, item, a, "A", send=False, body=BODY)


def test_sending_shows_the_letter_and_sends_only_once_confirmed(world, lead_liaison):
    item, a, r_ = _approved(world)
    c = login(lead_liaison)
    block = form_block(c.get(f"/items/{item.pk}/"), f"do-send_reply-{a.pk}")
    assert is_open(block) and "首批选取三个小区" in _plain(_form(block))
    assert ">预览答复函并发出</button>" in block

    with unchanged():  # the preview writes nothing, not even a 文号
        r = c.post(f"/items/{item.pk}/do/send_reply/", {"assignment": a.pk})
    assert r.status_code == 200 and not DocumentNumber.objects.exists()
    html = text(r)
    shown = _plain(html)
    assert "<h1>确认发出答复</h1>" in html
    # The paper module's letter: its header, title, the body's sentence naming the item, the unit's text.
    item = fresh(item)
    assert f'<p class="l-header">{world.lead_unit.name}</p>' in html
    assert re.search(r'<h3 class="l-title">关于区政协六届五次会议第\d{4}号提案的答复</h3>', html)
    assert f"《{item.title}》收悉" in shown and "经研究，我委将于明年启动试点，首批选取三个小区。" in shown
    assert "联系人：建委联络员，联系电话：021-12345678" in shown
    assert f'href="/items/{item.pk}/paper/reply/{r_.pk}.pdf"' in html
    assert '<input type="hidden" name="confirmed" value="1">' in html and ">确认发出</button>" in html
    assert last_reply(item).state == Reply.State.APPROVED

    r = c.post(f"/items/{item.pk}/do/send_reply/", {"assignment": a.pk, "confirmed": "1"})
    assert (r.status_code, r["Location"]) == (302, f"/items/{item.pk}/")
    assert last_reply(item).state == Reply.State.SENT and fresh(item).state == "replied"
    assert_audit("send_reply", item=item, actor=lead_liaison)


def test_the_confirmation_is_refused_to_whoever_may_not_send(world, lead_head, outsider_liaison):
    item, a, _ = _approved(world)
    for user, status in ((lead_head, 403), (outsider_liaison, 404)):
        for data in ({"assignment": a.pk}, {"assignment": a.pk, "confirmed": "1"}):
            with unchanged():
                r = login(user).post(f"/items/{item.pk}/do/send_reply/", data)
            assert r.status_code == status, (user.username, data)
            assert '<article class="letter"' not in text(r)
    assert last_reply(item).state == Reply.State.APPROVED and not DocumentNumber.objects.exists()


def test_the_api_still_sends_when_asked(world, lead_liaison):
    item, a, _ = _approved(world)
    api = APIClient()
    api.force_authenticate(lead_liaison)
    r = api.post(f"/api/items/{item.pk}/actions/send_reply/", {"assignment": a.pk}, format="json")
    assert r.status_code == 200 and last_reply(item).state == Reply.State.SENT


# -- each error once ----------------------------------------------------------------------------------

def test_a_return_without_a_comment_says_so_once_beside_the_comment(world, lead_head):
    item, a = _submitted(world, "A")
    with unchanged():
        r = login(lead_head).post(f"/items/{item.pk}/do/return_reply/", {"assignment": a.pk, "comment": ""})
    assert r.status_code == 400
    block = form_block(r, f"do-approve_reply-{a.pk}")
    assert is_open(block)
    errors = field_errors(block)
    assert list(errors) == ["comment"] and len(errors["comment"]) == 1
    assert text(r).count(errors["comment"][0]) == 1
    # One summary at the top, a link to the form; the form itself has no second alert.
    assert alerts(r) == ["请检查填写的内容。"]
    assert f'<p class="alert" role="alert"><a href="#do-approve_reply-{a.pk}">请检查填写的内容。</a></p>' in text(r)
    assert 'class="alert"' not in block


def test_a_rating_without_a_grade_says_so_once(world, member):
    item = make_item(world, "replied", reply_type="A")
    with unchanged():
        r = login(member).post(f"/items/{item.pk}/do/give_feedback/", {"reply_id": last_reply(item).pk, "agrees": "true"})
    assert r.status_code == 400
    errors = field_errors(form_block(r, "do-give_feedback"))
    assert list(errors) == ["grade"] and text(r).count(errors["grade"][0]) == 1
    assert alerts(r) == ["请检查填写的内容。"] and '<a href="#do-give_feedback">' in text(r)


def test_a_refusal_is_said_once_at_the_top(world, lead_head):
    item, a = _submitted(world, "A")
    A.approve_reply(lead_head, item.pk, assignment=a.pk)
    with unchanged():
        r = login(lead_head).post(f"/items/{item.pk}/do/return_reply/", {"assignment": a.pk, "comment": "再改改"})
    assert r.status_code == 409
    assert alerts(r) == ["没有处于此环节的答复。"] and text(r).count("没有处于此环节的答复。") == 1


def test_a_message_without_text_says_so_beside_the_box_and_links_to_it(world, member):
    item = make_item(world, "handling")
    r = login(member).post(f"/items/{item.pk}/do/post_message/", {"body": ""})
    assert r.status_code == 400
    assert alerts(r) == ["请检查填写的内容。"] and '<a href="#messages">' in text(r)


# -- the approval record ------------------------------------------------------------------------------

@pytest.mark.parametrize("decision,comment,shown", [
    ("approved", "", "同意"),
    ("approved", "同意。", "同意"),
    ("approved", " 同意 ", "同意"),
    ("approved", "同意发出。", "同意发出。"),
    ("approved", "阅。请做好解释工作。", "同意：阅。请做好解释工作。"),
    ("returned", "退回修改。", "退回修改"),
    ("returned", "请补充资金来源。", "退回修改：请补充资金来源。"),
])
def test_the_approval_comment_is_shown_when_it_adds_something(decision, comment, shown):
    assert approval_text(ReplyApproval(level="unit", decision=decision, comment=comment)) == shown


def test_the_replies_section_says_the_decision_once(world, gov_office):
    item = make_item(world, "replied", reply_type="C")  # the district leader approved with "同意。"
    section = re.search(r'<section class="card" id="replies".*?</section>', text(login(gov_office).get(f"/items/{item.pk}/")), re.S).group(0)
    shown = _plain(section)
    leader = world.lead_unit.supervising_leader
    assert f"分管区领导 {leader.get_full_name()}：同意" in shown
    assert f"单位主要领导 {world.lead_head.get_full_name()}：同意" in shown
    assert "同意 同意" not in shown and "同意：同意" not in shown


# -- the breadcrumb -----------------------------------------------------------------------------------

def _crumbs(response) -> str:
    return _plain(re.search(r'<p class="crumbs">(.*?)</p>', text(response), re.S).group(1))


def test_the_breadcrumb_of_an_item_without_a_number_ends_with_its_session(world, cppcc_office):
    item = make_item(world, "submitted")
    assert _crumbs(login(cppcc_office).get(f"/items/{item.pk}/")) == f"提案 · {item.session.name}"
    A.register(cppcc_office, item.pk)
    assert _crumbs(login(cppcc_office).get(f"/items/{item.pk}/")) == f"提案 · {item.session.name} · 第{fresh(item).number:04d}号"


def test_the_panel_renders_on_the_english_page(world, district_leader):
    item, a = _with_the_district_leader(world)
    c = login(district_leader)
    c.cookies["django_language"] = "en"
    r = c.get(f"/items/{item.pk}/")
    assert r.status_code == 200 and '<html lang="en">' in text(r)
    block = form_block(r, f"do-leader_approve_reply-{a.pk}")
    assert is_open(block) and "首批选取三个小区" in _plain(_form(block))


def test_the_english_page_names_grades_and_reply_types_in_english(world, member):
    """Reply types and grades are entered with an English name (name_en): interface, not data."""
    item = make_item(world, "replied", reply_type="A")
    c = login(member)
    c.cookies["django_language"] = "en"
    r = c.post(f"/items/{item.pk}/do/give_feedback/", {"reply_id": last_reply(item).pk, "grade": "poor", "agrees": "false",
                                                       "comment": "没有解决。"}, follow=True)
    poor = world.ref.grades["poor"]
    assert poor.name_en and f"Rated: {poor.name_en}" in text(r) and f"：{poor.name}，" not in text(r)
