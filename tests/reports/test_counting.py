"""How the report counts (issue 9, point 3): only B items closed before their planned date are "B
closed early"; each item counts once, by its rating in force, however often it was rated, and
in the unit table each unit counts its own; the three contacts per unit; a report as of a past
day counts only what was recorded by then."""

import datetime

import pytest
from django.utils import timezone

from banli.proposals.models import Assignment, Reply
from banli.reports.periods import period
from banli.reports.statistics import yearly_figures
from banli.reports.units import unit_table
from tests.builders import close_by_report, consult, fresh, lead_assignment, make_item, rate, reply
from tests.reports.known_world import separate_pair, shift_history

pytestmark = pytest.mark.django_db


def figures(world, **kw):
    return yearly_figures(period("session", world.cppcc_session.pk), **kw)["current"]


def units(world, **kw):
    return {r["id"]: r for r in unit_table(period("session", world.cppcc_session.pk), **kw)}


def grades(cur) -> dict:
    return {g["code"]: g["count"] for g in cur["by_grade"]}


def test_only_b_replies_done_before_their_planned_date_are_closed_early(world):
    """An A reply that promises something by a date has a planned date too; done before it, the
    item is not "B closed early" (提前办结 is rule 11's B closure)."""
    later = timezone.localdate() + datetime.timedelta(days=60)
    a_item = make_item(world, "handling", co=False)
    reply(world, a_item, lead_assignment(a_item), "A", promise="年内完成试点。", planned_date=later)
    rate(world, a_item, grade="good")
    close_by_report(world, a_item)
    b_item = make_item(world, "evaluated", reply_type="B", co=False)
    close_by_report(world, b_item)

    assert Assignment.objects.get(item=a_item).closed_early is False
    assert Assignment.objects.get(item=b_item).closed_early is True
    cur = figures(world)
    assert (cur["closed"], cur["b_closed_early"]) == (2, 1)

    # A closure recorded before the rule flagged the A reply too: the report still counts B only.
    Assignment.objects.filter(item=a_item).update(closed_early=True)
    assert figures(world)["b_closed_early"] == 1


def test_a_re_handled_item_rated_twice_counts_once_by_the_rating_in_force(world):
    """First reply rated 差 and 不同意, second reply sent, then rated 较好: one item rated, under
    较好; between the second reply and its rating the item awaits a rating (its reply in force is
    unrated). 不同意 stays counted: the proposer did disagree."""
    item = make_item(world, "rehandling", reply_type="A", co=False)
    cur = figures(world)
    assert (cur["feedback"], grades(cur)["poor"]) == (1, 1)
    reply(world, fresh(item), lead_assignment(item), "B")
    cur = figures(world)
    assert cur["feedback"] == 0 and sum(grades(cur).values()) == 0
    rate(world, item, grade="fair", agrees=True)

    cur = figures(world)
    assert cur["feedback"] == 1 and grades(cur) == {"good": 0, "fair": 1, "average": 0, "poor": 0}
    assert [g["share"] for g in cur["by_grade"]] == [0, 100, 0, 0]
    assert cur["disagreed_items"] == 1 and cur["by_reply_type"][1]["count"] == 1  # B, the reply in force
    row = units(world)[world.lead_unit.pk]
    assert row["grades"] == {"good": 0, "fair": 1, "average": 0, "poor": 0} and row["disagreed"] == 1


def test_re_handling_says_how_many_were_replied_to_again_and_how_many_are_in_hand(world):
    """Sent back by 不同意 or by a grade that sends it back (差, even when agreeing); done once the
    unit's second reply is sent. A 不同意 on a second reply starts nothing more."""
    items = [make_item(world, "rehandling", reply_type="A", co=False) for _ in range(2)]
    graded_poor = make_item(world, "replied", reply_type="A", co=False)
    rate(world, graded_poor, grade="poor", agrees=True)
    cur = figures(world)
    assert (cur["disagreed_items"], cur["rehandled_items"], cur["rehandled_done"], cur["rehandling_items"]) == (2, 3, 0, 3)
    reply(world, fresh(items[0]), lead_assignment(items[0]), "A")
    rate(world, items[0], grade="average", agrees=False)
    cur = figures(world)
    assert (cur["disagreed_items"], cur["rehandled_items"], cur["rehandled_done"], cur["rehandling_items"]) == (2, 3, 1, 2)


def test_a_separately_handled_item_counts_once_each_unit_its_own_rating(world):
    """分办: each unit's reply is rated on its own. The item counts once, by the rating given last;
    each unit's row counts its own rating."""
    item = make_item(world, "handling", separate=True)
    ours, spare = separate_pair(item)
    for a in (ours, spare):
        consult(world, item, a)
    r1 = reply(world, fresh(item), ours, "A")
    r2 = reply(world, fresh(item), spare, "B")
    rate(world, item, grade="good", reply=r1, praise=True)
    rate(world, item, grade="average", reply=r2)
    assert fresh(item).state == "evaluated"

    cur = figures(world)
    assert (cur["replied"], cur["feedback"]) == (1, 1)
    assert grades(cur) == {"good": 0, "fair": 0, "average": 1, "poor": 0}
    assert [t["count"] for t in cur["by_reply_type"]] == [0, 1, 0]  # B: spare_unit's reply was sent last
    assert (cur["praised_items"], cur["praised_units"]) == (1, 1)
    rows = units(world)
    assert rows[world.lead_unit.pk]["grades"]["good"] == 1 and rows[world.lead_unit.pk]["praise"] == 1
    assert rows[world.spare_unit.pk]["grades"]["average"] == 1 and rows[world.spare_unit.pk]["praise"] == 0
    assert rows[world.lead_unit.pk]["reply_types"] == {"A": 1, "B": 0, "C": 0}
    assert rows[world.spare_unit.pk]["reply_types"] == {"A": 0, "B": 1, "C": 0}


def test_the_three_contacts_per_unit_and_the_share_of_items_with_all_three(world):
    """办前面商、办中沟通、办后回访 (DOMAIN rule 5), counted per unit on its own lead and separate
    items; a co-handling unit's consultation is its own, not the lead's."""
    full = make_item(world, "evaluated", reply_type="B", co=True)
    consult(world, full, kind="during", form="phone")
    consult(world, full, kind="after")
    consult(world, full, Assignment.objects.get(item=full, role="co"), kind="during", form="meeting")
    partial = make_item(world, "replied", reply_type="A", co=False)
    consult(world, partial, kind="after", form="phone")
    make_item(world, "handling", co=False)  # not met yet

    rows = units(world)
    assert rows[world.lead_unit.pk]["contacts"] == {"before": 2, "during": 1, "after": 2, "all": 1}
    assert rows[world.co_unit.pk]["contacts"] == {"before": 0, "during": 0, "after": 0, "all": 0}  # co items are not its own
    cur = figures(world)
    assert (cur["contacts_all_three"], cur["contacts_share"]) == (1, 50)  # of the two replied


def test_as_of_a_past_day_counts_only_what_was_recorded_by_then(world):
    """Submitted, replied and rated three days ago; TODAY a second item is closed and the first
    rated again after re-handling. As of yesterday: neither counts."""
    first = make_item(world, "rehandling", reply_type="A", co=False)
    reply(world, fresh(first), lead_assignment(first), "C")
    second = make_item(world, "evaluated", reply_type="A", co=False)
    shift_history(3)
    rate(world, first, grade="good")
    close_by_report(world, second)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    now, then = figures(world), figures(world, as_of=yesterday)
    assert (now["closed"], then["closed"]) == (2, 0)  # C closes on the rating
    assert (now["feedback"], then["feedback"]) == (2, 1)  # first: awaiting its second rating then
    assert grades(now) == {"good": 2, "fair": 0, "average": 0, "poor": 0}
    assert grades(then) == {"good": 1, "fair": 0, "average": 0, "poor": 0}
    assert now["received"] == then["received"] == 2 and now["c_items"] == then["c_items"] == 1
    # Nothing recorded yet three days ago and more: registered three days ago, counted from then on.
    earlier = timezone.localdate() - datetime.timedelta(days=4)
    assert figures(world, as_of=earlier)["received"] == 0
    assert units(world, as_of=earlier) == {}
    assert units(world, as_of=yesterday)[world.lead_unit.pk]["closed"] == 0
    assert Reply.objects.filter(state="sent").count() == 3
