"""The report benchmark (bench/report.py) at a tiny scale: its hand-written SQL floor computes the
same figures as reports.statistics, so the ratio compares like with like. Timings mean nothing
here; `make bench` measures."""

import pytest

from bench.generate import generate
from bench.report import floor_figures, largest_session, differences, report_case
from banli.reports.periods import period
from banli.reports.statistics import yearly_figures

pytestmark = pytest.mark.django_db


def test_the_sql_floor_states_the_same_figures_as_the_report():
    generate(300, seed=7, batch=100, progress=None)
    session_id, n = largest_session()
    figures = yearly_figures(period("session", session_id))
    assert n > 0 and figures["current"]["received"] > 0
    assert differences(figures, floor_figures(session_id)) == []
    row = report_case(repeat=1, warmup=0)
    assert row["mismatch"] == [] and row["queries"] > 0 and row["floor_queries"] > 0 and row["ratio"] > 0


def test_a_wrong_figure_is_caught():
    generate(120, seed=8, batch=60, progress=None)
    session_id, _ = largest_session()
    figures = yearly_figures(period("session", session_id))
    figures["current"]["closed"] += 1
    assert any("closed" in p for p in differences(figures, floor_figures(session_id)))
