"""CI's small benchmark (issue 16.6): at 1,000 generated items every benchmark page runs the
number of queries pinned in bench/query_counts.json for this database, so a query added to a page,
or one that now runs per row, cannot land unnoticed. Timings are `make bench`'s business."""

import os

import pytest
from django.db import connection

from bench.generate import generate
from bench.query_counts import SCALE, SEED, page_counts, pin, pinned

pytestmark = pytest.mark.django_db


def test_every_page_runs_its_pinned_number_of_queries():
    summary = generate(SCALE, seed=SEED, batch=500, progress=None)
    counts = page_counts(summary)
    if os.environ.get("BANLI_PIN_QUERY_COUNTS") == "1":
        pin(connection.vendor, counts)
        return
    expected = pinned(connection.vendor)
    changed = {k: (expected.get(k), v) for k, v in counts.items() if expected.get(k) != v}
    gone = sorted(set(expected) - set(counts))
    assert not changed and not gone, (
        f"query counts on {connection.vendor} differ from bench/query_counts.json (case: (pinned, now)): {changed}"
        f"{'; cases gone: ' + str(gone) if gone else ''}. If the change is meant, pin it with "
        "`python -m bench.query_counts --update` on SQLite and on PostgreSQL.")
