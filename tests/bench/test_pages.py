"""The page benchmark (bench/pages.py) at a tiny scale, so CI runs its code path: every page renders
through the test Client, each floor reads the same rows as its page, and the generator gives each
user the bench logs in as something to see. Timings here mean nothing; `make bench` measures."""

import pytest

from banli.deadlines.models import Deadline, OverdueEvent
from banli.deadlines.sync import sync_item
from banli.proposals.models import Item
from bench.generate import generate
from bench.pages import page_cases, run_page_cases

pytestmark = pytest.mark.django_db


def test_page_cases_at_a_tiny_scale():
    summary = generate(300, seed=3, batch=100, progress=None)
    rows = {r["case"]: r for r in run_page_cases(summary, repeat=1, warmup=0, progress=None)}
    assert list(rows) == [c["key"] for c in page_cases(summary)]
    for name, r in rows.items():
        assert r["mismatch"] == [], name
        assert r["queries"] > 0 and r["floor_queries"] > 0 and r["n"] == 1, name
        assert 0 < r["p50_ms"] <= r["p95_ms"] and r["floor_p50_ms"] > 0, name
        assert r["slowest"] and r["slowest"][0]["sql"], name
    # Each role has work on its to-do page, even at 300 items.
    member = rows["todo member"]["sections"]
    assert all(member[k] > 0 for k in ("drafts", "cosign", "to_rate", "unread", "answers")), member
    gov = rows["todo gov office"]["sections"]
    assert gov["late"] > 0 and gov["questions"] > 0 and gov["to_assign"] > 0, gov
    liaison = rows["todo unit liaison"]["sections"]
    assert liaison["unit_questions"] > 0 and sum(v for k, v in liaison.items() if k != "unit_questions") > 0, liaison
    assert rows["todo assembly office"]["sections"]["review"] > 0
    assert rows["list late=1 (gov office)"]["hits"] > 0 and rows["list q=养老 (gov office)"]["hits"] > 0
    assert rows["list session+state+category (gov office)"]["hits"] > 0
    # A member's and a district leader's list (visibility as a union of index lookups, issue 16):
    # each reads items by several ways, own and co-signed, a portfolio's units and key items.
    assert rows["list all (member)"]["hits"] > 0 and rows["list all (district leader)"]["hits"] > 0
    assert {"list q=养老 (member)", "list q=养老 (district leader)"} <= set(rows)


def test_generated_deadlines_are_what_sync_writes():
    generate(80, seed=5, batch=30, progress=None)
    fields = ["key", "kind", "item_id", "assignment_id", "unit_id", "starts_on", "due_on", "state", "met_on", "waived_reason"]
    before = sorted(Deadline.objects.values_list(*fields))
    events = OverdueEvent.objects.count()
    assert before and events
    assert Deadline.objects.filter(state=Deadline.State.LATE, item__isnull=False).exists()
    for item_id in Item.objects.values_list("pk", flat=True):
        sync_item(item_id)
    assert sorted(Deadline.objects.values_list(*fields)) == before
    assert OverdueEvent.objects.count() == events
