"""The confirmation after a step taken on a page (issue 14): it says what happened and what
happens next (whose step, by when), and offers the next item of the queue the step came from.

Every action of the transition table is posted on the item page as the persona who takes it; the
flash on the page it lands on must name the step (已完成：…), what it did, and the next step with
the date the deadline rows hold (read from banli.deadlines, as the confirmation reads them)."""

import datetime
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from banli.deadlines.models import Deadline
from banli.deadlines.sync import sync_item
from banli.proposals import actions as A
from banli.proposals.models import Reply
from banli.proposals.workflow import TABLE
from banli.web.next_step import QUEUES, SAID, said
from tests.builders import (
    co_assignment, consult, fresh, last_reply, lead_assignment, make_item, new_draft, reply_at, reply_fields, today,
)
from tests.web.pages import login

pytestmark = pytest.mark.django_db


def flash(response) -> tuple[str, list[tuple[str, str]]]:
    """The flash as the user reads it (tags dropped), and its links (href, text)."""
    block = re.search(r'<div class="flash" role="status">(.*?)</div>', response.content.decode(), re.S)
    assert block, "no confirmation on the page"
    html = block.group(1)
    links = [(unescape(h), unescape(re.sub(r"<[^>]+>", "", t))) for h, t in re.findall(r'<a class="next-item" href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))), links


def due(item, kind, assignment=None) -> str:
    qs = Deadline.objects.filter(item=item, kind=kind, state__in=["open", "late"])
    if assignment is not None:
        qs = qs.filter(assignment=assignment)
    return min(qs.values_list("due_on", flat=True)).isoformat()


# -- items at the step each action needs -------------------------------------------------------------

def _invited(w):
    item = new_draft(w)
    A.invite_cosigners(w.member, item.pk, person_ids=[w.cosigner_person.pk])
    return item


def _consulted(w, co=False):
    item = make_item(w, "handling", co=co)
    consult(w, item)
    return item


def _drafted(w, code="A"):
    return reply_at(w, "drafted", code)


def _pending_unit(w, code="A"):
    return reply_at(w, "pending_unit", code)


def _pending_leader(w):
    return reply_at(w, "pending_leader", "C")


def _approved(w):
    return reply_at(w, "approved", "A")


def _withdrawal_requested(w):
    item = make_item(w, "registered")
    A.request_withdrawal(w.member, item.pk, reason="已解决")
    return item


def _adjusting(w):
    item = make_item(w, "assigned", co=False)
    A.request_adjustment(w.lead_liaison, item.pk, assignment=lead_assignment(item).pk, reason="属街道职责", suggested_unit_id=w.spare_unit.pk)
    return item


def _extension_requested(w):
    item = make_item(w, "handling", co=False)
    a = lead_assignment(item)
    A.request_extension(w.lead_liaison, item.pk, assignment=a.pk, requested_due=a.reply_due + datetime.timedelta(days=20), reason="需调研")
    return item


def _closure_pending(w):
    item = make_item(w, "evaluated", co=False)
    A.file_closure_report(w.lead_liaison, item.pk, assignment=lead_assignment(item).pk, text="完成", done_on=today())
    return item


def _lapsed(w):
    item = make_item(w, "replied", co=False)
    Reply.objects.filter(item=item).update(sent_at=datetime.datetime(2020, 1, 2, tzinfo=datetime.timezone.utc))
    sync_item(item.pk)
    return item


def _published(w):
    item = make_item(w, "closed", co=False, consent_publish=True)
    A.decide_publication(w.gov_office, item.pk, publish=True)
    return item


def _key(w):
    item = make_item(w, "handling", co=False)
    A.mark_key(w.gov_office, item.pk, leader_id=w.district_leader.pk)
    return item


def _lead(item, **kw):
    return {"assignment": lead_assignment(item).pk, **kw}


def _co(item, **kw):
    return {"assignment": co_assignment(item).pk, **kw}


def _reply_form(code="A"):
    return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in reply_fields(code).items()}


# action: (persona, item builder, form data, expected phrases once done). The phrases are
# functions of the item after the step, so that dates come from its deadline rows.
CASES = {
    "invite_cosigners": ("member", new_draft, lambda w, i: {"person_ids": [w.cosigner_person.pk]},
                         lambda w, i: ["已发出联名邀请。", "下一步：联名人在 3 个工作日内确认", f"截至 {due(i, 'cosign')}"]),
    "respond_cosign": ("cosigner", _invited, lambda w, i: {"confirm": "true"}, lambda w, i: ["已确认联名。", "下一步：王委员提交"]),
    "submit": ("member", new_draft, lambda w, i: {},
               lambda w, i: ["已提交。", "下一步：区政协提案委在 10 个工作日内立案审查", f"截至 {due(i, 'register')}"]),
    "withdraw": ("member", lambda w: make_item(w, "submitted"), lambda w, i: {"reason": "不再需要"}, lambda w, i: ["已撤回。", "此件办理结束。"]),
    "set_publication_consent": ("member", lambda w: make_item(w, "submitted"), lambda w, i: {"consent": "false"},
                                lambda w, i: ["已设置为不同意公开。", "答复后由区府办决定是否公开"]),
    "register": ("cppcc_office", lambda w: make_item(w, "submitted"), lambda w, i: {},
                 lambda w, i: [f"已立案，编号第{fresh(i).number:04d}号。", "下一步：区府办交办承办单位"]),
    "return_for_revision": ("cppcc_office", lambda w: make_item(w, "submitted"), lambda w, i: {"reason": "请补充数据"},
                            lambda w, i: ["已退回王委员修改", "下一步：王委员修改后重新提交"]),
    "reject": ("cppcc_office", lambda w: make_item(w, "submitted"), lambda w, i: {"reason": "不属于提案范围"},
               lambda w, i: ["已不予立案，理由已告知王委员。", "此件办理结束。"]),
    "merge": ("cppcc_office", lambda w: make_item(w, "submitted"), lambda w, i: {"into_id": make_item(w, "registered").pk},
              lambda w, i: [f"已并入第{fresh(i).merged_into.number:04d}号。", "王委员会收到所并入件的答复"]),
    "convert": ("cppcc_office", lambda w: make_item(w, "submitted"), lambda w, i: {"to": "社情民意"}, lambda w, i: ["已转为社情民意。", "此件办理结束。"]),
    "request_withdrawal": ("member", lambda w: make_item(w, "registered"), lambda w, i: {"reason": "问题已解决"},
                           lambda w, i: ["已申请撤回。", "下一步：区政协提案委审核撤回申请"]),
    "decide_withdrawal": ("cppcc_office", _withdrawal_requested, lambda w, i: {"approve": "false", "note": "继续办理"},
                          lambda w, i: ["已不同意撤回，此件继续办理。", "下一步：区府办交办承办单位"]),
    "assign": ("gov_office", lambda w: make_item(w, "registered"), lambda w, i: {"lead": w.lead_unit.pk, "co": [w.co_unit.pk]},
               lambda w, i: ["已交办给区建委（主办）、区交通委（会办）。", "下一步：各单位在 5 个工作日内签收", f"截至 {due(i, 'sign')}"]),
    "reassign": ("gov_office", lambda w: make_item(w, "assigned", co=False),
                 lambda w, i: {"remove": [lead_assignment(i).pk], "lead": w.spare_unit.pk, "reason": "职责调整"},
                 lambda w, i: ["已调整交办，现由城东街道（主办）办理。", "下一步：城东街道在 5 个工作日内签收", f"截至 {due(i, 'sign')}"]),
    "sign": ("lead_liaison", lambda w: make_item(w, "assigned", co=False), lambda w, i: _lead(i),
             lambda w, i: ["区建委已签收。", f"下一步：区建委与王委员当面沟通（办前面商），答复期限 {due(i, 'reply')}", f"截至 {due(i, 'consult')}"]),
    "request_adjustment": ("lead_liaison", lambda w: make_item(w, "assigned", co=False),
                           lambda w, i: _lead(i, reason="属街道职责", suggested_unit_id=w.spare_unit.pk),
                           lambda w, i: ["区建委已申请调整。", "下一步：区府办决定是否调整", f"截至 {due(i, 'adjust_decision')}"]),
    "decide_adjustment": ("gov_office", _adjusting, lambda w, i: _lead(i, approve="true", new_unit_id=w.spare_unit.pk),
                          lambda w, i: ["已同意调整：区建委撤出，改由城东街道办理。", "下一步：城东街道在 5 个工作日内签收", f"截至 {due(i, 'sign')}"]),
    "record_consultation": ("lead_liaison", lambda w: make_item(w, "handling", co=False),
                            lambda w, i: _lead(i, kind="before", form="visit", held_on=today().isoformat(), participants="王委员、建委联络员"),
                            lambda w, i: [f"已记录办前面商（登门拜访，{today().isoformat()}）。", f"下一步：区建委拟写答复，答复期限 {due(i, 'reply')}"]),
    "send_co_opinion": ("co_liaison", lambda w: make_item(w, "handling"), lambda w, i: _co(i, text="同意主办单位意见"),
                        lambda w, i: ["区交通委的会办意见已提交主办单位。", "下一步：区建委与王委员当面沟通（办前面商）"]),
    "grade_co_unit": ("lead_liaison", lambda w: make_item(w, "replied"), lambda w, i: _co(i, grade="fair", comment="配合积极"),
                      lambda w, i: ["已评价会办单位区交通委。"]),
    "waive_co_opinion": ("gov_office", lambda w: make_item(w, "handling"), lambda w, i: _co(i, reason="单位撤并"),
                         lambda w, i: ["已豁免区交通委的会办意见。", "下一步：区建委与王委员当面沟通"]),
    "draft_reply": ("lead_liaison", _consulted, lambda w, i: _lead(i, **_reply_form("A")),
                    lambda w, i: ["答复草稿已保存。", "下一步：区建委联络员提交单位领导审核", f"截至 {due(i, 'reply')}"]),
    "convert_reply_type": ("lead_liaison", lambda w: make_item(w, "closed", reply_type="C", co=False), lambda w, i: _lead(i, **_reply_form("A")),
                           lambda w, i: ["类型转换的答复草稿已保存。", "下一步：区建委联络员提交单位领导审核"]),
    "submit_reply": ("lead_liaison", _drafted, lambda w, i: _lead(i),
                     lambda w, i: ["区建委的答复已提交审核。", "下一步：单位领导（建委主任）审核答复"]),
    "approve_reply": ("lead_head", lambda w: _pending_unit(w, "C"), lambda w, i: _lead(i),
                      lambda w, i: ["已审核同意区建委的答复。", "下一步：分管区领导（孙副区长）阅批答复"]),
    "return_reply": ("lead_head", _pending_unit, lambda w, i: _lead(i, comment="请补充资金来源"),
                     lambda w, i: ["已将区建委的答复退回修改。", "下一步：区建委联络员按退回意见修改后重新提交审核"]),
    "leader_approve_reply": ("district_leader", _pending_leader, lambda w, i: _lead(i),
                             lambda w, i: ["已阅批同意区建委的答复。", "下一步：区建委联络员发出答复"]),
    "leader_return_reply": ("district_leader", _pending_leader, lambda w, i: _lead(i, comment="理由不充分"),
                            lambda w, i: ["已将区建委的答复退回修改。", "下一步：区建委联络员按退回意见修改后重新提交审核"]),
    "send_reply": ("lead_liaison", _approved, lambda w, i: _lead(i, confirmed="1"),
                   lambda w, i: ["区建委的答复（解决或采纳）已发给王委员。", "下一步：王委员在 15 个工作日内评价答复", f"截至 {due(i, 'feedback')}"]),
    "request_extension": ("lead_liaison", lambda w: make_item(w, "handling", co=False),
                          lambda w, i: _lead(i, requested_due=(lead_assignment(i).reply_due + datetime.timedelta(days=30)).isoformat(), reason="需调研"),
                          lambda w, i: [f"已申请将答复期限延至 {(lead_assignment(i).reply_due + datetime.timedelta(days=30)).isoformat()}。",
                                        "下一步：区府办审批延期申请"]),
    "decide_extension": ("gov_office", _extension_requested, lambda w, i: _lead(i, approve="true"),
                         lambda w, i: [f"已批准延期：区建委的答复期限延至 {lead_assignment(i).reply_due.isoformat()}。",
                                       f"下一步：区建委与王委员当面沟通（办前面商），答复期限 {lead_assignment(i).reply_due.isoformat()}"]),
    "give_feedback": ("member", lambda w: make_item(w, "replied", co=False),
                      lambda w, i: {"reply_id": last_reply(i).pk, "grade": "poor", "agrees": "false", "comment": "未回应核心诉求"},
                      lambda w, i: ["已评价：差，不同意答复。", f"下一步：区建委重新办理，由区府办督促，答复期限 {due(i, 'second_reply')}"]),
    "record_no_feedback": ("gov_office", _lapsed, lambda w, i: {"reply_id": last_reply(i).pk},
                           lambda w, i: ["已登记王委员逾期未反馈（不作评价）。"]),
    "record_mediation": ("gov_office", lambda w: make_item(w, "rehandling", co=False),
                         lambda w, i: {"held_on": today().isoformat(), "participants": "提案委、区府办", "outcome": "达成一致"},
                         lambda w, i: ["协调会已记录。", f"下一步：区建委重新办理，再次联系王委员后重新答复，答复期限 {due(i, 'second_reply')}"]),
    "report_progress": ("lead_liaison", lambda w: make_item(w, "evaluated", co=False), lambda w, i: _lead(i, text="推进中"),
                        lambda w, i: ["区建委的办理进展已报送。", "下一步：区建委下次报送办理进展", f"截至 {due(i, 'progress')}"]),
    "file_closure_report": ("lead_liaison", lambda w: make_item(w, "evaluated", co=False),
                            lambda w, i: _lead(i, text="已完成试点", done_on=today().isoformat()),
                            lambda w, i: ["区建委的办结报告已报送。", "下一步：单位领导（建委主任）审核办结报告"]),
    "approve_closure_report": ("lead_head", _closure_pending, lambda w, i: _lead(i),
                               lambda w, i: ["已审核同意区建委的办结报告，区建委已办结。", "此件已办结。"]),
    "return_closure_report": ("lead_head", _closure_pending, lambda w, i: _lead(i, comment="补充材料"),
                              lambda w, i: ["已退回区建委的办结报告。", "下一步：区建委联络员修改后重新报送"]),
    "reopen": ("gov_office", lambda w: make_item(w, "closed", co=False), lambda w, i: {"reason": "委员再次反映"},
               lambda w, i: ["已重新打开，理由已记录。"]),
    "decide_publication": ("gov_office", lambda w: make_item(w, "closed", co=False, consent_publish=True), lambda w, i: {"publish": "true"},
                           lambda w, i: ["已决定公开区建委的答复，门户网站即时可见。"]),
    "revoke_publication": ("gov_office", _published, lambda w, i: {"reason": "涉及个人信息"},
                           lambda w, i: ["已撤销公开区建委的答复，门户网站不再显示。"]),
    "mark_key": ("gov_office", lambda w: make_item(w, "handling", co=False), lambda w, i: {"leader_id": w.district_leader.pk},
                 lambda w, i: ["已设为重点，由孙副区长牵头督办。", "下一步：区建委与王委员当面沟通"]),
    "unmark_key": ("gov_office", _key, lambda w, i: {"reason": "调整"}, lambda w, i: ["已取消重点。"]),
    "give_instruction": ("district_leader", _key, lambda w, i: {"text": "抓紧办理"},
                         lambda w, i: ["批示已记录，承办单位会收到通知。", "下一步：区建委与王委员当面沟通"]),
    "urge": ("gov_office", lambda w: make_item(w, "handling", co=False), lambda w, i: _lead(i, text="请抓紧"),
             lambda w, i: ["已催办区建委，催办记录计入考核。", "下一步：区建委与王委员当面沟通"]),
    "post_message": ("member", lambda w: make_item(w, "handling", co=False), lambda w, i: {"body": "请问进展？", "to_unit_id": w.lead_unit.pk},
                     lambda w, i: ["留言已发送。", "下一步：区建委在 3 个工作日内回复", f"截至 {due(i, 'message')}"]),
    "add_attachment": ("member", lambda w: make_item(w, "handling", co=False),
                       lambda w, i: {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 test", "application/pdf")}, lambda w, i: ["附件已上传。"]),
}


def test_every_action_of_the_table_has_its_confirmation():
    assert set(SAID) == set(TABLE)
    assert set(QUEUES) <= set(TABLE)
    # Every action the pages post is tried below; edit_draft has a door of its own (the draft form).
    assert set(CASES) | {"edit_draft"} == set(TABLE)


@pytest.mark.parametrize("action", sorted(CASES))
def test_the_confirmation_says_what_happened_and_what_happens_next(world, action):
    persona, build, form, expected = CASES[action]
    item = build(world)
    c = login(getattr(world, persona))
    r = c.post(f"/items/{item.pk}/do/{action}/", form(world, item))
    assert r.status_code == 302, f"{action}: answered {r.status_code}: {r.content.decode()[:400]}"
    text, _ = flash(c.get(r["Location"]))
    label = TABLE[action].zh
    for phrase in [f"已完成：{label}", *expected(world, item)]:
        assert phrase in text, f"{action}: {phrase!r} not in the confirmation {text!r}"


def test_the_draft_form_has_its_words_too(world, member):
    item = new_draft(world)
    assert said(member, "edit_draft", item.pk, {}).next == "下一步：王委员提交（提交前可邀请联名）"


def test_a_rating_that_sends_the_item_back_names_the_unit_and_its_new_date(world, member):
    """After 不同意, the unit re-handles: the confirmation names the unit, the office that urges
    it and the second reply's due date, as the deadline row holds it (one month, by default)."""
    item = make_item(world, "replied", co=False)
    c = login(member)
    r = c.post(f"/items/{item.pk}/do/give_feedback/", {"reply_id": last_reply(item).pk, "grade": "fair", "agrees": "false", "comment": "不同意"})
    text, _ = flash(c.get(r["Location"]))
    row = Deadline.objects.get(item=item, kind="second_reply")
    assert row.assignment_id == lead_assignment(item).pk and row.state == "open"
    assert f"已评价：较好，不同意答复。 下一步：区建委重新办理，由区府办督促，答复期限 {row.due_on.isoformat()}" in text


def test_an_agreed_rating_says_what_the_unit_does_next(world, member):
    item = make_item(world, "replied", co=False, reply_type="A")
    c = login(member)
    r = c.post(f"/items/{item.pk}/do/give_feedback/", {"reply_id": last_reply(item).pk, "grade": "good", "agrees": "true"})
    text, _ = flash(c.get(r["Location"]))
    assert "已评价：好，同意答复。" in text
    assert f"下一步：区建委落实答复事项，按期报送办理进展，完成后报送办结报告（截至 {due(item, 'progress')}）" in text


def test_the_confirmation_offers_the_next_item_of_the_queue(world, gov_office):
    first, second, third = (make_item(world, "registered", title=f"关于第{n}件事的建议") for n in (1, 2, 3))
    c = login(gov_office)
    r = c.post(f"/items/{third.pk}/do/assign/", {"lead": world.lead_unit.pk})
    text, links = flash(c.get(r["Location"]))
    # 待交办 lists the newest first: after the third, the second.
    assert links == [(f"/items/{second.pk}/#do-assign", f"下一件待交办：第{second.number:04d}号 关于第2件事的建议")]
    r = c.post(f"/items/{second.pk}/do/assign/", {"lead": world.lead_unit.pk})
    assert flash(c.get(r["Location"]))[1] == [(f"/items/{first.pk}/#do-assign", f"下一件待交办：第{first.number:04d}号 关于第1件事的建议")]
    r = c.post(f"/items/{first.pk}/do/assign/", {"lead": world.lead_unit.pk})
    text, links = flash(c.get(r["Location"]))
    assert links == [] and "已完成：交办" in text  # the queue is empty: nothing offered


def test_the_liaison_is_offered_the_next_reply_to_send(world, lead_liaison):
    """From 待发出: the next approved reply, opened at its send form."""
    one, two = _approved(world), _approved(world)
    c = login(lead_liaison)
    r = c.post(f"/items/{one.pk}/do/send_reply/", _lead(one, confirmed="1"))
    text, links = flash(c.get(r["Location"]))
    assert links == [(f"/items/{two.pk}/#do-send_reply-{lead_assignment(two).pk}", f"下一件待发出：第{two.number:04d}号 {two.title}")]


def test_a_step_that_takes_the_item_out_of_sight_still_says_what_happened(world, cppcc_office):
    """Returned for revision, the item leaves the office's sight: the to-do page shows the confirmation."""
    item, other = make_item(world, "submitted"), make_item(world, "submitted")
    c = login(cppcc_office)
    r = c.post(f"/items/{item.pk}/do/return_for_revision/", {"reason": "请补充调研数据。"})
    assert r["Location"] == "/"
    text, links = flash(c.get("/"))
    assert "已完成：退回修改" in text and "下一步：王委员修改后重新提交" in text
    assert links == [(f"/items/{other.pk}/#actions", f"下一件待立案审查：{other.title}")]
