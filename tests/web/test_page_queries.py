"""Every page runs a fixed number of queries whatever the data size (DESIGN.md "Reads are
selectors"): each page is counted once with a small set of records and again with three times as
many, and both counts must equal the pinned number.

The data is built once for the module (inside a transaction rolled back at its end): the pages are
counted, twice as much again is added, and they are counted again. Each test then checks one page
for one person. A count that changes means a query was added or an N+1 crept in: find it with
CaptureQueriesContext before changing the pin."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from banli.deadlines.sync import sync_item
from banli.notify.models import Notification
from banli.proposals import actions as A
from banli.proposals.models import Item, Question
from banli.proposals.todo import todo_sections
from tests.builders import (
    build_world, close_by_report, consult, lead_assignment, make_item, new_draft, reply_fields, today,
)
from tests.web.pages import listed_total, login

pytestmark = pytest.mark.django_db

# Pinned query counts. Every page: session + user, the roles (actor_for: 1), the unread badge.
# A member's pages read their own assembly once more (the wording: 提案 or 建议), once per request.
# Each to-do card is a count and a short fetch; a liaison's cards, the unit's open milestones, the
# unfinished replies of their assignments and the approvals of the drafts (each stage placed once), one
# fetch of every section's entries, plus one grouped count of adjustment requests; the
# key items' units (the next step names them) are one prefetch.
TODO_PAGE = {"member": 14, "cosigner": 11, "cppcc_office": 7, "gov_office": 16, "lead_liaison": 10, "co_liaison": 8, "lead_head": 7,
        "district_leader": 9}
ITEM_LIST = {"gov_office": 11, "lead_liaison": 11, "member": 12, "district_leader": 11}
QUESTIONS = {"member": 8, "lead_liaison": 6, "gov_office": 6}
INBOX = {"member": 7, "lead_liaison": 6}
# The item page with every kind of record on it.
ITEM_PAGE = {"gov_office": 34, "lead_liaison": 35, "member": 35}  # +1 the lead's grades of co-handling units; the lead's form lists the grades

PAGES = [("/", TODO_PAGE), ("/items/", ITEM_LIST), ("/questions/", QUESTIONS), ("/inbox/", INBOX)]


def populate(world, n):
    """n times one of each thing that waits on someone."""
    for k in range(n):
        new_draft(world, title=f"草稿{k}")
        invited = new_draft(world, title=f"邀请联名{k}")
        A.invite_cosigners(world.member, invited.pk, person_ids=[world.cosigner_person.pk])
        make_item(world, "submitted")
        make_item(world, "registered")
        replied = make_item(world, "replied", reply_type="A")
        A.post_message(world.lead_liaison, replied.pk, body=f"单位留言{k}")

        assigned = make_item(world, "assigned")
        A.request_adjustment(world.co_liaison, assigned.pk, assignment=assigned.assignments.get(unit=world.co_unit).pk, reason="非本单位职责。",
                             suggested_unit_id=world.spare_unit.pk)

        leader = make_item(world, "handling", co=False)
        a = lead_assignment(leader)
        consult(world, leader)
        A.draft_reply(world.lead_liaison, leader.pk, assignment=a.pk, **reply_fields("C"))
        A.submit_reply(world.lead_liaison, leader.pk, assignment=a.pk)
        A.approve_reply(world.lead_head, leader.pk, assignment=a.pk)
        A.request_extension(world.lead_liaison, leader.pk, assignment=a.pk, requested_due=a.reply_due + datetime.timedelta(days=20), reason="协调中。")
        A.mark_key(world.gov_office, leader.pk, leader_id=world.district_leader.pk)
        A.post_message(world.member, leader.pk, body=f"委员留言{k}")

        head = make_item(world, "handling", co=False)
        b = lead_assignment(head)
        consult(world, head)
        A.draft_reply(world.lead_liaison, head.pk, assignment=b.pk, **reply_fields("A"))
        A.submit_reply(world.lead_liaison, head.pk, assignment=b.pk)

        answered = A.ask_question(world.member, subject=f"已答复的问题{k}", body="……", to_unit_id=world.lead_unit.pk)
        A.answer_question(world.lead_liaison, answered.pk, answer="答复。")
        A.ask_question(world.member, subject=f"问区府办{k}", body="……")
        A.ask_question(world.member, subject=f"问单位{k}", body="……", to_unit_id=world.lead_unit.pk)

        Notification.objects.bulk_create([Notification(recipient=u, kind="message", text=f"通知{k}-{i}", item=replied)
                                          for u in (world.member, world.lead_liaison) for i in range(3)])
        # Twenty days on (five working days even across a week of holidays), the assigned item's signing is late.
        sync_item(assigned.pk, today=today() + datetime.timedelta(days=20))


def history(world, item, extra):
    """Every kind of record on a closed item, `extra` of each repeatable one."""
    a = lead_assignment(item)
    for i in range(extra):
        A.post_message(world.member, item.pk, body=f"留言{i}")
        A.post_message(world.lead_liaison, item.pk, body=f"回复{i}")
        A.record_consultation(world.lead_liaison, item.pk, assignment=a.pk, kind="after", form="phone", held_on=str(timezone.localdate(item.assigned_at)),
                              participants="回访")
        A.urge(world.gov_office, item.pk, assignment=a.pk, text=f"催办{i}")
        A.add_attachment(world.member, item.pk, file=SimpleUploadedFile(f"材料{i}.pdf", b"%PDF-1.4 x"))
    A.mark_key(world.gov_office, item.pk, leader_id=world.district_leader.pk)
    A.give_instruction(world.district_leader, item.pk, text="抓紧落实")
    A.report_progress(world.lead_liaison, item.pk, assignment=a.pk, text="进展顺利")
    close_by_report(world, item, a)
    A.decide_publication(world.gov_office, item.pk, publish=False, reason="涉及个人信息")


def count(client, url) -> int:
    client.get(url)  # the first view may move read marks; count the view after it
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return len(ctx)


def count_all(world) -> dict:
    out = {}
    for url, pins in PAGES:
        for persona in pins:
            out[(url, persona)] = count(login(getattr(world, persona)), url)
    return out


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker, tmp_path_factory):
    settings = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                                 MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    with django_db_blocker.unblock(), settings, transaction.atomic():
        world = build_world()
        small_item = make_item(world, "evaluated", reply_type="B", cosigners=[world.cosigner], consent_publish=True)
        big_item = make_item(world, "evaluated", reply_type="B", cosigners=[world.cosigner], consent_publish=True)
        history(world, small_item, 1)
        history(world, big_item, 6)

        populate(world, 1)
        small = count_all(world)
        populate(world, 2)
        large = count_all(world)
        for persona in ITEM_PAGE:
            c = login(getattr(world, persona))
            small[("item", persona)] = count(c, f"/items/{small_item.pk}/")
            large[("item", persona)] = count(c, f"/items/{big_item.pk}/")
        yield {"small": small, "large": large, "world": world}
        transaction.set_rollback(True)


def _check(counts, key, pinned):
    small, large = counts["small"][key], counts["large"][key]
    assert small == large, f"{key}: {small} queries with little data, {large} with three times as much"
    assert small == pinned, f"{key}: {small} queries, pinned {pinned}"


@pytest.mark.parametrize("persona", sorted(TODO_PAGE))
def test_todo_query_count(counts, persona):
    _check(counts, ("/", persona), TODO_PAGE[persona])


@pytest.mark.parametrize("persona", sorted(ITEM_LIST))
def test_item_list_query_count(counts, persona):
    _check(counts, ("/items/", persona), ITEM_LIST[persona])


@pytest.mark.parametrize("persona", sorted(ITEM_PAGE))
def test_item_page_query_count(counts, persona):
    _check(counts, ("item", persona), ITEM_PAGE[persona])


@pytest.mark.parametrize("persona", sorted(QUESTIONS))
def test_questions_query_count(counts, persona):
    _check(counts, ("/questions/", persona), QUESTIONS[persona])


@pytest.mark.parametrize("persona", sorted(INBOX))
def test_inbox_query_count(counts, persona):
    _check(counts, ("/inbox/", persona), INBOX[persona])


def test_the_data_really_grew(counts):
    """The larger set is three times the smaller: the pages above did have more to show."""
    world = counts["world"]
    assert Item.objects.filter(state="replied").count() == 3
    assert Question.objects.filter(asker=world.member_person).count() == 9
    assert Notification.objects.filter(recipient=world.member, text__startswith="通知").count() == 9


@pytest.mark.parametrize("persona", sorted(TODO_PAGE))
def test_each_to_do_sections_full_list_holds_its_total(counts, persona):
    """A section's "see all" link (shown once it has more than it lists) opens a list of exactly
    as many as the section counts. Checked on this module's data, where every section has entries."""
    user = get_user_model().objects.get(pk=getattr(counts["world"], persona).pk)
    c = login(user)
    checked = 0
    for s in todo_sections(user):
        if not s.more_url or s.more_url.startswith("/questions/"):  # the Q&A page lists answered questions too
            continue
        r = c.get(s.more_url)
        assert r.status_code == 200, s.more_url
        if s.more_url.startswith("/items/"):
            shown = listed_total(r)
        elif s.more_url.startswith("/publication/"):
            shown = int(re.search(r"共 (\d+) 件答复待决定是否公开", r.content.decode()).group(1))
        else:
            shown = int(re.search(r"未完成的环节 (\d+) 个", r.content.decode()).group(1))
        assert shown == s.total, f"{persona} {s.key}: the section counts {s.total}, its full list {s.more_url} shows {shown}"
        checked += 1
    # The co-handling liaison's one card here, 待提交会办意见, lists signed units only (an unsigned
    # unit signs first), so the deadlines list of every co-opinion is not its full list.
    assert checked or persona in ("lead_head", "co_liaison")
