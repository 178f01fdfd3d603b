"""A consultation (rule 5) happens between the unit's assignment and today: a date before the
unit was assigned the item, or in the future, is refused with both dates named, and nothing is
written."""

import datetime

from django.utils import timezone

from banli.proposals import actions
from banli.proposals.models import Assignment, Consultation
from tests.builders import lead_assignment, make_item, today
from tests.checks import assert_audit, refused

KW = {"kind": "before", "form": "visit", "participants": "王委员、建委联络员"}


def assigned_days_ago(item, days: int) -> Assignment:
    a = lead_assignment(item)
    Assignment.objects.filter(pk=a.pk).update(assigned_at=timezone.now() - datetime.timedelta(days=days))
    a.refresh_from_db()
    return a


def test_a_date_before_the_units_assignment_is_refused_naming_both_dates(world, lead_liaison):
    item = make_item(world, state="handling")
    a = assigned_days_ago(item, 10)
    assigned_on = timezone.localdate(a.assigned_at)
    held = assigned_on - datetime.timedelta(days=1)

    with refused("invalid", field="held_on") as info:
        actions.record_consultation(lead_liaison, item.pk, assignment=a.pk, held_on=held.isoformat(), **KW)

    err = info.value
    assert held.isoformat() in err.zh and assigned_on.isoformat() in err.zh and "交办" in err.zh
    assert held.isoformat() in err.en and assigned_on.isoformat() in err.en and "assign" in err.en
    assert not Consultation.objects.filter(item=item).exists()


def test_the_assignment_day_itself_and_any_day_up_to_today_are_accepted(world, lead_liaison):
    item = make_item(world, state="handling")
    a = assigned_days_ago(item, 10)
    assigned_on = timezone.localdate(a.assigned_at)

    for n, held in enumerate([assigned_on, assigned_on + datetime.timedelta(days=4), today()], 1):
        c = actions.record_consultation(lead_liaison, item.pk, assignment=a.pk, held_on=held, **KW)
        assert (c.held_on, c.unit_id) == (held, world.lead_unit.pk)
        assert_audit("record_consultation", item=item, actor=lead_liaison, target=c, count=n, after={"held_on": str(held)})


def test_a_future_date_is_refused_naming_it_and_today(world, lead_liaison):
    item = make_item(world, state="handling")
    a = lead_assignment(item)
    held = today() + datetime.timedelta(days=2)

    with refused("invalid", field="held_on") as info:
        actions.record_consultation(lead_liaison, item.pk, assignment=a.pk, held_on=held, **KW)

    assert held.isoformat() in info.value.zh and today().isoformat() in info.value.zh
    assert held.isoformat() in info.value.en and today().isoformat() in info.value.en


def test_the_window_is_the_units_own_assignment(world, lead_liaison):
    """Each unit is held to its own assignment date: a unit added later cannot date a meeting
    before it was assigned, though the lead unit may."""
    item = make_item(world, state="handling")
    lead = assigned_days_ago(item, 10)
    co = Assignment.objects.get(item=item, unit=world.co_unit)
    Assignment.objects.filter(pk=co.pk).update(assigned_at=timezone.now() - datetime.timedelta(days=2))
    held = today() - datetime.timedelta(days=5)

    c = actions.record_consultation(lead_liaison, item.pk, assignment=lead.pk, held_on=held, **KW)
    assert c.held_on == held
    window = actions.consultation_window(Assignment.objects.get(pk=co.pk))
    assert window == (today() - datetime.timedelta(days=2), today())
    assert window[0] > held  # the co-handling unit could not have met the proposer that day
