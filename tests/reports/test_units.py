"""The unit table (DOMAIN §6.2): per unit, items led / co-handled / handled separately, milestones
met on time (signing, meeting the proposer, replying, co-handling opinion, answering messages),
reply types, closures, grades (its own and as a co-handling unit), praise, disagreements,
adjustment requests, urges and message answer times. Exact rows for the hand-worked world."""

import datetime

import pytest
from django.utils import timezone

from banli.deadlines.sync import sync_item
from banli.proposals import actions
from banli.proposals.models import Assignment
from banli.reports.periods import period
from banli.reports.statistics import yearly_figures
from banli.reports.units import unit_table
from tests.builders import fresh, lead_assignment, make_item, rate, reply, reply_fields
from tests.reports import known_figures as kw_
from tests.reports.known_figures import unit_row
from tests.reports.known_world import build_known_world

pytestmark = pytest.mark.django_db


def test_unit_table_of_a_session_and_of_the_one_before(world):
    kw = build_known_world(world)
    rows = unit_table(period("session", kw.session.pk))
    expected = kw_.session_unit_table(kw)
    assert [r["name"] for r in rows] == ["区住房和城乡建设委员会", "城东街道办事处", "区交通委员会"]
    for got, want in zip(rows, expected):
        assert got == want, got["name"]
    assert rows == expected
    # As of yesterday: TODAY's closure, ratings, reply, after visit and urge left out.
    assert unit_table(period("session", kw.session.pk), as_of=kw.yesterday) == kw_.session_unit_table(kw, yesterday=True)

    # P: four items led by lead_unit, all signed, met and replied on time; p1 closed by report,
    # p2 (C) closed on feedback; replies A p1 p4, B p3, C p2; grades 好 p1 p2, 较好 p3; praise on p2;
    # each proposer met before the reply, and no other contact.
    assert unit_table(period("session", kw.previous_session.pk)) == [
        unit_row(world.lead_unit, lead=4, closed=2, sign=(4, 0), consult=(4, 0), reply=(4, 0), reply_types=(2, 1, 1),
                 grades=(2, 1, 0, 0), praise=1, contacts=(4, 0, 0, 0)),
    ]
    # The term adds both up, unit by unit.
    term = {r["id"]: r for r in unit_table(period("term", world.ref.cppcc_term.pk))}
    assert term[world.lead_unit.pk]["lead"] == 12 and term[world.lead_unit.pk]["sign"] == {"due": 14, "on_time": 14, "late": 0, "rate": 100}
    assert term[world.lead_unit.pk]["reply_types"] == {"A": 6, "B": 4, "C": 2}
    assert term[world.lead_unit.pk]["contacts"] == {"before": 12, "during": 4, "after": 2, "all": 2}
    assert term[world.spare_unit.pk] == expected[1]
    # The congress's suggestions: their own table.
    npc = unit_table(period("session", world.npc_session.pk))
    assert [(r["id"], r["lead"], r["co"], r["closed"]) for r in npc] == [(world.lead_unit.pk, 2, 0, 1), (world.co_unit.pk, 0, 1, 0)]


def test_late_milestones_count_late_whether_done_since_or_still_open(world):
    """A unit that has not signed 30 days after assignment is late (still open); one that signed
    late is late too; a milestone still open and not yet due counts neither way."""
    open_late = make_item(world, "assigned", co=True)
    done_late = make_item(world, "assigned", co=False)
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Assignment.objects.filter(item__in=[open_late, done_late]).update(assigned_at=long_ago)
    sync_item(open_late.pk)
    sync_item(done_late.pk)
    actions.sign(world.lead_liaison, done_late.pk, assignment=lead_assignment(done_late).pk)
    # The proposer's message to the unit, unanswered for three weeks.
    msg = actions.post_message(world.member, done_late.pk, body="请问进展如何？")
    type(msg).objects.filter(pk=msg.pk).update(at=timezone.now() - datetime.timedelta(days=21))
    sync_item(done_late.pk)

    rows = {r["id"]: r for r in unit_table(period("session", world.cppcc_session.pk))}
    lead, co = rows[world.lead_unit.pk], rows[world.co_unit.pk]
    assert lead["sign"] == {"due": 2, "on_time": 0, "late": 2, "rate": 0}
    assert co["sign"] == {"due": 1, "on_time": 0, "late": 1, "rate": 0}
    assert lead["message"] == {"due": 1, "on_time": 0, "late": 1, "rate": 0}
    assert lead["message_hours"] is None  # not answered: no answer time
    # Meeting the proposer: opened at signing, not yet due. The co-handling opinion is due a month
    # after assignment: 30 days back, so it may or may not be due yet; the reply is not.
    assert lead["consult"] == {"due": 0, "on_time": 0, "late": 0, "rate": 0}
    assert lead["reply"] == {"due": 0, "on_time": 0, "late": 0, "rate": 0}



def test_unit_reply_types_agree_with_the_report_breakdown(world):
    """Each item handled by one unit: the unit table's reply types add up to the report's
    breakdown by reply type. An item replied to again after 不同意 (first A, then B) counts once,
    under its type now; so does a C reply converted into A."""
    rehandled = make_item(world, "rehandling", reply_type="A", co=False)
    reply(world, fresh(rehandled), lead_assignment(rehandled), "B")
    rate(world, fresh(rehandled), grade="good")
    converted = make_item(world, "closed", reply_type="C", co=False)
    lead = lead_assignment(converted)
    actions.convert_reply_type(world.lead_liaison, converted.pk, assignment=lead.pk, **reply_fields("A", body="条件已成熟，已列入今年实施"))
    actions.submit_reply(world.lead_liaison, converted.pk, assignment=lead.pk)
    actions.approve_reply(world.lead_head, converted.pk, assignment=lead.pk)
    actions.send_reply(world.lead_liaison, converted.pk, assignment=lead.pk)
    make_item(world, "closed", reply_type="A", co=False)

    p = period("session", world.cppcc_session.pk)
    report = {t["code"]: t["count"] for t in yearly_figures(p)["current"]["by_reply_type"]}
    assert report == {"A": 2, "B": 1, "C": 0}
    (row,) = unit_table(p)
    assert row["reply_types"] == report, "the unit table counts superseded replies beside the item's type now"



def test_a_milestone_past_due_counts_late_before_the_nightly_scan_marks_it(world):
    """The deadline rows were last brought up to date 30 days ago (the item was assigned then;
    the scan has not run since, e.g. the worker was down): signing, due 5 working days after
    assignment, is past due and not done. The table counts it late from the records and the
    date, not from whether the scan has flipped the row yet."""
    item = make_item(world, "assigned", co=False)
    then = timezone.now() - datetime.timedelta(days=30)
    Assignment.objects.filter(item=item).update(assigned_at=then)
    sync_item(item.pk, today=timezone.localdate(then))
    from banli.deadlines.models import Deadline

    row = Deadline.objects.get(key=f"sign:{lead_assignment(item).pk}")
    assert row.state == "open" and row.due_on < timezone.localdate()  # what the records say today

    (unit,) = unit_table(period("session", world.cppcc_session.pk))
    assert unit["sign"] == {"due": 1, "on_time": 0, "late": 1, "rate": 0}



def test_the_rows_of_some_units_are_those_of_the_whole_table(world):
    """A leader's portfolio and the portal's unit page ask for a few units: the same rows, each
    read from those units' records alone, today and as of yesterday."""
    kw = build_known_world(world)
    p = period("session", kw.session.pk)
    for day in (None, kw.yesterday):
        whole = unit_table(p, as_of=day)
        ids = [r["id"] for r in whole]
        assert len(ids) == 3
        for some in ([ids[0]], [ids[2]], [ids[0], ids[1]], ids):
            assert unit_table(p, as_of=day, units=some) == [r for r in whole if r["id"] in some], some
    assert unit_table(p, units=[]) == []


def test_the_ratings_of_some_units_are_the_unit_tables(world):
    """What the leader's portfolio reads (unit_ratings): the unit table's counts and ratings of
    those units, today and as of yesterday, without the rest of the table."""
    from banli.reports.units import unit_ratings

    kw = build_known_world(world)
    p = period("session", kw.session.pk)
    shown = ("id", "name", "lead", "co", "separate", "closed", "grades", "praise", "disagreed")
    for day in (None, kw.yesterday):
        whole = unit_table(p, as_of=day)
        assert any(sum(r["grades"].values()) for r in whole) and any(r["disagreed"] or r["praise"] for r in whole)
        ids = [r["id"] for r in whole]
        for some in ([ids[0]], [ids[1], ids[2]], ids):
            got = unit_ratings(p, as_of=day, units=some)
            assert sorted(got) == sorted(some)
            for r in whole:
                if r["id"] in some:
                    assert {k: got[r["id"]][k] for k in shown} == {k: r[k] for k in shown}, r["name"]
