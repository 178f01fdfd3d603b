"""A member's message to a unit starts that unit's clock to answer (DOMAIN §5). When the office
takes the unit off the item, the unit can no longer answer there, so the clock stops (waived),
as a removed unit's feedback clock does. Found by tests/proposals/test_state_machine.py."""

import pytest

from banli.deadlines.models import Deadline
from banli.proposals import actions
from tests.builders import co_assignment, make_item
from tests.clocks import clocks_without_a_step

pytestmark = pytest.mark.django_db


def test_the_clock_of_a_message_to_a_unit_taken_off_the_item_stops(world, member, gov_office):
    item = make_item(world, "handling")
    co = co_assignment(item)
    m = actions.post_message(member, item.pk, body="请会办单位说明交通组织方案。", to_unit_id=co.unit_id)
    row = Deadline.objects.get(key=f"message:{m.pk}")
    assert row.state == Deadline.State.OPEN and row.unit_id == co.unit_id
    actions.reassign(gov_office, item.pk, remove=[co.pk], reason="会办单位调整")
    row.refresh_from_db()
    assert row.state == Deadline.State.WAIVED and row.waived_reason == "交办已调整撤出"
    assert clocks_without_a_step([item.pk]) == []
