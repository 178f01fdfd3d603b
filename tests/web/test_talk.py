"""Talking on the pages: messages on an item (沟通互动) with their unread markers, the Q&A window
(有问必答) and the notifications inbox."""

import re

import pytest

from banli.notify.models import Notification
from banli.proposals import actions as A
from banli.proposals.models import Message, MessageReadMark, Question
from tests.builders import make_item
from tests.checks import assert_audit, notified, unchanged
from tests.web.pages import alerts, field_errors, login, text, todo_section, todo_sections

pytestmark = pytest.mark.django_db


def unread_messages(response) -> list[str]:
    """Bodies of the messages the page marks unread."""
    return [re.sub(r"<[^>]+>", "", body).strip() for body in
            re.findall(r'<div class="msg side-[a-z_]+ unread">.*?<div class="prose">(.*?)</div>', text(response), re.S)]


def message_bodies(response) -> list[str]:
    return [re.sub(r"<[^>]+>", "", body).strip() for body in
            re.findall(r'<div class="msg side-[a-z_]+(?: unread)?">.*?<div class="prose">(.*?)</div>', text(response), re.S)]


# -- messages on an item --------------------------------------------------------------------------

def test_a_member_posts_a_message_to_the_handling_unit(world, member, lead_liaison, django_capture_on_commit_callbacks):
    item = make_item(world, "handling")
    with django_capture_on_commit_callbacks(execute=True):
        r = login(member).post(f"/items/{item.pk}/do/post_message/", {"body": "请问何时来现场调研？"})
    assert (r.status_code, r["Location"]) == (302, f"/items/{item.pk}/#messages")
    msg = Message.objects.get(item=item)
    assert (msg.author_id, msg.side, msg.to_unit_id, msg.body) == (member.pk, "proposer", world.lead_unit.pk, "请问何时来现场调研？")
    assert_audit("post_message", item=item, actor=member, target=msg)
    assert "lead_liaison" in notified("message", item)


def test_an_empty_message_is_refused_beside_the_box(world, member):
    item = make_item(world, "handling")
    with unchanged():
        r = login(member).post(f"/items/{item.pk}/do/post_message/", {"body": "   "})
    assert r.status_code == 400
    box = re.search(r'<form method="post" action="/items/%d/do/post_message/".*?</form>' % item.pk, text(r), re.S).group(0)
    errors = re.findall(r'<p class="error" role="alert">(.*?)</p>', box)
    assert len(errors) == 1 and errors[0]  # the input rules' "may not be blank", beside the box
    assert not Message.objects.exists()


def test_a_message_to_a_unit_not_handling_the_item_is_refused(world, member):
    item = make_item(world, "handling")
    with unchanged():
        r = login(member).post(f"/items/{item.pk}/do/post_message/", {"body": "你好", "to_unit_id": world.outsider_unit.pk})
    assert r.status_code == 400
    assert "该单位未承办此件。" in text(r)


def test_the_other_side_sees_the_message_unread_until_it_opens_the_item(world, member, lead_liaison):
    item = make_item(world, "handling")
    A.post_message(member, item.pk, body="请问何时来现场调研？")
    unit = login(lead_liaison)
    assert todo_section(unit.get("/"), "unit_message").count == 1
    first = unit.get(f"/items/{item.pk}/")
    assert unread_messages(first) == ["请问何时来现场调研？"]
    assert "1 条新留言" in text(first)
    mark = MessageReadMark.objects.get(user=lead_liaison, item=item)
    assert mark.last_read_id == Message.objects.get(item=item).pk
    second = unit.get(f"/items/{item.pk}/")
    assert unread_messages(second) == [] and message_bodies(second) == ["请问何时来现场调研？"]
    assert "条新留言" not in text(second)
    # The author never sees their own message as unread.
    assert unread_messages(login(member).get(f"/items/{item.pk}/")) == []

    # The unit answers; now the member has one unread, on the page and on the to-do.
    A.post_message(lead_liaison, item.pk, body="下周二上午到现场。")
    me = login(member)
    s = todo_section(me.get("/"), "unread")
    assert (s.count, s.links) == (1, [f"/items/{item.pk}/#messages"])
    page = me.get(f"/items/{item.pk}/")
    assert unread_messages(page) == ["下周二上午到现场。"]
    assert unread_messages(me.get(f"/items/{item.pk}/")) == []
    assert todo_section(me.get("/"), "unread").count == 0
    # Answering met the unit's message milestone.
    assert "unit_message" not in todo_sections(unit.get("/"))


def test_a_co_signers_message_is_not_news_to_the_proposer(world, member, cosigner):
    item = make_item(world, "handling", cosigners=[cosigner])
    A.post_message(cosigner, item.pk, body="我也关心这件事。")
    page = login(member).get(f"/items/{item.pk}/")
    assert message_bodies(page) == ["我也关心这件事。"] and unread_messages(page) == []
    assert todo_section(login(member).get("/"), "unread").count == 0


def test_who_may_not_message_gets_no_box_and_is_refused(world, district_leader, outsider_liaison):
    item = make_item(world, "handling")
    A.mark_key(world.gov_office, item.pk, leader_id=district_leader.pk)
    c = login(district_leader)
    assert f'action="/items/{item.pk}/do/post_message/"' not in text(c.get(f"/items/{item.pk}/"))
    with unchanged():
        r = c.post(f"/items/{item.pk}/do/post_message/", {"body": "领导留言"})
    assert r.status_code == 403 and "您无权发送留言。" in alerts(r)
    with unchanged():
        assert login(outsider_liaison).post(f"/items/{item.pk}/do/post_message/", {"body": "越权"}).status_code == 404


# -- Q&A ------------------------------------------------------------------------------------------

def test_a_member_asks_a_unit_and_only_that_unit_answers(world, member, lead_liaison, co_liaison, django_capture_on_commit_callbacks):
    me = login(member)
    with django_capture_on_commit_callbacks(execute=True):
        r = me.post("/questions/", {"subject": "加装电梯补贴标准", "body": "请问补贴标准是多少？", "to_unit_id": world.lead_unit.pk})
    assert (r.status_code, r["Location"]) == (302, "/questions/")
    q = Question.objects.get()
    assert (q.asker_id, q.to_unit_id, q.subject, q.answered_at) == (world.member_person.pk, world.lead_unit.pk, "加装电梯补贴标准", None)
    assert_audit("ask_question", actor=member, target=q)
    assert "lead_liaison" in notified("question")

    # The unit asked sees it with an answer box; another unit does not see it at all.
    unit = login(lead_liaison)
    page = text(unit.get("/questions/"))
    assert f'id="q{q.pk}"' in page and f'action="/questions/{q.pk}/answer/"' in page
    assert todo_section(unit.get("/"), "unit_questions").links == [f"/questions/#q{q.pk}"]
    other = login(co_liaison)
    assert f'id="q{q.pk}"' not in text(other.get("/questions/"))
    with unchanged():
        r = other.post(f"/questions/{q.pk}/answer/", {"answer": "越权答复"})
    assert r.status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        r = unit.post(f"/questions/{q.pk}/answer/", {"answer": "每台补贴20万元。"})
    assert (r.status_code, r["Location"]) == (302, f"/questions/#q{q.pk}")
    q.refresh_from_db()
    assert (q.answer, q.answered_by_id) == ("每台补贴20万元。", lead_liaison.pk)
    assert_audit("answer_question", actor=lead_liaison, target=q)
    assert notified("answer") == {"member"}
    assert "unit_questions" not in todo_sections(unit.get("/"))

    # The asker sees the answer marked new once, then not.
    first = me.get("/questions/")
    assert re.search(r'<article class="card question unread" id="q%d">' % q.pk, text(first))
    assert "每台补贴20万元。" in text(first)
    q.refresh_from_db()
    assert q.answer_read_at is not None
    second = me.get("/questions/")
    assert f'<article class="card question" id="q{q.pk}">' in text(second)
    assert todo_section(me.get("/"), "answers").count == 0


def test_a_question_to_the_office_is_answered_by_the_office(world, member, gov_office, lead_liaison):
    q = A.ask_question(member, subject="办理进度查询", body="在哪里看办理进度？")
    s = todo_section(login(gov_office).get("/"), "questions")
    assert s.links == [f"/questions/#q{q.pk}"]
    with unchanged():
        assert login(lead_liaison).post(f"/questions/{q.pk}/answer/", {"answer": "越权"}).status_code == 404
    r = login(gov_office).post(f"/questions/{q.pk}/answer/", {"answer": "在“提案/建议”页面查看。"})
    assert r.status_code == 302
    q.refresh_from_db()
    assert q.answered_by_id == gov_office.pk


def test_the_asker_cannot_answer_their_own_question(world, member):
    q = A.ask_question(member, subject="自问", body="自答？", to_unit_id=world.lead_unit.pk)
    with unchanged():
        r = login(member).post(f"/questions/{q.pk}/answer/", {"answer": "自己答"})
    assert r.status_code == 400
    assert "只有被提问的单位或区府办可以答复。" in text(r)


def test_an_empty_answer_is_refused_beside_the_box(world, member, lead_liaison):
    q = A.ask_question(member, subject="问题", body="内容", to_unit_id=world.lead_unit.pk)
    with unchanged():
        r = login(lead_liaison).post(f"/questions/{q.pk}/answer/", {"answer": " "})
    assert r.status_code == 400
    article = re.search(r'<article class="card question[^"]*" id="q%d">.*?</article>' % q.pk, text(r), re.S).group(0)
    assert re.findall(r'<p class="error" role="alert">(.*?)</p>', article) == ["请填写答复。"]


def test_a_question_without_a_subject_is_refused_beside_the_field(world, member):
    with unchanged():
        r = login(member).post("/questions/", {"subject": "", "body": "有内容", "to_unit_id": ""})
    assert r.status_code == 400
    assert field_errors(text(r)) == {"subject": ["请填写主题。"]}
    assert "有内容" in text(r)


@pytest.mark.parametrize("unit", ["abc", "99999999999999999999", "424242"])
def test_a_question_to_an_unknown_unit_is_refused(world, member, unit):
    with unchanged():
        r = login(member).post("/questions/", {"subject": "主题", "body": "问题", "to_unit_id": unit})
    assert r.status_code == 400
    assert field_errors(text(r)) == {"to_unit_id": ["单位不存在。"]}


def test_only_members_and_deputies_ask(world, lead_liaison):
    c = login(lead_liaison)
    assert 'action="/questions/"' not in text(c.get("/questions/"))
    with unchanged():
        r = c.post("/questions/", {"subject": "主题", "body": "问题"})
    assert r.status_code == 400
    assert "只有委员/代表可以提问。" in text(r)


def test_each_person_sees_only_their_questions(world, member, other_member, lead_liaison, outsider_liaison, gov_office):
    mine = A.ask_question(member, subject="王委员的问题", body="……", to_unit_id=world.lead_unit.pk)
    theirs = A.ask_question(other_member, subject="赵委员的问题", body="……")
    for user, expected in ((member, {mine}), (other_member, {theirs}), (lead_liaison, {mine}), (outsider_liaison, set()),
                           (gov_office, {mine, theirs})):
        page = text(login(user).get("/questions/"))
        assert {q for q in (mine, theirs) if f'id="q{q.pk}"' in page} == expected, user.username


# -- the inbox ------------------------------------------------------------------------------------

def _notes(world):
    Notification.objects.bulk_create([
        # News, not work: a reply to rate and a message are on the member's to-do list, not unread.
        Notification(recipient=world.member, kind="report_progress", text="区建委报送了办理进展：关于加装电梯的建议"),
        Notification(recipient=world.member, kind="closed", text="已办结：关于加装电梯的建议"),
        Notification(recipient=world.other_member, kind="message", text="赵委员的私信通知"),
    ])
    return {n.text: n for n in Notification.objects.all()}


def test_the_inbox_lists_only_own_notifications(world, member):
    _notes(world)
    page = text(login(member).get("/inbox/"))
    assert "区建委报送了办理进展：关于加装电梯的建议" in page and "已办结：关于加装电梯的建议" in page
    assert "赵委员的私信通知" not in page
    assert '<span class="badge" aria-label="2 条未读">2</span>' in page
    assert len(re.findall(r'<li class="unread">', page)) == 2


def test_marking_one_read(world, member):
    notes = _notes(world)
    n = notes["已办结：关于加装电梯的建议"]
    c = login(member)
    r = c.post("/inbox/read/", {"id": n.pk, "next": "/inbox/?unread=1"})
    assert (r.status_code, r["Location"]) == (302, "/inbox/?unread=1")
    n.refresh_from_db()
    assert n.read_at is not None
    assert Notification.objects.filter(recipient=world.member, read_at__isnull=True).count() == 1
    unread_page = text(c.get("/inbox/?unread=1"))
    assert "已办结：" not in unread_page and "区建委报送了办理进展" in unread_page


def test_someone_elses_notification_cannot_be_marked(world, member):
    notes = _notes(world)
    theirs = notes["赵委员的私信通知"]
    for bad in (theirs.pk, "abc", "99999999999999999999"):
        before = list(Notification.objects.order_by("pk").values_list("pk", "read_at"))
        r = login(member).post("/inbox/read/", {"id": bad})
        assert r.status_code == 302
        assert list(Notification.objects.order_by("pk").values_list("pk", "read_at")) == before, bad


def test_marking_all_read_touches_only_own(world, member):
    _notes(world)
    login(member).post("/inbox/read/")
    assert not Notification.objects.filter(recipient=world.member, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=world.other_member, read_at__isnull=True).count() == 1


@pytest.mark.parametrize("nxt", ["//evil.example/", "https://evil.example/", "javascript:alert(1)"])
def test_marking_read_never_redirects_off_site(world, member, nxt):
    _notes(world)
    r = login(member).post("/inbox/read/", {"next": nxt})
    assert (r.status_code, r["Location"]) == (302, "/inbox/")


def test_marking_read_needs_a_post(world, member):
    n = _notes(world)["已办结：关于加装电梯的建议"]
    r = login(member).get(f"/inbox/read/?id={n.pk}")
    assert r.status_code == 405
    n.refresh_from_db()
    assert n.read_at is None
