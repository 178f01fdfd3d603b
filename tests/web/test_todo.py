"""The to-do page (GET /): for each role, what waits on the person is listed in its section
(data-section="<key>"), with the count, and each entry links to the place on the item page
where the step is done. Following the link as that person finds that form there."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model

from banli.deadlines.models import Deadline
from banli.deadlines.scan import run_scan
from banli.deadlines.sync import sync_question
from banli.org.models import UnitLiaison
from banli.proposals import actions as A
from tests.builders import PASSWORD, co_assignment, consult, lead_assignment, make_item, new_draft, reply_fields, today
from tests.web.pages import assert_lands, login, todo_section, todo_sections

pytestmark = pytest.mark.django_db


def waiting(response) -> int | None:
    m = re.search(r"共 (\d+) 件事项等待您处理", response.content.decode())
    return int(m.group(1)) if m else None


# -- anonymous and role-less ----------------------------------------------------------------------

def test_anonymous_is_sent_to_the_login_page(client):
    r = client.get("/")
    assert r.status_code == 302 and r["Location"] == "/login/?next=/"


def test_a_user_without_any_role_is_told_so(world, client):
    nobody = get_user_model().objects.create_user("nobody", password=PASSWORD)
    client.force_login(nobody)
    r = client.get("/")
    assert r.status_code == 200
    assert "您的账号尚未分配角色，请联系区府办。" in r.content.decode()
    assert todo_sections(r) == {}
    assert "目前没有等待您处理的事项。" in r.content.decode()


# -- proposer -------------------------------------------------------------------------------------

def test_proposer_sees_own_drafts(world, member, other_member):
    item = new_draft(world)
    c = login(member)
    page = c.get("/")
    s = todo_section(page, "drafts")
    assert (s.title, s.count, s.links) == ("草稿（未提交）", 1, [f"/items/{item.pk}/"])
    assert assert_lands(c, s.links[0]).content.decode().count(item.title) >= 1
    assert todo_section(login(other_member).get("/"), "drafts").count == 0


def test_invited_cosigner_sees_the_invitation_until_answering(world, member, cosigner):
    item = new_draft(world)
    A.invite_cosigners(member, item.pk, person_ids=[world.cosigner_person.pk])
    c = login(cosigner)
    s = todo_section(c.get("/"), "cosign")
    assert (s.count, s.links) == (1, [f"/items/{item.pk}/#do-respond_cosign"])
    assert_lands(c, s.links[0])
    A.respond_cosign(cosigner, item.pk, confirm=True)
    assert todo_section(c.get("/"), "cosign").count == 0


def test_proposer_sees_replies_to_rate(world, member):
    item = make_item(world, "replied", co=False)
    c = login(member)
    s = todo_section(c.get("/"), "to_rate")
    assert (s.title, s.count, s.links) == ("待评价的答复", 1, [f"/items/{item.pk}/#do-give_feedback"])


def test_the_rating_link_lands_on_the_rating_form(world, member):
    item = make_item(world, "replied", co=False)
    c = login(member)
    s = todo_section(c.get("/"), "to_rate")
    assert_lands(c, s.links[0])


def test_proposer_sees_unread_messages_per_item(world, member, lead_liaison):
    item = make_item(world, "handling")
    A.post_message(lead_liaison, item.pk, body="王委员您好，想约您下周面商。")
    A.post_message(lead_liaison, item.pk, body="周二下午是否方便？")
    c = login(member)
    s = todo_section(c.get("/"), "unread")
    assert (s.count, s.links) == (1, [f"/items/{item.pk}/#messages"])
    assert "2" in s.html  # two unread messages on that item
    assert_lands(c, s.links[0])
    # Reading the item page is reading the messages.
    assert todo_section(c.get("/"), "unread").count == 0


def test_proposer_sees_new_answers_to_questions(world, member, lead_liaison):
    q = A.ask_question(member, subject="加装电梯补贴标准", body="请问补贴标准是多少？", to_unit_id=world.lead_unit.pk)
    c = login(member)
    assert todo_section(c.get("/"), "answers").count == 0
    A.answer_question(lead_liaison, q.pk, answer="每台补贴20万元。")
    s = todo_section(c.get("/"), "answers")
    assert (s.count, s.links) == (1, [f"/questions/#q{q.pk}"])
    assert "加装电梯补贴标准" in s.html
    assert_lands(c, s.links[0])
    assert todo_section(c.get("/"), "answers").count == 0


# -- assembly office ------------------------------------------------------------------------------

def test_assembly_office_sees_items_to_review_of_its_own_assembly(world, cppcc_office, npc_office):
    item = make_item(world, "submitted")
    c = login(cppcc_office)
    s = todo_section(c.get("/"), "review")
    assert (s.title, s.count, s.links) == ("待立案审查", 1, [f"/items/{item.pk}/#actions"])
    page = assert_lands(c, s.links[0])
    assert 'id="do-register"' in page.content.decode()
    assert todo_section(login(npc_office).get("/"), "review").count == 0


def test_assembly_office_sees_withdrawal_requests(world, cppcc_office, member):
    item = make_item(world, "registered")
    A.request_withdrawal(member, item.pk, reason="情况已变化。")
    c = login(cppcc_office)
    s = todo_section(c.get("/"), "withdrawals")
    assert (s.count, s.links) == (1, [f"/items/{item.pk}/#do-decide_withdrawal"])
    assert_lands(c, s.links[0])


# -- government office ----------------------------------------------------------------------------

def test_gov_office_sees_what_it_must_decide(world, gov_office, lead_liaison, member):
    registered = make_item(world, "registered")
    adjusting = make_item(world, "assigned", co=False)
    a_adj = lead_assignment(adjusting)
    A.request_adjustment(lead_liaison, adjusting.pk, assignment=a_adj.pk, reason="不属于本单位职责。", suggested_unit_id=world.spare_unit.pk)
    extending = make_item(world, "handling", co=False)
    a_ext = lead_assignment(extending)
    A.request_extension(lead_liaison, extending.pk, assignment=a_ext.pk, requested_due=a_ext.reply_due + datetime.timedelta(days=30), reason="需跨年度预算。")
    replied = make_item(world, "replied", co=False)
    q = A.ask_question(member, subject="办理进度如何查询", body="在哪里看进度？")

    c = login(gov_office)
    page = c.get("/")
    expected = {
        "to_assign": [f"/items/{registered.pk}/#do-assign"],
        "adjustments": [f"/items/{adjusting.pk}/#do-decide_adjustment-{a_adj.pk}"],
        "extensions": [f"/items/{extending.pk}/#do-decide_extension-{a_ext.pk}"],
        "publication": [f"/items/{replied.pk}/#do-decide_publication-{lead_assignment(replied).pk}"],
        "questions": [f"/questions/#q{q.pk}"],
    }
    sections = todo_sections(page)
    for key, links in expected.items():
        assert (key, sections[key].count, sections[key].links) == (key, 1, links)
        assert_lands(c, links[0])
    assert "区住房和城乡建设委员会" in sections["adjustments"].html
    assert sections["late"].count == 0
    assert waiting(page) == sum(s.count for s in sections.values())


def test_gov_office_and_units_see_late_milestones_first(world, gov_office, lead_liaison):
    late = make_item(world, "assigned", co=False)
    fresh_one = make_item(world, "assigned", co=False)
    # Twenty days on (five working days even across a week of holidays) the first item's signing window
    # has passed: the daily scan marks it late.
    run_scan(today() + datetime.timedelta(days=20))
    A.sign(lead_liaison, fresh_one.pk, assignment=lead_assignment(fresh_one).pk)  # syncs with today: nothing late
    late_rows = Deadline.objects.filter(state=Deadline.State.LATE, item__isnull=False)
    assert {d.item_id for d in late_rows} == {late.pk}

    s = todo_section(login(gov_office).get("/"), "late")
    assert s.count == late_rows.count()
    assert set(s.links) == {f"/items/{late.pk}/#deadlines"} and all(s.late)
    assert "签收" in s.html and "区住房和城乡建设委员会" in s.html
    assert_lands(login(gov_office), s.links[0])

    # The liaison's sign section has the late item, marked late and listed first.
    sign = todo_section(login(lead_liaison).get("/"), "unit_sign")
    assert sign.links == [f"/items/{late.pk}/#do-sign-{lead_assignment(late).pk}"] and sign.late == [True]


def test_many_entries_show_the_first_eight_and_the_total(world, gov_office):
    items = [make_item(world, "registered") for _ in range(9)]
    s = todo_section(login(gov_office).get("/"), "to_assign")
    assert s.count == 9 and len(s.links) == 8
    assert s.links == [f"/items/{i.pk}/#do-assign" for i in reversed(items)][:8]  # newest first
    assert s.more == "/items/?state=registered"
    assert "查看全部 9 件" in s.html


# -- unit liaison ---------------------------------------------------------------------------------

def test_liaisons_see_items_to_sign_for_their_own_unit_only(world, lead_liaison, co_liaison, outsider_liaison):
    item = make_item(world, "assigned")
    lead, co = lead_assignment(item), co_assignment(item)
    for user, a in ((lead_liaison, lead), (co_liaison, co)):
        c = login(user)
        s = todo_section(c.get("/"), "unit_sign")
        assert (s.title, s.count, s.links) == ("待签收", 1, [f"/items/{item.pk}/#do-sign-{a.pk}"])
        assert_lands(c, s.links[0])
    out = todo_sections(login(outsider_liaison).get("/"))
    assert list(out) == ["unit_clear"] and out["unit_clear"].count == 0


def test_liaisons_see_consultation_co_opinion_and_reply_once_signed(world, lead_liaison, co_liaison):
    item = make_item(world, "handling")
    lead, co = lead_assignment(item), co_assignment(item)
    c = login(lead_liaison)
    sections = todo_sections(c.get("/"))
    assert "unit_sign" not in sections
    # One section per assignment (issue 14): the meeting comes first (rule 5), the reply after it.
    assert sections["unit_consult"].links == [f"/items/{item.pk}/#do-record_consultation-{lead.pk}"]
    assert sections["unit_consult"].count == 1 and "unit_reply" not in sections
    assert "下一步：联络员与委员当面沟通（办前面商）" in sections["unit_consult"].html
    assert_lands(c, sections["unit_consult"].links[0])
    c2 = login(co_liaison)
    s = todo_section(c2.get("/"), "unit_co_opinion")
    assert (s.count, s.links) == (1, [f"/items/{item.pk}/#do-send_co_opinion-{co.pk}"])
    assert_lands(c2, s.links[0])
    # Meeting the proposer meets the milestone: the item moves on to the reply.
    consult(world, item)
    sections = todo_sections(c.get("/"))
    assert "unit_consult" not in sections
    assert (sections["unit_reply"].count, sections["unit_reply"].links) == (1, [f"/items/{item.pk}/#do-draft_reply-{lead.pk}"])
    assert "下一步：联络员拟写答复" in sections["unit_reply"].html
    assert_lands(c, sections["unit_reply"].links[0])


def test_liaison_sees_progress_due_after_a_type_a_reply(world, lead_liaison):
    item = make_item(world, "replied", co=False, reply_type="A")
    a = lead_assignment(item)
    c = login(lead_liaison)
    s = todo_section(c.get("/"), "unit_progress")
    assert (s.count, s.links) == (1, [f"/items/{item.pk}/#do-report_progress-{a.pk}"])
    assert_lands(c, s.links[0])


def test_liaison_sees_messages_to_answer(world, member, lead_liaison, co_liaison):
    item = make_item(world, "handling")
    A.post_message(member, item.pk, body="请问何时能来现场看看？", to_unit_id=world.lead_unit.pk)
    c = login(lead_liaison)
    s = todo_section(c.get("/"), "unit_message")
    assert (s.title, s.count, s.links) == ("待回复留言", 1, [f"/items/{item.pk}/#messages"])
    assert_lands(c, s.links[0])
    assert "unit_message" not in todo_sections(login(co_liaison).get("/"))
    # Answering the message meets the milestone.
    A.post_message(lead_liaison, item.pk, body="下周二上午到现场。")
    assert "unit_message" not in todo_sections(c.get("/"))


def test_liaison_sees_questions_to_answer(world, member, lead_liaison):
    q = A.ask_question(member, subject="老旧小区改造名单", body="今年的名单何时公布？", to_unit_id=world.lead_unit.pk)
    s = todo_section(login(lead_liaison).get("/"), "unit_questions")
    assert (s.count, s.links) == (1, [f"/questions/#q{q.pk}"])


# -- unit head ------------------------------------------------------------------------------------

def test_unit_head_sees_replies_and_closure_reports_to_approve(world, lead_head, co_head):
    pending = make_item(world, "handling", co=False)
    a = lead_assignment(pending)
    consult(world, pending)
    A.draft_reply(world.lead_liaison, pending.pk, assignment=a.pk, body="答复如下……", reply_type="A", signatory="张主任", contact_person="李科长")
    A.submit_reply(world.lead_liaison, pending.pk, assignment=a.pk)
    evaluated = make_item(world, "evaluated", co=False, reply_type="A")
    b = lead_assignment(evaluated)
    A.file_closure_report(world.lead_liaison, evaluated.pk, assignment=b.pk, text="已完成。", done_on=today())

    c = login(lead_head)
    sections = todo_sections(c.get("/"))
    assert (sections["approve_replies"].count, sections["approve_replies"].links) == (1, [f"/items/{pending.pk}/#do-approve_reply-{a.pk}"])
    assert (sections["approve_closure"].count, sections["approve_closure"].links) == (
        1, [f"/items/{evaluated.pk}/#do-approve_closure_report-{b.pk}"])
    for key in ("approve_replies", "approve_closure"):
        assert_lands(c, sections[key].links[0])
    other = todo_sections(login(co_head).get("/"))
    assert other["approve_replies"].count == 0 and other["approve_closure"].count == 0


# -- district leader ------------------------------------------------------------------------------

def test_district_leader_sees_for_reference_replies_of_the_portfolio(world, district_leader, other_leader):
    item = make_item(world, "handling", co=False)
    a = lead_assignment(item)
    consult(world, item)
    A.draft_reply(world.lead_liaison, item.pk, assignment=a.pk, **reply_fields("C"))
    A.submit_reply(world.lead_liaison, item.pk, assignment=a.pk)
    A.approve_reply(world.lead_head, item.pk, assignment=a.pk)  # a for-reference reply then goes to the district leader
    c = login(district_leader)
    s = todo_section(c.get("/"), "leader_replies")
    assert (s.title, s.count, s.links) == ("待阅批的答复（留作参考类）", 1, [f"/items/{item.pk}/#do-leader_approve_reply-{a.pk}"])
    assert_lands(c, s.links[0])
    assert todo_section(login(other_leader).get("/"), "leader_replies").count == 0


def test_district_leader_sees_key_items_they_supervise(world, gov_office, district_leader, other_leader):
    item = make_item(world, "handling", co=False)
    A.mark_key(gov_office, item.pk, leader_id=district_leader.pk)
    c = login(district_leader)
    s = todo_section(c.get("/"), "key_items")
    assert (s.count, s.links) == (1, [f"/items/{item.pk}/"])
    assert "办理中" in s.html  # the entry says where the item stands
    assert_lands(c, s.links[0])
    assert todo_section(login(other_leader).get("/"), "key_items").count == 0


def test_waiting_sections_are_shown_but_not_counted_as_the_readers_own(world, lead_liaison):
    item = make_item(world, "handling", co=False)
    consult(world, item)
    a = lead_assignment(item)
    A.draft_reply(lead_liaison, item.pk, assignment=a.pk, **reply_fields("A"))
    A.submit_reply(lead_liaison, item.pk, assignment=a.pk)
    page = login(lead_liaison).get("/")
    s = todo_section(page, "unit_reply_pending_unit")
    assert (s.title, s.count, s.links) == ("待单位领导审核", 1, [f"/items/{item.pk}/#replies"])
    assert "等待单位领导审核（建委主任）" in s.html
    assert 'class="card todo waiting"' in page.content.decode()
    assert waiting(page) is None and "目前没有等待您处理的事项。" in page.content.decode()


def test_a_person_with_several_roles_sees_each_role(world, member, lead_liaison):
    """A member who is also a unit liaison gets both groups of sections."""
    UnitLiaison.objects.create(unit=world.spare_unit, user=member, started_on=today())
    item = make_item(world, "registered")
    A.assign(world.gov_office, item.pk, lead=world.spare_unit.pk)
    draft = new_draft(world)
    user = get_user_model().objects.get(pk=member.pk)
    page = login(user).get("/")
    html = page.content.decode()
    assert 'id="role-proposer"' in html and 'id="role-liaison"' in html
    assert todo_section(page, "drafts").links == [f"/items/{draft.pk}/"]
    assert todo_section(page, "unit_sign").count == 1


@pytest.mark.parametrize("state", ["assigned", "handling", "replied"])
def test_every_link_on_a_liaisons_todo_lands_on_its_form(world, lead_liaison, state):
    """Whatever the step, the link opens the item page at a form the liaison can use now."""
    make_item(world, state, co=False)
    c = login(lead_liaison)
    links = [href for s in todo_sections(c.get("/")).values() for href in s.links]
    assert links
    for href in links:
        assert_lands(c, href)


def test_the_late_sections_full_list_counts_what_the_section_counts(world, gov_office, member):
    """The office's 超期未办的环节 and its "see all" list (/deadlines/?late=1) count the same milestones,
    a late unanswered question (有问必答, rule 15) included."""
    item = make_item(world, "assigned", co=False)
    q = A.ask_question(member, subject="迟迟未答的问题", body="……", to_unit_id=world.lead_unit.pk)
    later = today() + datetime.timedelta(days=20)
    run_scan(later)
    sync_question(q, today=later)
    c = login(gov_office)
    s = todo_section(c.get("/"), "late")
    full = c.get("/deadlines/?late=1").content.decode()
    shown = int(re.search(r"未完成的环节 (\d+) 个", full).group(1))
    assert shown == Deadline.objects.filter(state=Deadline.State.LATE).count()
    assert s.count == shown, f"the to-do counts {s.count} late milestones, its full list {shown}"
    assert f"/items/{item.pk}/#deadlines" in s.links
