"""Read marks are written by actions the views call, not while a page is built: opening an item
moves the reader's watermark on its messages (proposals.actions.mark_messages_read), opening the
Q&A page marks the asker's new answers seen (mark_answers_read). Neither is audited."""

import pytest
from django.test import RequestFactory

from banli.audit.models import AuditRecord
from banli.proposals import actions as A
from banli.proposals import selectors
from banli.proposals.models import Message, MessageReadMark, Question
from banli.web.item_page import page_context
from tests.builders import make_item
from tests.checks import unchanged
from tests.web.pages import login

pytestmark = pytest.mark.django_db


def test_building_the_item_page_writes_nothing(world, lead_liaison):
    item = make_item(world, "handling")
    msg = A.post_message(world.member, item.pk, body="请问何时来现场调研？")
    request = RequestFactory().get(f"/items/{item.pk}/")
    request.user = lead_liaison
    with unchanged():
        ctx = page_context(request, selectors.item_detail(lead_liaison, item.pk))
    assert ctx["unread"] == 1 and ctx["read_up_to"] == msg.pk
    assert not MessageReadMark.objects.exists()


def test_opening_the_item_page_marks_its_messages_read_through_the_action(world, lead_liaison, monkeypatch):
    item = make_item(world, "handling")
    A.post_message(world.member, item.pk, body="第一条")
    last = A.post_message(world.member, item.pk, body="第二条")
    calls = []
    real = A.mark_messages_read
    monkeypatch.setattr(A, "mark_messages_read", lambda user, it, *, up_to: calls.append((user.pk, it.pk, up_to)) or real(user, it, up_to=up_to))
    c = login(lead_liaison)
    assert c.get(f"/items/{item.pk}/").status_code == 200
    assert calls == [(lead_liaison.pk, item.pk, last.pk)]
    assert MessageReadMark.objects.get(user=lead_liaison, item=item).last_read_id == last.pk
    # Nothing new: the action is asked for nothing and nothing is written.
    with unchanged():
        c.get(f"/items/{item.pk}/")
    assert calls[-1] == (lead_liaison.pk, item.pk, None)
    assert not AuditRecord.objects.filter(action__icontains="read").exists()


def test_a_refused_action_shows_the_page_again_and_its_messages_are_read(world, member, lead_liaison):
    item = make_item(world, "handling")
    A.post_message(member, item.pk, body="请问何时来现场调研？")
    r = login(lead_liaison).post(f"/items/{item.pk}/do/post_message/", {"body": "  "})
    assert r.status_code == 400
    assert MessageReadMark.objects.get(user=lead_liaison, item=item).last_read_id == Message.objects.get(item=item).pk


def test_the_watermark_never_moves_back(world, lead_liaison):
    item = make_item(world, "handling")
    first = A.post_message(world.member, item.pk, body="第一条")
    second = A.post_message(world.member, item.pk, body="第二条")
    A.mark_messages_read(lead_liaison, item, up_to=second.pk)
    A.mark_messages_read(lead_liaison, item, up_to=first.pk)
    assert MessageReadMark.objects.get(user=lead_liaison, item=item).last_read_id == second.pk
    assert MessageReadMark.objects.count() == 1


def test_only_the_askers_own_answers_are_marked_seen(world, member, other_member, lead_liaison):
    mine = A.ask_question(member, subject="我的问题", body="……", to_unit_id=world.lead_unit.pk)
    theirs = A.ask_question(other_member, subject="别人的问题", body="……", to_unit_id=world.lead_unit.pk)
    unanswered = A.ask_question(member, subject="未答复", body="……", to_unit_id=world.lead_unit.pk)
    for q in (mine, theirs):
        A.answer_question(lead_liaison, q.pk, answer="答复。")
    assert A.mark_answers_read(member, [mine.pk, theirs.pk, unanswered.pk]) == 1
    seen = dict(Question.objects.values_list("pk", "answer_read_at"))
    assert seen[mine.pk] is not None and seen[theirs.pk] is None and seen[unanswered.pk] is None
    # The unit that answered opening the page marks nothing for the asker.
    login(lead_liaison).get("/questions/")
    assert Question.objects.get(pk=theirs.pk).answer_read_at is None
    assert not AuditRecord.objects.filter(action__icontains="read").exists()


def test_opening_the_questions_page_marks_the_answers_seen_through_the_action(world, member, lead_liaison, monkeypatch):
    q = A.ask_question(member, subject="加装电梯补贴标准", body="请问补贴标准是多少？", to_unit_id=world.lead_unit.pk)
    A.answer_question(lead_liaison, q.pk, answer="每台补贴20万元。")
    calls = []
    real = A.mark_answers_read
    monkeypatch.setattr(A, "mark_answers_read", lambda user, ids: calls.append((user.pk, list(ids))) or real(user, ids))
    login(member).get("/questions/")
    assert calls == [(member.pk, [q.pk])]
    assert Question.objects.get(pk=q.pk).answer_read_at is not None
