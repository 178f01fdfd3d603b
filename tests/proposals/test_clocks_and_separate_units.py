"""Clocks run only while the step can be taken (DOMAIN §5), and in separate handling (分办, rule 3)
each unit's reply is rated, tracked, closed and published on its own, while the other units are
still handling the item. Found by rebuilding a real year: on a 分办 item where one unit had replied,
and on an item in re-handling, the feedback, progress and publication clocks went late while the
steps were refused ("当前状态为办理中"), leaving permanent overdue records."""

import datetime

import pytest
from django.utils import timezone

from banli.deadlines.models import Deadline, OverdueEvent
from banli.deadlines.scan import run_scan
from banli.deadlines.sync import sync_item
from banli.proposals import actions
from banli.proposals.models import Assignment, Feedback, ItemState, Publication, Reply
from banli.workdays.calendar import add_working_days, is_working_day
from tests.builders import consult, fresh, make_item, rate, reply
from tests.checks import assert_audit, refused
from tests.clocks import clocks_without_a_step

pytestmark = pytest.mark.django_db


def _units(item):
    return list(Assignment.objects.filter(item=item).select_related("unit").order_by("id"))


def _one_unit_replied(world, reply_type="A"):
    """分办 between lead_unit and spare_unit; lead_unit has replied, spare_unit is still handling."""
    item = make_item(world, state="handling", separate=True, consent_publish=True)
    first, second = _units(item)
    r = reply(world, item, first, reply_type)
    assert fresh(item).state == ItemState.HANDLING
    return item, first, second, r


def test_a_separate_units_reply_is_rated_while_the_other_unit_handles(world, member):
    item, first, second, r = _one_unit_replied(world)
    fb = actions.give_feedback(member, item.pk, reply_id=r.pk, grade="good", agrees=True)
    assert Feedback.objects.get(reply=r) == fb
    assert Deadline.objects.get(key=f"feedback:{r.pk}").state == Deadline.State.MET
    assert fresh(item).state == ItemState.HANDLING  # the other unit still owes its reply
    assert clocks_without_a_step([item.pk]) == []


def test_a_separate_unit_reports_progress_and_closes_on_its_own(world, member, gov_office):
    item, first, second, r = _one_unit_replied(world, "A")
    liaison, head = world.liaison_of(first.unit), world.head_of(first.unit)
    actions.report_progress(liaison, item.pk, assignment=first.pk, text="已完成选址")  # refused before: item in 办理中
    with refused("not_rated"):
        actions.file_closure_report(liaison, item.pk, assignment=first.pk, text="已完成", done_on=datetime.date.today())
    rate(world, item, reply=r)
    actions.file_closure_report(liaison, item.pk, assignment=first.pk, text="已完成", done_on=datetime.date.today())
    report = actions.approve_closure_report(head, item.pk, assignment=first.pk, comment="同意")
    assert_audit("approve_closure_report", item=item, actor=head, target=report)
    assert Assignment.objects.get(pk=first.pk).closed_at is not None
    assert Assignment.objects.get(pk=second.pk).closed_at is None
    assert fresh(item).state == ItemState.HANDLING
    assert clocks_without_a_step([item.pk]) == []


def test_each_separate_reply_is_published_on_its_own(world, gov_office):
    item, first, second, r = _one_unit_replied(world)
    publish = Deadline.objects.get(kind="publication", item=item)
    assert (publish.assignment_id, publish.state) == (first.pk, Deadline.State.OPEN)
    # With one unit replied the office need not name it; the other unit has nothing to publish yet.
    rec = actions.decide_publication(gov_office, item.pk, publish=True)
    assert (rec.assignment_id, rec.kind) == (first.pk, "publish")
    assert_audit("decide_publication", item=item, actor=gov_office, target=rec, after={"publication": "published", "unit": first.unit_id})
    with refused("not_replied"):
        actions.decide_publication(gov_office, item.pk, assignment=second.pk, publish=True)
    assert Assignment.objects.get(pk=first.pk).publication == Publication.PUBLISHED
    assert fresh(item).publication == Publication.PUBLISHED

    reply(world, item, second, "A")
    assert fresh(item).publication == Publication.UNDECIDED  # the second reply awaits its own decision
    with refused("invalid", field="assignment"):  # two replying units: the office names the one it decides on
        actions.decide_publication(gov_office, item.pk, publish=False, reason="涉及个人信息")
    actions.decide_publication(gov_office, item.pk, assignment=second.pk, publish=False, reason="涉及个人信息")
    assert [a.publication for a in _units(item)] == [Publication.PUBLISHED, Publication.WITHHELD]
    assert fresh(item).publication == Publication.PUBLISHED
    assert set(Deadline.objects.filter(kind="publication", item=item).values_list("assignment_id", "state")) == {
        (first.pk, "met"), (second.pk, "met")}
    # Revoking one unit's reply leaves the other's decision alone.
    actions.revoke_publication(gov_office, item.pk, assignment=first.pk, reason="方案调整")
    assert [a.publication for a in _units(item)] == [Publication.REVOKED, Publication.WITHHELD]


def test_the_office_to_do_offers_each_replied_unit_for_publication(world, gov_office):
    from banli.proposals.todo import todo_sections

    item, first, second, r = _one_unit_replied(world)
    card = next(s for s in todo_sections(gov_office) if s.key == "publication")
    assert (card.total, [e.anchor for e in card.entries]) == (1, [f"do-decide_publication-{first.pk}"])


def test_a_proposer_to_do_lists_a_separate_reply_to_rate(world, member):
    from banli.proposals.todo import todo_sections

    item, first, second, r = _one_unit_replied(world)
    card = next(s for s in todo_sections(member) if s.key == "to_rate")
    assert card.total == 1 and card.entries[0].item.pk == item.pk


def test_no_progress_clock_while_the_unit_owes_a_second_reply(world):
    item = make_item(world, state="rehandling", reply_type="A")
    assert not Deadline.objects.filter(item=item, kind="progress", state__in=("open", "late")).exists()
    lead = next(a for a in _units(item) if a.role == "lead")
    with refused("reply_owed"):
        actions.report_progress(world.liaison_of(lead.unit), item.pk, assignment=lead.pk, text="推进中")
    assert clocks_without_a_step([item.pk]) == []


def test_publication_is_decided_while_the_item_is_re_handled(world, gov_office):
    item = make_item(world, state="rehandling", reply_type="A", consent_publish=True)
    assert Deadline.objects.get(item=item, kind="publication").state == Deadline.State.OPEN
    actions.decide_publication(gov_office, item.pk, publish=True)  # refused before: "当前状态为重新办理"
    assert fresh(item).publication == Publication.PUBLISHED


def test_the_second_reply_needs_a_new_contact_with_the_proposer(world):
    """Rule 9: in re-handling the unit contacts the proposer again before the second reply."""
    item = make_item(world, state="rehandling", reply_type="A")
    lead = next(a for a in _units(item) if a.role == "lead")
    liaison = world.liaison_of(lead.unit)
    actions.draft_reply(liaison, item.pk, assignment=lead.pk, reply_type="A", body="再次答复", signatory="张主任", contact_person="李")
    actions.submit_reply(liaison, item.pk, assignment=lead.pk)
    actions.approve_reply(world.head_of(lead.unit), item.pk, assignment=lead.pk)
    with refused("no_second_contact"):
        actions.send_reply(liaison, item.pk, assignment=lead.pk)
    consult(world, item, lead, kind="during", form="phone")
    actions.send_reply(liaison, item.pk, assignment=lead.pk)
    assert fresh(item).state == ItemState.REPLIED


def test_a_follow_up_visit_after_closure(world):
    """Rule 5: the visit after handling (办后回访) is recorded after closure; nothing else is."""
    item = make_item(world, state="closed", reply_type="A")
    lead = next(a for a in _units(item) if a.role == "lead")
    liaison = world.liaison_of(lead.unit)
    with refused("invalid", field="kind"):
        consult(world, item, lead, kind="during", form="phone")
    c = consult(world, item, lead, kind="after", form="visit")
    assert (c.kind, fresh(item).state) == ("after", ItemState.CLOSED)
    assert_audit("record_consultation", item=item, actor=liaison, target=c, count=2)  # the first: the meeting before the reply


def test_after_a_long_wait_every_late_milestone_was_a_step_someone_could_take(world):
    """Months later, every clock that went late (and so left an overdue record) was one whose
    step was open to the person it waited on: every overdue event was avoidable."""
    items = [
        _one_unit_replied(world, "A")[0],
        make_item(world, state="rehandling", reply_type="A", consent_publish=True),
        make_item(world, state="rehandling", reply_type="B", separate=True),
        make_item(world, state="replied", reply_type="B"),
        make_item(world, state="evaluated", reply_type="A"),
        make_item(world, state="closed", reply_type="C"),
    ]
    ids = [i.pk for i in items]
    later = timezone.localdate() + datetime.timedelta(days=200)
    for pk in ids:
        sync_item(pk, today=later)
    assert OverdueEvent.objects.filter(item_id__in=ids).exists(), "the wait made some milestones late"
    assert clocks_without_a_step(ids) == []
    late_kinds = set(Deadline.objects.filter(item_id__in=ids, state="late").values_list("kind", flat=True))
    assert {"feedback", "publication", "progress", "second_reply"} <= late_kinds


def test_the_scan_records_no_feedback_for_a_separate_reply(world):
    """The scan's "no feedback" step used to be refused for a 分办 item still in handling, logged
    as a warning, and the feedback row stayed late for ever."""
    item, first, second, r = _one_unit_replied(world)
    Reply.objects.filter(pk=r.pk).update(sent_at=timezone.now() - datetime.timedelta(days=90))
    sync_item(item.pk)
    # On a working day: the scan records "no feedback" on working days only (not on a Saturday).
    day = timezone.localdate()
    result = run_scan(day if is_working_day(day) else add_working_days(day, -1))
    fb = Feedback.objects.get(reply=r)
    assert fb.lapsed and fb.grade is None
    assert result["feedback_lapsed"] == 1
    assert fresh(item).state == ItemState.HANDLING


def test_a_separate_reply_is_rated_and_decided_while_the_other_unit_has_not_signed(world, member, gov_office):
    """Found by the state machine on PostgreSQL: one separate unit signed and replied while the other
    had not signed yet (the item still 已交办); its publication and progress clocks ran, refused."""
    item = make_item(world, state="assigned", separate=True, consent_publish=True)
    first, second = _units(item)
    actions.sign(world.liaison_of(first.unit), item.pk, assignment=first.pk)
    r = reply(world, item, first, "A")
    assert fresh(item).state == ItemState.ASSIGNED
    assert clocks_without_a_step([item.pk]) == []
    actions.give_feedback(member, item.pk, reply_id=r.pk, grade="good", agrees=True)
    actions.report_progress(world.liaison_of(first.unit), item.pk, assignment=first.pk, text="推进中")
    actions.decide_publication(gov_office, item.pk, assignment=first.pk, publish=True)
    assert fresh(item).state == ItemState.ASSIGNED
    assert clocks_without_a_step([item.pk]) == []
