"""The report page benchmark (bench/report_page.py) at a tiny scale: it opens the real page as the
government office, and a request with the figures kept reads fewer rows than one after a change,
which reads as many as one with nothing kept. Timings mean nothing here; `make bench` measures."""

import pytest

from bench.generate import generate
from bench.report import report_page_cases

pytestmark = pytest.mark.django_db


def test_the_report_page_case_times_it_kept_after_a_change_and_with_nothing_kept():
    summary = generate(200, seed=5, batch=100, progress=None)
    warm, cold, nothing = report_page_cases(summary, repeat=2, warmup=0)
    assert warm["url"].startswith("/reports/?kind=session&value=") and warm["hits"] > 0
    # Kept: only the page's own reads (session, user, roles, the period, the badge, the column
    # heads and the period picker); the figures and the unit table are not read again.
    assert warm["queries"] == 9 < cold["queries"]
    assert nothing["queries"] == cold["queries"]
    assert all(r["p50_ms"] > 0 and r["floor_queries"] > 0 for r in (warm, cold, nothing))
