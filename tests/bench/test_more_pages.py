"""bench.more_pages at a tiny scale: the item page of a busy item and the deadlines list render for
the office and a liaison, and the deadlines floor counts the rows the page's selector counts."""

import pytest

from bench.generate import generate
from bench.more_pages import more_cases, run_more_cases

pytestmark = pytest.mark.django_db


def test_more_page_cases_at_a_tiny_scale():
    summary = generate(300, seed=3, batch=100, progress=None)
    rows = {r["case"]: r for r in run_more_cases(summary, repeat=1, warmup=0, target_ms=100, progress=None)}
    assert list(rows) == [c["key"] for c in more_cases(summary)] == [
        "item page (gov office)", "deadlines (gov office)", "item page (unit liaison)", "deadlines (unit liaison)"]
    for name, r in rows.items():
        assert r["mismatch"] == [] and r["hits"] > 0, name
        assert r["queries"] > 0 and r["floor_queries"] > 0 and 0 < r["p50_ms"] <= r["p95_ms"], name
    # The office sees every unit's milestones, the liaison only its unit's.
    assert rows["deadlines (gov office)"]["hits"] > rows["deadlines (unit liaison)"]["hits"]
