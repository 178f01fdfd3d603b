"""Issue 14, point 6: the table offers a step only when it would succeed, and a step that would
change nothing is refused with its reason (409), writing nothing: no record, no audit row, no
notification. Each guard below is tried three ways: it is not offered (workflow.available_actions,
which the pages and the API show), the action function refuses it, and the API refuses it."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from banli.deadlines.sync import sync_item
from banli.proposals import actions, workflow
from banli.proposals.access import actor_for
from banli.proposals.actions.common import ITEM_PREFETCH
from banli.proposals.models import Item, Reply
from tests.builders import close_by_report, co_assignment, fresh, last_reply, lead_assignment, make_item, new_draft, today
from tests.checks import refused, snapshot

pytestmark = pytest.mark.django_db


def offered(user, item, action, assignment=None) -> bool:
    """Whether the table offers the step to this person now (as the item page and the API ask it)."""
    loaded = Item.objects.prefetch_related(*ITEM_PREFETCH, "deadlines").get(pk=item.pk)
    return any(o["action"] == action and (assignment is None or o.get("assignment") == assignment.pk)
               for o in workflow.available_actions(actor_for(user), loaded))


def forced_through_the_api(user, item, action, payload, code):
    """The API refuses the step with 409, the code and both messages, and writes nothing."""
    c = APIClient()
    c.force_login(user)
    before = snapshot()
    r = c.post(f"/api/items/{item.pk}/actions/{action}/", payload, format="json")
    body = r.json()
    assert (r.status_code, body["code"]) == (409, code), body
    assert body["message_zh"] and body["message_en"]
    assert snapshot() == before, "a refused step wrote something"
    return body


def _lapse(item):
    """The reply's feedback window over, as the daily scan would find it."""
    Reply.objects.filter(item=item).update(sent_at=timezone.now() - datetime.timedelta(days=60))
    sync_item(item.pk)


# -- supervision: 设为重点 / 取消重点 are never side by side -------------------------------------------

def test_a_key_item_offers_unmark_only_and_marking_it_again_is_refused(world, gov_office, district_leader):
    item = make_item(world, "handling")
    assert offered(gov_office, item, "mark_key") and not offered(gov_office, item, "unmark_key")
    actions.mark_key(gov_office, item.pk, leader_id=district_leader.pk)

    assert offered(gov_office, item, "unmark_key") and not offered(gov_office, item, "mark_key")
    with refused("already_key") as e:
        actions.mark_key(gov_office, item.pk, leader_id=district_leader.pk)
    assert e.value.zh == "该件已是重点提案/建议。如需更换牵头督办领导，请先取消重点。"
    assert e.value.en == "This is already a key item. To change its supervising leader, unmark it first."
    assert e.value.status == 409
    # Another leader is not a way round it: the office unmarks first, with a reason.
    with refused("already_key"):
        actions.mark_key(gov_office, item.pk, leader_id=world.other_leader.pk)
    forced_through_the_api(gov_office, item, "mark_key", {"leader_id": district_leader.pk}, "already_key")


def test_unmarking_an_item_that_is_not_key_is_refused(world, gov_office, district_leader):
    item = make_item(world, "closed")
    assert not offered(gov_office, item, "unmark_key")
    with refused("not_key") as e:
        actions.unmark_key(gov_office, item.pk, reason="不再督办")
    assert (e.value.zh, e.value.en) == ("该件不是重点提案/建议。", "This is not a key item.")
    body = forced_through_the_api(gov_office, item, "unmark_key", {"reason": "不再督办"}, "not_key")
    assert body["message_zh"] == "该件不是重点提案/建议。"


# -- registration and withdrawal -------------------------------------------------------------------

def test_a_withdrawal_decision_is_offered_only_on_a_request(world, member, cppcc_office):
    item = make_item(world, "registered")
    assert not offered(cppcc_office, item, "decide_withdrawal")
    with refused("no_withdrawal_request") as e:
        actions.decide_withdrawal(cppcc_office, item.pk, approve=True)
    assert (e.value.zh, e.value.en) == ("没有待审核的撤回申请。", "No withdrawal request is pending.")
    forced_through_the_api(cppcc_office, item, "decide_withdrawal", {"approve": True}, "no_withdrawal_request")

    assert offered(member, item, "request_withdrawal")
    actions.request_withdrawal(member, item.pk, reason="问题已解决")
    assert offered(cppcc_office, item, "decide_withdrawal") and not offered(member, item, "request_withdrawal")
    with refused("withdrawal_pending") as e:
        actions.request_withdrawal(member, item.pk, reason="再申请一次")
    assert e.value.zh == "撤回申请已提交，正在等待审核。"
    forced_through_the_api(member, item, "request_withdrawal", {"reason": "再申请一次"}, "withdrawal_pending")

    actions.decide_withdrawal(cppcc_office, item.pk, approve=False, note="已在办理")
    assert not offered(cppcc_office, item, "decide_withdrawal")
    with refused("no_withdrawal_request"):  # the same decision again
        actions.decide_withdrawal(cppcc_office, item.pk, approve=False, note="已在办理")


def test_registering_twice_is_refused_and_keeps_the_number(world, cppcc_office):
    item = make_item(world, "submitted")
    actions.register(cppcc_office, item.pk)
    assert not offered(cppcc_office, item, "register")
    with refused("wrong_state"):
        actions.register(cppcc_office, item.pk)
    assert fresh(item).number == 1
    # An item holding a number is never numbered again, whatever its state says.
    Item.objects.filter(pk=item.pk).update(state="submitted")
    assert not offered(cppcc_office, item, "register")
    with refused("already_registered") as e:
        actions.register(cppcc_office, item.pk)
    assert e.value.zh == "该件已立案编号。"


# -- drafting and co-signing -----------------------------------------------------------------------------

def test_consenting_again_to_the_same_is_refused_on_its_field(world, member):
    item = make_item(world, "replied", consent_publish=True)
    with refused("invalid", field="consent") as e:
        actions.set_publication_consent(member, item.pk, consent=True)
    assert e.value.zh == "您已同意公开，无需重复设置。"
    actions.set_publication_consent(member, item.pk, consent=False)
    with refused("invalid", field="consent") as e:
        actions.set_publication_consent(member, item.pk, consent=False)
    assert e.value.en == "You have already declined publication."


def test_inviting_the_same_people_again_is_refused(world, member, cosigner):
    item = new_draft(world)
    actions.invite_cosigners(member, item.pk, person_ids=[world.cosigner_person.pk])
    with refused("invalid", field="person_ids") as e:
        actions.invite_cosigners(member, item.pk, person_ids=[world.cosigner_person.pk])
    assert e.value.zh == "所选人员都已邀请过联名。"
    actions.respond_cosign(cosigner, item.pk, confirm=False)
    with refused("invalid", field="person_ids"):  # a declined name stays declined
        actions.invite_cosigners(member, item.pk, person_ids=[world.cosigner_person.pk])


def test_answering_an_invitation_twice_is_refused(world, member, cosigner):
    item = new_draft(world)
    actions.invite_cosigners(member, item.pk, person_ids=[world.cosigner_person.pk])
    assert offered(cosigner, item, "respond_cosign")
    actions.respond_cosign(cosigner, item.pk, confirm=True)
    assert not offered(cosigner, item, "respond_cosign")
    with refused("already_answered") as e:
        actions.respond_cosign(cosigner, item.pk, confirm=True)
    assert (e.value.zh, e.value.en) == ("您已确认联名。", "You have already confirmed co-signing.")
    with refused("already_answered"):
        actions.respond_cosign(cosigner, item.pk, confirm=False)


# -- publication ------------------------------------------------------------------------------------------

def test_revoking_is_offered_only_on_a_published_reply(world, gov_office):
    item = make_item(world, "closed", consent_publish=True)
    a = lead_assignment(item)
    assert not offered(gov_office, item, "revoke_publication", a) and offered(gov_office, item, "decide_publication", a)
    with refused("not_published") as e:
        actions.revoke_publication(gov_office, item.pk, assignment=a.pk, reason="撤下")
    assert (e.value.zh, e.value.en) == ("该答复尚未公开。", "This reply is not published.")
    forced_through_the_api(gov_office, item, "revoke_publication", {"assignment": a.pk, "reason": "撤下"}, "not_published")

    actions.decide_publication(gov_office, item.pk, assignment=a.pk, publish=True)
    assert offered(gov_office, item, "revoke_publication", a) and not offered(gov_office, item, "decide_publication", a)
    with refused("already_published") as e:
        actions.decide_publication(gov_office, item.pk, assignment=a.pk, publish=True)
    assert e.value.zh == "该答复已公开。如需撤回，请撤销公开。"
    forced_through_the_api(gov_office, item, "decide_publication", {"assignment": a.pk, "publish": True}, "already_published")

    actions.revoke_publication(gov_office, item.pk, assignment=a.pk, reason="委员要求撤下")
    assert not offered(gov_office, item, "revoke_publication", a)
    with refused("not_published"):
        actions.revoke_publication(gov_office, item.pk, assignment=a.pk, reason="委员要求撤下")
    # Revoked, with the proposer's consent: publishing it again is still possible, withholding it is nothing.
    assert offered(gov_office, item, "decide_publication", a)
    with refused("invalid", field="publish"):
        actions.decide_publication(gov_office, item.pk, assignment=a.pk, publish=False, reason="不宜公开")


def test_a_withheld_reply_without_consent_has_nothing_left_to_decide(world, gov_office):
    item = make_item(world, "replied")  # the proposer has not consented
    a = lead_assignment(item)
    actions.decide_publication(gov_office, item.pk, assignment=a.pk, publish=False, reason="涉及个人信息")
    assert not offered(gov_office, item, "decide_publication", a)
    with refused("already_decided") as e:
        actions.decide_publication(gov_office, item.pk, assignment=a.pk, publish=False, reason="涉及个人信息")
    assert e.value.en == "This reply is not published, and without the proposer's consent it cannot be published."
    # With consent given later, the office may publish it after all; withholding again is no step.
    actions.set_publication_consent(fresh(item).proposer.user, item.pk, consent=True)
    assert offered(gov_office, item, "decide_publication", a)
    with refused("invalid", field="publish") as e:
        actions.decide_publication(gov_office, item.pk, assignment=a.pk, publish=False, reason="涉及个人信息")
    assert e.value.zh == "该答复已不公开，无需再次决定。"
    actions.decide_publication(gov_office, item.pk, assignment=a.pk, publish=True)
    assert lead_assignment(item).publication == "published"


# -- feedback ---------------------------------------------------------------------------------------------

def test_no_feedback_is_offered_only_once_the_window_is_over(world, gov_office, member):
    item = make_item(world, "replied")
    r = last_reply(item)
    assert not offered(gov_office, item, "record_no_feedback")
    with refused("feedback_window_open") as e:
        actions.record_no_feedback(gov_office, item.pk, reply_id=r.pk)
    assert (e.value.zh, e.value.en) == ("委员/代表的反馈期限尚未届满。", "The proposer's feedback window has not ended yet.")
    forced_through_the_api(gov_office, item, "record_no_feedback", {"reply_id": r.pk}, "feedback_window_open")

    _lapse(item)
    assert offered(gov_office, item, "record_no_feedback")
    actions.record_no_feedback(gov_office, item.pk, reply_id=r.pk)
    assert not offered(gov_office, item, "record_no_feedback")
    with refused("already_rated"):
        actions.record_no_feedback(gov_office, item.pk, reply_id=r.pk)
    with refused("already_rated") as e:  # nor may the proposer rate it now
        actions.give_feedback(member, item.pk, reply_id=r.pk, grade="good", agrees=True)
    assert e.value.zh == "这份答复已评价。"


def test_rating_twice_is_refused(world, member):
    item = make_item(world, "replied", co=False)
    r = last_reply(item)
    actions.give_feedback(member, item.pk, reply_id=r.pk, grade="good", agrees=True)
    assert not offered(member, item, "give_feedback")
    with refused("already_rated") as e:
        actions.give_feedback(member, item.pk, reply_id=r.pk, grade="good", agrees=True)
    assert (e.value.zh, e.value.en) == ("这份答复已评价。", "This reply has already been rated.")
    forced_through_the_api(member, item, "give_feedback", {"reply_id": r.pk, "grade": "good", "agrees": True}, "already_rated")


# -- handling ---------------------------------------------------------------------------------------------

def test_a_second_extension_request_waits_for_the_first(world, lead_liaison, gov_office):
    item = make_item(world, "handling")
    a = lead_assignment(item)
    due = a.reply_due + datetime.timedelta(days=20)
    actions.request_extension(lead_liaison, item.pk, assignment=a.pk, requested_due=due, reason="需调研")
    assert not offered(lead_liaison, item, "request_extension", a) and offered(gov_office, item, "decide_extension", a)
    with refused("extension_pending") as e:
        actions.request_extension(lead_liaison, item.pk, assignment=a.pk, requested_due=due, reason="需调研")
    assert e.value.zh == "延期申请已提交，正等待区府办审批。"
    forced_through_the_api(lead_liaison, item, "request_extension",
                           {"assignment": a.pk, "requested_due": str(due), "reason": "需调研"}, "extension_pending")
    actions.decide_extension(gov_office, item.pk, assignment=a.pk, approve=False, note="请按期答复")
    assert offered(lead_liaison, item, "request_extension", a)


def test_waiving_twice_and_grading_the_same_again_are_refused(world, gov_office, lead_liaison):
    item = make_item(world, "handling")
    co = co_assignment(item)
    actions.waive_co_opinion(gov_office, item.pk, assignment=co.pk, reason="机构调整")
    assert not offered(gov_office, item, "waive_co_opinion", co)
    with refused("opinion_exists"):
        actions.waive_co_opinion(gov_office, item.pk, assignment=co.pk, reason="机构调整")

    replied = make_item(world, "replied")
    co = co_assignment(replied)
    actions.grade_co_unit(lead_liaison, replied.pk, assignment=co.pk, grade="fair", comment="")
    with refused("invalid", field="grade") as e:
        actions.grade_co_unit(lead_liaison, replied.pk, assignment=co.pk, grade="fair", comment="")
    assert e.value.zh == "评价未改变：此前已评为“较好”。"


def test_a_unit_whose_part_is_done_is_not_urged(world, gov_office):
    item = make_item(world, "evaluated", co=False, separate=True)
    done, other = [a for a in fresh(item).assignments.all()]
    close_by_report(world, item, done)
    item = fresh(item)
    assert item.state == "evaluated"
    assert not offered(gov_office, item, "urge", done) and offered(gov_office, item, "urge", other)
    with refused("nothing_to_urge") as e:
        actions.urge(gov_office, item.pk, assignment=done.pk, text="请抓紧")
    assert e.value.zh == "该单位已办结，无需催办。"
    forced_through_the_api(gov_office, item, "urge", {"assignment": done.pk, "text": "请抓紧"}, "nothing_to_urge")

    handling = make_item(world, "handling")
    co = co_assignment(handling)
    actions.send_co_opinion(world.co_liaison, handling.pk, assignment=co.pk, text="同意")
    assert not offered(gov_office, handling, "urge", co) and offered(gov_office, handling, "urge", lead_assignment(handling))
    with refused("nothing_to_urge"):
        actions.urge(gov_office, handling.pk, assignment=co.pk, text="请抓紧")


def test_reopening_twice_is_refused(world, gov_office):
    item = make_item(world, "closed")
    actions.reopen(gov_office, item.pk, reason="委员再次反映")
    assert not offered(gov_office, item, "reopen")
    with refused("wrong_state"):
        actions.reopen(gov_office, item.pk, reason="委员再次反映")


@pytest.mark.parametrize("step, code", [
    ("sign", "already_signed"), ("send_co_opinion", "opinion_exists"), ("submit_reply", "no_reply_here"),
    ("approve_reply", "no_reply_here"), ("send_reply", "wrong_state"),
])
def test_a_repeated_unit_step_is_refused(world, step, code):
    """Each step once, then again: the second time is refused, and says why."""
    item = make_item(world, "assigned")
    lead, co = lead_assignment(item), co_assignment(item)
    W = world
    actions.sign(W.co_liaison, item.pk, assignment=co.pk)
    if step != "sign":
        actions.sign(W.lead_liaison, item.pk, assignment=lead.pk)
    runs = {
        "sign": lambda: actions.sign(W.lead_liaison, item.pk, assignment=lead.pk),
        "send_co_opinion": lambda: actions.send_co_opinion(W.co_liaison, item.pk, assignment=co.pk, text="同意"),
    }
    if step not in runs:
        actions.send_co_opinion(W.co_liaison, item.pk, assignment=co.pk, text="同意")
        actions.record_consultation(W.lead_liaison, item.pk, assignment=lead.pk, kind="before", form="visit", held_on=today(),
                                    participants="双方")
        actions.draft_reply(W.lead_liaison, item.pk, assignment=lead.pk, reply_type="A", body="答复", signatory="张主任",
                            contact_person="联络员")
        runs["submit_reply"] = lambda: actions.submit_reply(W.lead_liaison, item.pk, assignment=lead.pk)
        if step in ("approve_reply", "send_reply"):
            runs["submit_reply"]()
            runs["approve_reply"] = lambda: actions.approve_reply(W.lead_head, item.pk, assignment=lead.pk)
        if step == "send_reply":
            runs["approve_reply"]()
            runs["send_reply"] = lambda: actions.send_reply(W.lead_liaison, item.pk, assignment=lead.pk)
    runs[step]()
    with refused(code):
        runs[step]()
