"""Key items and their supervising district leaders, leader instructions, urge notices (rule 14)."""

import pytest

from banli.proposals import actions
from banli.proposals.access import visible_items
from banli.proposals.models import KeyItemMark, LeaderInstruction, UrgeNotice
from tests.builders import fresh, lead_assignment, make_item
from tests.checks import assert_audit, notified, refused


def test_office_marks_a_key_item_with_a_district_leader(world, gov_office, other_leader, django_capture_on_commit_callbacks):
    item = make_item(world, state="handling")
    assert item not in visible_items(other_leader)  # not in their portfolio

    with django_capture_on_commit_callbacks(execute=True):
        mark = actions.mark_key(gov_office, item.pk, leader_id=other_leader.pk, reason="民生实事项目")

    item = fresh(item)
    assert item.is_key and item.key_leader == other_leader
    assert (mark.marked, mark.leader, mark.reason, mark.by) == (True, other_leader, "民生实事项目", gov_office)
    assert_audit("mark_key", item=item, actor=gov_office, target=mark, before={"is_key": False, "key_leader": None},
                 after={"is_key": True, "key_leader": other_leader.pk})
    assert notified("mark_key", item) == {"other_leader"}
    # The supervising leader sees the key item on their dashboard.
    assert item in visible_items(other_leader)
    with refused("already_key"):
        actions.mark_key(gov_office, item.pk, leader_id=other_leader.pk)


@pytest.mark.parametrize("who", ["gov_office", "lead_head", "member"])
def test_only_a_district_leader_supervises_a_key_item(world, gov_office, who):
    item = make_item(world, state="handling")
    with refused("invalid", field="leader_id"):
        actions.mark_key(gov_office, item.pk, leader_id=getattr(world, who).pk)


def test_marking_refusals(world, cppcc_office, gov_office, district_leader):
    item = make_item(world, state="handling")
    with refused("forbidden"):
        actions.mark_key(cppcc_office, item.pk, leader_id=district_leader.pk)
    submitted = make_item(world, state="submitted")
    with refused("wrong_state"):
        actions.mark_key(gov_office, submitted.pk, leader_id=district_leader.pk)


def test_unmark_needs_a_reason(world, gov_office, district_leader):
    item = make_item(world, state="handling")
    actions.mark_key(gov_office, item.pk, leader_id=district_leader.pk)
    with refused("invalid", field="reason"):
        actions.unmark_key(gov_office, item.pk, reason="")

    mark = actions.unmark_key(gov_office, item.pk, reason="已纳入其他督办渠道")

    item = fresh(item)
    assert not item.is_key and item.key_leader is None
    assert (mark.marked, mark.reason) == (False, "已纳入其他督办渠道")
    assert KeyItemMark.objects.filter(item=item).count() == 2  # history kept
    assert_audit("unmark_key", item=item, before={"is_key": True, "key_leader": district_leader.pk}, after={"is_key": False})
    with refused("not_key"):
        actions.unmark_key(gov_office, item.pk, reason="再次取消")


def test_key_leader_gives_an_instruction(world, gov_office, other_leader, django_capture_on_commit_callbacks):
    item = make_item(world, state="handling")
    actions.mark_key(gov_office, item.pk, leader_id=other_leader.pk)

    with django_capture_on_commit_callbacks(execute=True):
        ins = actions.give_instruction(other_leader, item.pk, text="请建委牵头，年内见到实效。")

    ins.refresh_from_db()
    assert (ins.item, ins.leader, ins.text) == (item, other_leader, "请建委牵头，年内见到实效。")
    assert_audit("give_instruction", item=item, actor=other_leader, target=ins, after={"leader": other_leader.pk})
    assert notified("give_instruction", item) == {"lead_liaison", "lead_head", "co_liaison", "co_head"}


def test_portfolio_leader_may_instruct_but_others_may_not(world, district_leader, other_leader, gov_office, lead_head):
    item = make_item(world, state="handling")
    actions.give_instruction(district_leader, item.pk, text="抓紧办理")  # the units are in their portfolio
    assert LeaderInstruction.objects.filter(item=item, leader=district_leader).count() == 1
    with refused("not_found"):  # neither key leader nor in portfolio
        actions.give_instruction(other_leader, item.pk, text="我也说两句")
    with refused("forbidden"):
        actions.give_instruction(gov_office, item.pk, text="区府办不批示")
    with refused("forbidden"):
        actions.give_instruction(lead_head, item.pk, text="单位领导不批示")
    with refused("invalid", field="text"):
        actions.give_instruction(district_leader, item.pk, text="")


def test_office_urges_a_late_unit(world, gov_office, django_capture_on_commit_callbacks):
    item = make_item(world, state="handling")
    lead = lead_assignment(item)

    with django_capture_on_commit_callbacks(execute=True):
        urge = actions.urge(gov_office, item.pk, assignment=lead.pk, text="答复期限将至，请抓紧办理。")

    urge.refresh_from_db()
    assert (urge.item, urge.unit, urge.text, urge.by) == (item, world.lead_unit, "答复期限将至，请抓紧办理。", gov_office)
    assert_audit("urge", item=item, actor=gov_office, target=urge, after={"unit": world.lead_unit.pk})
    assert notified("urge", item) == {"lead_liaison", "lead_head"}
    # Each urge is a record of its own: they count in the assessment.
    actions.urge(gov_office, item.pk, assignment=lead.pk, text="再次催办")
    assert UrgeNotice.objects.filter(item=item, unit=world.lead_unit).count() == 2


def test_urge_refusals(world, gov_office, lead_head):
    item = make_item(world, state="handling")
    lead = lead_assignment(item)
    with refused("forbidden"):
        actions.urge(lead_head, item.pk, assignment=lead.pk, text="催")
    with refused("invalid", field="text"):
        actions.urge(gov_office, item.pk, assignment=lead.pk, text="")
    closed = make_item(world, state="closed")
    with refused("wrong_state"):
        actions.urge(gov_office, closed.pk, assignment=lead_assignment(closed).pk, text="已办结")
