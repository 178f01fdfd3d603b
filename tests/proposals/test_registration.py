"""Registration review by the assembly office (rule 2), and withdrawal after registration."""

import pytest
from django.contrib.auth.models import AnonymousUser

from banli.org.models import Session
from banli.proposals import actions
from banli.proposals.access import visible_items
from banli.proposals.access import access_item
from banli.notify.models import Notification
from banli.proposals.models import Assignment, ItemState
from tests.builders import advance, fresh, make_item, reply
from tests.checks import assert_audit, notified, refused


def test_register_numbers_items_per_session(world, cppcc_office, django_capture_on_commit_callbacks):
    items = [make_item(world, state="submitted", title=f"提案{i}") for i in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        for item in items:
            actions.register(cppcc_office, item.pk)

    items = [fresh(i) for i in items]
    assert [i.number for i in items] == [1, 2, 3]
    assert [i.display_number for i in items] == ["第0001号", "第0002号", "第0003号"]
    assert all(i.state == ItemState.REGISTERED and i.registered_at for i in items)
    assert Session.objects.get(pk=world.cppcc_session.pk).last_number == 3
    assert_audit("register", item=items[0], actor=cppcc_office, before={"state": "submitted"}, after={"state": "registered", "number": 1})
    assert notified("register", items[0]) == {"member", "gov_office"}
    assert not visible_items(AnonymousUser()).exists()  # the public reads only the portal


def test_each_session_counts_from_one(world, cppcc_office, npc_office):
    current = make_item(world, state="submitted")
    earlier = make_item(world, state="submitted", session=world.earlier_cppcc_session)
    npc = make_item(world, state="submitted", assembly="npc")
    current2 = make_item(world, state="submitted")

    for item, office in ((current, cppcc_office), (earlier, cppcc_office), (npc, npc_office), (current2, cppcc_office)):
        actions.register(office, item.pk)

    assert [fresh(i).number for i in (current, earlier, npc, current2)] == [1, 1, 1, 2]
    assert fresh(earlier).session == world.earlier_cppcc_session


def test_registering_twice_changes_nothing(world, cppcc_office):
    item = make_item(world, state="registered")
    with refused("wrong_state"):
        actions.register(cppcc_office, item.pk)
    assert fresh(item).number == 1


def test_only_the_items_own_assembly_office_registers(world, npc_office, gov_office, member):
    item = make_item(world, state="submitted")
    with refused("not_found"):  # the NPC office does not see CPPCC items
        actions.register(npc_office, item.pk)
    with refused("forbidden"):  # the government office sees it but does not register
        actions.register(gov_office, item.pk)
    with refused("forbidden"):
        actions.register(member, item.pk)


def test_a_draft_is_not_the_offices_to_register(world, cppcc_office):
    item = make_item(world, state="draft")
    with refused("not_found"):
        actions.register(cppcc_office, item.pk)


def test_return_for_revision_sends_it_back_to_the_proposer(world, cppcc_office, member, django_capture_on_commit_callbacks):
    item = make_item(world, state="submitted")

    with django_capture_on_commit_callbacks(execute=True):
        actions.return_for_revision(cppcc_office, item.pk, reason="建议部分不够具体")

    item = fresh(item)
    assert item.state == ItemState.DRAFT and item.state_reason == "建议部分不够具体"
    row = assert_audit("return_for_revision", item=item, actor=cppcc_office, before={"state": "submitted"}, after={"state": "draft"})
    assert row.note == "建议部分不够具体"
    assert notified("return_for_revision", item) == {"member"}
    with refused("not_found"):  # a second click: it is the proposer's draft again, out of the office's sight
        actions.return_for_revision(cppcc_office, item.pk, reason="建议部分不够具体")
    # The proposer revises and submits again; the office can register it then.
    actions.edit_draft(member, item.pk, suggestions="一是……；二是……；三是……（已细化）")
    actions.submit(member, item.pk)
    actions.register(cppcc_office, item.pk)
    assert fresh(item).state == ItemState.REGISTERED and fresh(item).state_reason == ""


def test_return_for_revision_needs_a_reason(world, cppcc_office):
    item = make_item(world, state="submitted")
    with refused("invalid", field="reason"):
        actions.return_for_revision(cppcc_office, item.pk, reason=" ")


def test_reject_needs_a_reason_and_keeps_the_item(world, cppcc_office, member):
    item = make_item(world, state="submitted")
    with refused("invalid", field="reason"):
        actions.reject(cppcc_office, item.pk, reason="")

    actions.reject(cppcc_office, item.pk, reason="属于个人诉求，不符合提案要求")

    item = fresh(item)
    assert item.state == ItemState.NOT_REGISTERED and item.state_reason == "属于个人诉求，不符合提案要求"
    assert item.number is None
    assert_audit("reject", item=item, actor=cppcc_office, before={"state": "submitted"}, after={"state": "not_registered"})
    # The proposer still reads it, with the reason.
    assert access_item(member, item.pk).state_reason == "属于个人诉求，不符合提案要求"
    with refused("wrong_state"):
        actions.reject(cppcc_office, item.pk, reason="再次点击")
    with refused("wrong_state"):
        actions.register(cppcc_office, item.pk)


def test_merge_into_a_registered_item(world, cppcc_office, other_member, django_capture_on_commit_callbacks):
    target = make_item(world, state="registered", title="关于加装电梯的建议")
    merged = make_item(world, state="submitted", proposer=other_member, title="关于老旧小区电梯的建议")
    assert target not in visible_items(other_member)

    with django_capture_on_commit_callbacks(execute=True):
        actions.merge(cppcc_office, merged.pk, into_id=target.pk, reason="内容相近")

    merged = fresh(merged)
    assert merged.state == ItemState.MERGED and merged.merged_into == target and merged.state_reason == "内容相近"
    assert_audit("merge", item=merged, actor=cppcc_office, before={"state": "submitted"}, after={"state": "merged", "merged_into": target.pk})
    assert notified("merge", merged) == {"other_member"}
    assert fresh(target).state == ItemState.REGISTERED
    # The merged proposer reads the target, and hears of its reply.
    assert target in visible_items(other_member)
    assert access_item(other_member, target.pk) == target
    with refused("wrong_state"):
        actions.merge(cppcc_office, merged.pk, into_id=target.pk)


def test_each_merged_proposer_hears_of_the_reply(world, cppcc_office, other_member, django_capture_on_commit_callbacks):
    target = make_item(world, state="registered")
    merged = make_item(world, state="submitted", proposer=other_member)
    actions.merge(cppcc_office, merged.pk, into_id=target.pk)
    item = advance(world, target, "handling")

    with django_capture_on_commit_callbacks(execute=True):
        reply(world, item)

    assert {"member", "other_member"} <= notified("replied", item)


@pytest.mark.parametrize("target_state", ["submitted", "draft"])
def test_merge_only_into_a_registered_item(world, cppcc_office, other_member, target_state):
    target = make_item(world, state=target_state)
    merged = make_item(world, state="submitted", proposer=other_member)
    with refused("invalid", field="into_id"):
        actions.merge(cppcc_office, merged.pk, into_id=target.pk)


def test_merge_only_within_the_session(world, cppcc_office, other_member):
    target = make_item(world, state="registered", session=world.earlier_cppcc_session)
    merged = make_item(world, state="submitted", proposer=other_member)
    with refused("invalid", field="into_id"):
        actions.merge(cppcc_office, merged.pk, into_id=target.pk)


def test_convert_to_social_conditions_report(world, cppcc_office):
    item = make_item(world, state="submitted")
    with refused("invalid", field="to"):
        actions.convert(cppcc_office, item.pk, to="别的什么")

    actions.convert(cppcc_office, item.pk, to="社情民意", reason="更适合作为社情民意信息报送")

    item = fresh(item)
    assert item.state == ItemState.CONVERTED and item.converted_to == "社情民意"
    assert_audit("convert", item=item, actor=cppcc_office, before={"state": "submitted"}, after={"state": "converted", "converted_to": "社情民意"})
    with refused("wrong_state"):
        actions.convert(cppcc_office, item.pk, to="社情民意")


def test_withdrawal_after_registration_needs_the_offices_consent(world, member, cppcc_office, django_capture_on_commit_callbacks):
    item = make_item(world, state="handling")
    with refused("invalid", field="reason"):
        actions.request_withdrawal(member, item.pk, reason="")

    with django_capture_on_commit_callbacks(execute=True):
        actions.request_withdrawal(member, item.pk, reason="问题已解决")

    item = fresh(item)
    assert item.withdrawal_requested and item.withdrawal_reason == "问题已解决" and item.state == ItemState.HANDLING
    assert_audit("request_withdrawal", item=item, actor=member, after={"withdrawal_requested": True})
    assert notified("request_withdrawal", item) == {"cppcc_office"}
    with refused("withdrawal_pending"):
        actions.request_withdrawal(member, item.pk, reason="问题已解决")

    with django_capture_on_commit_callbacks(execute=True):
        actions.decide_withdrawal(cppcc_office, item.pk, approve=True, note="同意")

    item = fresh(item)
    assert item.state == ItemState.WITHDRAWN and not item.withdrawal_requested and item.state_reason == "问题已解决"
    # The units are released: their assignments end with the reason, and they no longer see it.
    ended = list(Assignment.objects.filter(item=item))
    assert ended and all(a.state == Assignment.State.ENDED and a.ended_at and "撤回" in a.end_reason for a in ended)
    assert not visible_items(world.lead_liaison).filter(pk=item.pk).exists()
    assert_audit("decide_withdrawal", item=item, actor=cppcc_office, before={"state": "handling"}, after={"state": "withdrawn", "approved": True})
    assert notified("decide_withdrawal", item) == {"member"}
    with refused("wrong_state"):
        actions.decide_withdrawal(cppcc_office, item.pk, approve=True)


def test_refused_withdrawal_leaves_the_item_in_handling(world, member, cppcc_office):
    item = make_item(world, state="registered")
    actions.request_withdrawal(member, item.pk, reason="不想继续")

    actions.decide_withdrawal(cppcc_office, item.pk, approve=False, note="已立案，请继续")

    item = fresh(item)
    assert item.state == ItemState.REGISTERED and not item.withdrawal_requested
    assert_audit("decide_withdrawal", item=item, after={"state": "registered", "approved": False})
    with refused("no_withdrawal_request"):  # nothing is pending any more
        actions.decide_withdrawal(cppcc_office, item.pk, approve=True)


def test_withdrawal_decision_belongs_to_the_assembly_office(world, member, gov_office):
    item = make_item(world, state="registered")
    actions.request_withdrawal(member, item.pk, reason="不想继续")
    with refused("forbidden"):
        actions.decide_withdrawal(gov_office, item.pk, approve=True)
    with refused("forbidden"):
        actions.decide_withdrawal(member, item.pk, approve=True)


def test_a_refused_action_tells_nobody(world, cppcc_office, django_capture_on_commit_callbacks):
    item = make_item(world, state="submitted")
    Notification.objects.all().delete()  # what the builder's steps told (in their own transactions)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with refused("invalid", field="reason"):
            actions.reject(cppcc_office, item.pk, reason="")
    assert callbacks == [] and notified() == set()
