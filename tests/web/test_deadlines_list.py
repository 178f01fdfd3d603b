"""The office's supervision list of open milestones (/deadlines/, issue 14 point 9): each late
milestone's working days late as the scan records them, filters by unit, kind and whom it waits
on, drafts' co-signing milestones left out unless asked, and an Excel file of exactly the rows the
page lists. Readers see only milestones of items they may read."""

import datetime
import io
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from banli.deadlines.models import Deadline, Milestone, OverdueEvent
from banli.deadlines.scan import run_scan
from banli.deadlines.sync import sync_item
from banli.org.models import Person
from banli.proposals import actions
from banli.proposals.models import Assignment
from banli.workdays.calendar import working_days_between
from tests.builders import lead_assignment, make_item, new_draft, today
from tests.web.pages import login, text

pytestmark = pytest.mark.django_db

# Session and user, the user's roles (one query: staff roles, units, liaison posts, people), the unread badge,
# the count, the page's rows (with item and unit), the unit picker's units: whatever the rows.
LIST_QUERIES = 7
# The same without the badge, the count and the picker; then the export's security event (issue
# 15.2): the audit chain's last row and the insert, after the chain's lock on PostgreSQL.
EXPORT_QUERIES = 4 + (3 if connection.vendor == "postgresql" else 2)


def assigned_long_ago(world, days=30, **kw):
    """An item assigned `days` calendar days ago that nobody signed for: its sign milestones late."""
    item = make_item(world, "assigned", **kw)
    Assignment.objects.filter(item=item).update(assigned_at=timezone.now() - datetime.timedelta(days=days))
    sync_item(item.pk)
    run_scan(today())
    return item


def rows(html) -> dict[int, list[str]]:
    """data-deadline id -> the row's cells as shown."""
    return {int(i): [" ".join(unescape(re.sub(r"<[^>]+>", "", c)).split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for i, row in re.findall(r'<tr[^>]*data-deadline="(\d+)">(.*?)</tr>', text(html), re.S)}


def listed(client, query="") -> dict[int, list[str]]:
    r = client.get(f"/deadlines/?{query}")
    assert r.status_code == 200
    return rows(r)


def exported(client, query="") -> list[list]:
    r = client.get(f"/deadlines/export.xlsx?{query}")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    return [list(row) for row in ws.iter_rows(min_row=2, values_only=True)]


def ids(**filters) -> set[int]:
    return set(Deadline.objects.filter(state__in=("open", "late"), **filters).values_list("pk", flat=True))


def test_a_late_milestone_shows_its_working_days_late_as_the_scan_counts_them(world, gov_office):
    item = assigned_long_ago(world, days=30, co=False)
    sign = Deadline.objects.get(key=f"sign:{lead_assignment(item).pk}")
    assert sign.state == Deadline.State.LATE
    event = OverdueEvent.objects.get(deadline=sign)
    days = working_days_between(sign.due_on, today())
    assert event.days_late == days and 10 <= days < 25  # weekends and holidays do not count
    row = listed(login(gov_office))[sign.pk]
    assert row[1] == "签收" and row[3] == world.lead_unit.name and row[4] == sign.due_on.isoformat()
    assert row[5] == f"超期 {days} 个工作日"


def test_an_open_milestone_shows_the_working_days_left(world, gov_office):
    item = make_item(world, "assigned", co=False)
    sign = Deadline.objects.get(key=f"sign:{lead_assignment(item).pk}")
    row = listed(login(gov_office))[sign.pk]
    assert row[5] == f"还剩 {working_days_between(today(), sign.due_on)} 个工作日"


def test_filters_by_unit_kind_and_whom_it_waits_on(world, gov_office):
    assigned_long_ago(world, co=True)
    make_item(world, "submitted")  # registration review: the assembly office's
    make_item(world, "replied", co=False)  # the proposer's rating; the office's publication decision
    c = login(gov_office)
    assert set(listed(c)) == ids()
    assert set(listed(c, f"unit={world.co_unit.pk}")) == ids(unit=world.co_unit) != set()
    assert set(listed(c, "kind=sign")) == ids(kind=Milestone.SIGN) != set()
    assert set(listed(c, "party=proposer")) == ids(kind=Milestone.FEEDBACK) != set()
    assert set(listed(c, "party=assembly_office")) == ids(kind=Milestone.REGISTER) != set()
    assert set(listed(c, "party=gov_office")) == ids(kind=Milestone.PUBLICATION) != set()
    assert set(listed(c, "party=unit")) == ids(unit__isnull=False) != set()
    assert set(listed(c, f"party=unit&kind=sign&late=1&unit={world.lead_unit.pk}")) == ids(
        kind=Milestone.SIGN, unit=world.lead_unit, state="late") != set()
    for d_id, cells in listed(c, "party=proposer").items():
        assert cells[2] == "提案人、联名人" and cells[1] == "评价答复"


def test_a_bad_filter_is_refused_with_a_message(world, gov_office):
    r = login(gov_office).get("/deadlines/?party=everyone")
    assert r.status_code == 400 and "未知的责任方。" in text(r)


def test_drafts_co_signing_milestones_are_left_out_unless_asked(world, gov_office, member, cosigner):
    draft = new_draft(world, title="尚未提交的草稿标题")
    actions.invite_cosigners(member, draft.pk, person_ids=[Person.objects.get(user=cosigner, assembly="cppcc").pk])
    cosign = Deadline.objects.get(kind=Milestone.COSIGN, item=draft)
    c = login(gov_office)
    assert cosign.pk not in listed(c)
    assert cosign.pk not in listed(c, "party=proposer")
    asked = c.get("/deadlines/?drafts=1")
    row = rows(asked)[cosign.pk]
    # The office reads no drafts: the row says a draft waits, not what it is called.
    assert row[0] == "草稿（未提交）" and row[1] == "联名确认"
    assert "尚未提交的草稿标题" not in text(asked) and f"/items/{draft.pk}/" not in text(asked)
    assert ["草稿（未提交）", "联名确认"] in [r[1:3] for r in exported(c, "drafts=1")]


def test_the_export_holds_exactly_the_rows_the_page_lists(world, gov_office):
    for _ in range(2):
        assigned_long_ago(world, co=True)
    make_item(world, "replied", co=False)
    c = login(gov_office)
    for query in ("", "late=1", f"unit={world.lead_unit.pk}", "party=gov_office", "kind=sign&late=1"):
        page = listed(c, query)
        sheet = exported(c, query)
        assert len(sheet) == len(page) > 0, query
        for cells, (number, title, kind, party, unit, starts, due, state, late, left) in zip(page.values(), sheet):
            assert cells[0] == f"{number} {title}".strip()
            assert [cells[1], cells[2], cells[3] if cells[3] != "—" else "", cells[4]] == [kind, party, unit or "", due.date().isoformat()]
            assert (f"超期 {late} 个工作日" if state == "已超期" else f"还剩 {left} 个工作日" if left else "今天到期") == cells[5]


def test_readers_see_only_milestones_of_items_they_may_read(world, lead_liaison, co_liaison, outsider_liaison, district_leader,
                                                           other_leader, member, cppcc_office):
    item = assigned_long_ago(world, co=True)
    make_item(world, "submitted")
    lead_rows, co_rows = ids(unit=world.lead_unit), ids(unit=world.co_unit)
    assert lead_rows and co_rows
    assert set(listed(login(lead_liaison))) == lead_rows
    assert set(listed(login(co_liaison))) == co_rows
    assert set(listed(login(district_leader))) == lead_rows | co_rows
    assert set(listed(login(cppcc_office))) == ids(kind=Milestone.REGISTER)
    for outsider in (outsider_liaison, other_leader, member):
        c = login(outsider)
        # Asking for another unit's rows, or for an item by id, gives nothing, on the page and in the file.
        assert listed(c, f"unit={world.lead_unit.pk}") == {} and listed(c, f"item={item.pk}") == {}
        assert exported(c, f"unit={world.lead_unit.pk}") == [] and exported(c) == []


def test_the_list_and_the_export_take_a_fixed_number_of_queries(world, gov_office):
    c = login(gov_office)
    counts = []
    for n in (1, 3):
        for _ in range(n):
            assigned_long_ago(world, co=True)
        with CaptureQueriesContext(connection) as page:
            assert len(listed(c)) > 0
        with CaptureQueriesContext(connection) as sheet:
            assert len(exported(c)) > 0
        counts.append((len(page), len(sheet)))
    assert counts[0] == counts[1] == (LIST_QUERIES, EXPORT_QUERIES)


def test_a_leader_reads_the_milestones_of_their_portfolio_and_of_the_key_items_they_lead(world, district_leader, other_leader):
    """The leader's scope: their units' milestones, and those of a key item they lead in another
    leader's units (asked by the item's key, not through a join over every item); not the other's."""

    def handled_by_outsider(**kw):
        item = make_item(world, "assigned", co=False, **kw)
        Assignment.objects.filter(item=item).update(unit=world.outsider_unit, assigned_at=timezone.now() - datetime.timedelta(days=30))
        Deadline.objects.filter(item=item).delete()
        sync_item(item.pk)
        return item

    in_portfolio = assigned_long_ago(world, co=False)
    elsewhere = handled_by_outsider()
    led = handled_by_outsider()
    type(led).objects.filter(pk=led.pk).update(is_key=True, key_leader=district_leader)
    run_scan(today())
    mine = {d.pk for d in Deadline.objects.filter(item__in=[in_portfolio, led], kind=Milestone.SIGN)}
    others = {d.pk for d in Deadline.objects.filter(item=elsewhere, kind=Milestone.SIGN)}
    assert len(mine) == 2 and len(others) == 1
    shown = set(listed(login(district_leader)))
    assert mine <= shown and not others & shown
    # The other leader supervises the unit handling both: they read those two, not the first leader's unit's.
    ours = {d.pk for d in Deadline.objects.filter(item=in_portfolio, kind=Milestone.SIGN)}
    shown = set(listed(login(other_leader)))
    assert others | (mine - ours) <= shown and not ours & shown
