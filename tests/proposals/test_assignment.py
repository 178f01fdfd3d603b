"""Assignment by the government office, signing, adjustment requests and re-assignment (rules 3-4)."""

import pytest

from banli.workdays.calendar import add_months
from banli.proposals import actions
from banli.proposals.access import visible_items
from banli.notify.models import Notification
from banli.proposals.models import AdjustmentRequest, Assignment, ItemState
from tests.builders import active_assignments, co_assignment, fresh, lead_assignment, make_item, today
from tests.checks import assert_audit, notified, refused


def test_assign_a_lead_and_a_co_handling_unit(world, gov_office, django_capture_on_commit_callbacks):
    item = make_item(world, state="registered")

    with django_capture_on_commit_callbacks(execute=True):
        made = actions.assign(gov_office, item.pk, lead=world.lead_unit.pk, co=[world.co_unit.pk], note="请抓紧办理")

    item = fresh(item)
    assert item.state == ItemState.ASSIGNED and item.assigned_at is not None
    assert [(a.unit, a.role, a.state) for a in made] == [(world.lead_unit, "lead", "pending"), (world.co_unit, "co", "pending")]
    lead = lead_assignment(item)
    assert lead.note == "请抓紧办理" and lead.assigned_by == gov_office
    assert lead.reply_due == add_months(today(), 3)  # default 3 months from assignment
    assert_audit("assign", item=item, actor=gov_office, before={"state": "registered"},
                 after={"state": "assigned", "assignments": [[world.lead_unit.pk, "lead"], [world.co_unit.pk, "co"]]})
    assert notified("assigned", item) == {"lead_liaison", "lead_head", "co_liaison", "co_head"}
    # The units now see the item; an outsider does not.
    assert item in visible_items(world.lead_liaison) and item in visible_items(world.co_head)
    assert item not in visible_items(world.outsider_liaison)
    with refused("wrong_state"):
        actions.assign(gov_office, item.pk, lead=world.lead_unit.pk, co=[world.co_unit.pk])


def test_assign_separate_units(world, gov_office):
    item = make_item(world, state="registered")

    actions.assign(gov_office, item.pk, separate=[world.lead_unit.pk, world.spare_unit.pk])

    assert sorted((a.unit.name, a.role) for a in active_assignments(item)) == sorted(
        [(world.lead_unit.name, "separate"), (world.spare_unit.name, "separate")])
    assert fresh(item).state == ItemState.ASSIGNED


@pytest.mark.parametrize("shape, field", [
    ({"co": ["co_unit"]}, "lead"),  # no unit that replies
    ({"lead": "lead_unit", "co": ["lead_unit"]}, "units"),  # one unit twice
    ({"lead": "lead_unit", "separate": ["lead_unit"]}, "units"),
    ({"lead": 999999}, "lead"),  # no such unit
])
def test_assignment_shape_errors(world, gov_office, shape, field):
    item = make_item(world, state="registered")

    def pk(v):
        return getattr(world, v).pk if isinstance(v, str) else v

    kwargs = {k: ([pk(x) for x in v] if isinstance(v, list) else pk(v)) for k, v in shape.items()}
    with refused("invalid", field=field):
        actions.assign(gov_office, item.pk, **kwargs)


def test_only_the_government_office_assigns_registered_items(world, gov_office, cppcc_office):
    item = make_item(world, state="submitted")
    with refused("wrong_state"):
        actions.assign(gov_office, item.pk, lead=world.lead_unit.pk)
    actions.register(cppcc_office, item.pk)
    with refused("forbidden"):
        actions.assign(cppcc_office, item.pk, lead=world.lead_unit.pk)


def test_item_is_in_handling_once_every_unit_has_signed(world, lead_liaison, co_liaison):
    item = make_item(world, state="assigned")
    lead, co = lead_assignment(item), co_assignment(item)

    actions.sign(lead_liaison, item.pk, assignment=lead.pk)

    lead.refresh_from_db()
    assert (lead.state, lead.signed_by) == ("signed", lead_liaison) and lead.signed_at is not None
    assert fresh(item).state == ItemState.ASSIGNED  # the co-handling unit has not signed yet
    assert_audit("sign", item=item, actor=lead_liaison, target=lead, before={"state": "pending"},
                 after={"state": "signed", "item_state": "assigned"})
    with refused("already_signed"):
        actions.sign(lead_liaison, item.pk, assignment=lead.pk)

    actions.sign(co_liaison, item.pk, assignment=co.pk)

    assert fresh(item).state == ItemState.HANDLING
    assert_audit("sign", item=item, actor=co_liaison, target=co, after={"item_state": "handling"}, count=2)


def test_a_unit_signs_only_for_its_own_assignment(world, co_liaison, outsider_liaison, lead_head, gov_office):
    item = make_item(world, state="assigned")
    lead = lead_assignment(item)
    with refused("forbidden"):
        actions.sign(co_liaison, item.pk, assignment=lead.pk)
    with refused("forbidden"):  # signing is the liaison's job
        actions.sign(lead_head, item.pk, assignment=lead.pk)
    with refused("forbidden"):
        actions.sign(gov_office, item.pk, assignment=lead.pk)
    with refused("not_found"):
        actions.sign(outsider_liaison, item.pk, assignment=lead.pk)


def test_adjustment_request_must_say_whose_business_it_is(world, lead_liaison):
    item = make_item(world, state="assigned")
    lead = lead_assignment(item)
    with refused("invalid", field="suggested_unit_id"):
        actions.request_adjustment(lead_liaison, item.pk, assignment=lead.pk, reason="不属于我委职责")
    with refused("invalid", field="suggested_unit_id"):
        actions.request_adjustment(lead_liaison, item.pk, assignment=lead.pk, reason="不属于我委职责", suggested_unit_id=world.lead_unit.pk)
    with refused("invalid", field="reason"):
        actions.request_adjustment(lead_liaison, item.pk, assignment=lead.pk, reason="", suggested_unit_id=world.spare_unit.pk)


def _request(world, item, **kw):
    lead = lead_assignment(item)
    req = actions.request_adjustment(world.lead_liaison, item.pk, assignment=lead.pk, reason="属地管理事项，应由街道办理",
                                     suggested_unit_id=world.spare_unit.pk, **kw)
    return lead, req


def test_adjustment_request_waits_for_the_office(world, lead_liaison, django_capture_on_commit_callbacks):
    item = make_item(world, state="assigned")

    with django_capture_on_commit_callbacks(execute=True):
        lead, req = _request(world, item)

    lead.refresh_from_db()
    assert lead.state == Assignment.State.ADJUSTING
    assert (req.state, req.suggested_unit, req.requested_by) == ("pending", world.spare_unit, lead_liaison)
    assert_audit("request_adjustment", item=item, actor=lead_liaison, target=req, before={"assignment_state": "pending"},
                 after={"assignment_state": "adjusting", "suggested_unit": world.spare_unit.pk})
    assert notified("request_adjustment", item) == {"gov_office"}
    with refused("adjustment_pending"):
        _request(world, item)
    with refused("adjustment_pending"):
        actions.sign(lead_liaison, item.pk, assignment=lead.pk)


def test_adjustment_request_may_name_a_unit_in_words(world, lead_liaison):
    item = make_item(world, state="assigned")
    req = actions.request_adjustment(lead_liaison, item.pk, assignment=lead_assignment(item).pk, reason="市级事权", suggested_unit_text="市住建委")
    assert req.suggested_unit is None and req.suggested_unit_text == "市住建委"


def test_approved_adjustment_moves_the_item_and_keeps_the_history(world, gov_office, spare_liaison, django_capture_on_commit_callbacks):
    item = make_item(world, state="assigned")
    actions.sign(world.co_liaison, item.pk, assignment=co_assignment(item).pk)
    old, req = _request(world, item)
    Notification.objects.all().delete()  # what the builder's steps told (in their own transactions)

    with django_capture_on_commit_callbacks(execute=True):
        actions.decide_adjustment(gov_office, item.pk, assignment=old.pk, approve=True, note="同意由街道主办")

    old.refresh_from_db()
    req.refresh_from_db()
    assert old.state == Assignment.State.ENDED and old.ended_at and "属地管理事项" in old.end_reason
    assert req.state == AdjustmentRequest.State.APPROVED and req.decided_by == gov_office
    new = lead_assignment(item)
    assert req.new_assignment == new and (new.unit, new.role, new.state) == (world.spare_unit, "lead", "pending")
    # History: the ended assignment is still there beside the new one.
    assert Assignment.objects.filter(item=item).count() == 3
    assert_audit("decide_adjustment", item=item, actor=gov_office, target=req, before={"state": "pending"},
                 after={"state": "approved", "new_assignment": new.pk})
    assert notified("assigned", item) == {"spare_liaison", "spare_head"}
    assert "lead_liaison" in notified("decide_adjustment", item)
    # The old unit no longer sees it; the new unit signs and the item is in handling.
    assert item not in visible_items(world.lead_liaison)
    actions.sign(spare_liaison, item.pk, assignment=new.pk)
    assert fresh(item).state == ItemState.HANDLING
    with refused("no_adjustment"):
        actions.decide_adjustment(gov_office, item.pk, assignment=old.pk, approve=True)


def test_refused_adjustment_returns_the_assignment_to_pending(world, gov_office, lead_liaison):
    item = make_item(world, state="assigned")
    lead, req = _request(world, item)
    with refused("invalid", field="note"):
        actions.decide_adjustment(gov_office, item.pk, assignment=lead.pk, approve=False)

    actions.decide_adjustment(gov_office, item.pk, assignment=lead.pk, approve=False, note="属本单位职责，请签收办理")

    lead.refresh_from_db()
    req.refresh_from_db()
    assert lead.state == Assignment.State.PENDING and req.state == AdjustmentRequest.State.REFUSED
    assert_audit("decide_adjustment", item=item, actor=gov_office, after={"state": "refused"})
    # The unit must now sign: a second request is not entertained.
    with refused("adjustment_refused"):
        actions.request_adjustment(lead_liaison, item.pk, assignment=lead.pk, reason="还是不归我们管", suggested_unit_id=world.spare_unit.pk)
    actions.sign(lead_liaison, item.pk, assignment=lead.pk)
    assert lead_assignment(item).state == Assignment.State.SIGNED


def test_approving_a_suggestion_in_words_needs_the_office_to_name_the_unit(world, gov_office, lead_liaison):
    item = make_item(world, state="assigned")
    lead = lead_assignment(item)
    actions.request_adjustment(lead_liaison, item.pk, assignment=lead.pk, reason="市级事权", suggested_unit_text="市住建委")
    with refused("invalid", field="new_unit_id"):
        actions.decide_adjustment(gov_office, item.pk, assignment=lead.pk, approve=True)
    with refused("invalid", field="new_unit_id"):  # already on the item
        actions.decide_adjustment(gov_office, item.pk, assignment=lead.pk, approve=True, new_unit_id=world.co_unit.pk)

    req = actions.decide_adjustment(gov_office, item.pk, assignment=lead.pk, approve=True, new_unit_id=world.outsider_unit.pk, note="改由教育局")

    assert req.new_assignment.unit == world.outsider_unit and lead_assignment(item).unit == world.outsider_unit


def test_only_the_office_decides_adjustments(world, lead_head):
    item = make_item(world, state="assigned")
    lead, _ = _request(world, item)
    with refused("forbidden"):
        actions.decide_adjustment(lead_head, item.pk, assignment=lead.pk, approve=True)


def test_reassign_keeps_the_ended_assignment(world, gov_office, django_capture_on_commit_callbacks):
    item = make_item(world, state="handling")
    co = co_assignment(item)
    with refused("invalid", field="reason"):
        actions.reassign(gov_office, item.pk, remove=[co.pk], co=[world.spare_unit.pk], reason="")

    with django_capture_on_commit_callbacks(execute=True):
        made = actions.reassign(gov_office, item.pk, remove=[co.pk], co=[world.spare_unit.pk], reason="改由街道会办")

    co.refresh_from_db()
    assert co.state == Assignment.State.ENDED and co.end_reason == "改由街道会办"
    assert [(a.unit, a.role, a.state) for a in made] == [(world.spare_unit, "co", "pending")]
    # A new unit has to sign: the item is back to "assigned" until it does.
    assert fresh(item).state == ItemState.ASSIGNED
    assert_audit("reassign", item=item, actor=gov_office, before={"removed": [co.pk]},
                 after={"added": [[world.spare_unit.pk, "co"]], "state": "assigned"})
    assert notified("unassigned", item) == {"co_liaison", "co_head"}
    assert notified("assigned", item) >= {"spare_liaison"}
    assert item not in visible_items(world.co_liaison)


def test_reassign_refusals(world, gov_office, lead_liaison):
    item = make_item(world, state="handling")
    lead, co = lead_assignment(item), co_assignment(item)
    with refused("invalid", field="lead"):  # removing the lead leaves nobody to reply
        actions.reassign(gov_office, item.pk, remove=[lead.pk], reason="调整")
    with refused("invalid", field="units"):  # already handling it
        actions.reassign(gov_office, item.pk, co=[world.co_unit.pk], reason="调整")
    with refused("invalid"):  # nothing to do
        actions.reassign(gov_office, item.pk, reason="调整")
    with refused("forbidden"):
        actions.reassign(lead_liaison, item.pk, remove=[co.pk], reason="调整")


def test_reassign_can_replace_the_lead(world, gov_office):
    item = make_item(world, state="handling")
    lead = lead_assignment(item)

    actions.reassign(gov_office, item.pk, remove=[lead.pk], lead=world.spare_unit.pk, reason="职能调整")

    assert lead_assignment(item).unit == world.spare_unit
    assert Assignment.objects.get(pk=lead.pk).state == Assignment.State.ENDED
