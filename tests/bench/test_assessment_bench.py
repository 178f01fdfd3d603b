"""The assessment benchmark (bench/assessment.py) at a tiny scale: the generator writes what the
assessment reads (both schemes, entries, self-assessments, the lead units' grades, liaison
changes), and the hand-written SQL floor (bench/assessment_floor.py) states the same figures as
standings(), for each preset, as of today and as of an earlier day, so the ratio compares like with
like. Timings mean nothing here; `make bench` and `python -m bench.assessment` measure."""

import datetime

import pytest

from banli.assessment.compute import standings
from banli.assessment.models import Entry, Scheme, SelfAssessment
from banli.org.models import Unit, UnitLiaison
from banli.proposals.models import LeadCoGrade
from bench.assessment import assessment_case, differences
from bench.assessment_floor import floor_counts
from bench.generate import generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def summary():
    return generate(300, seed=5, batch=100, progress=None, units=80)


def test_the_generator_writes_what_the_assessment_reads(summary):
    assert summary["units"] == Unit.objects.count() == 80
    assert {s.style: s.year for s in Scheme.objects.all()} == {"weighted": summary["schemes"]["weighted"], "per_item": summary["schemes"]["per_item"]}
    assert summary["schemes"]["per_item"] == summary["schemes"]["weighted"] + 1
    assert LeadCoGrade.objects.filter(assignment__role="co").count() == LeadCoGrade.objects.count() > 0
    for kind in Entry.Kind.values:
        assert Entry.objects.filter(kind=kind).exists(), kind
    assert Entry.objects.filter(withdrawn=True).exists()
    assert SelfAssessment.objects.exists()
    changed = [u for u in Unit.objects.all() if u.liaisons.count() > 1]
    assert changed and all(u.liaisons.filter(ended_on__isnull=True).count() == 1 for u in changed)
    assert UnitLiaison.objects.filter(started_on__gte=datetime.date.today() - datetime.timedelta(days=700)).exists()


def test_the_sql_floor_states_the_same_figures_as_standings(summary):
    for scheme in Scheme.objects.order_by("year"):
        for as_of in (None, datetime.date(scheme.year, 6, 30)):
            scores = standings(scheme, as_of=as_of)
            assert scores, scheme
            assert differences(scores, floor_counts(scheme, as_of=as_of), scheme) == [], (scheme.style, as_of)
    rows = assessment_case(repeat=1, warmup=0)
    assert [r["case"].split()[1] for r in rows] == ["weighted", "per_item"]
    for r in rows:
        assert r["mismatch"] == [] and r["queries"] > 0 and r["floor_queries"] > 0 and r["ratio"] > 0 and r["p50_ms"] > 0


def test_a_wrong_figure_is_caught(summary):
    scheme = Scheme.objects.get(style="weighted")
    scores = standings(scheme)
    counts = floor_counts(scheme)
    unit, kind, role = next(k for k, (n, ok) in counts["deadlines"].items() if k[1] == "sign" and n)
    counts["deadlines"][unit, kind, role][1] -= 1
    counts["liaison"][scores[0].unit] += 1
    problems = differences(scores, counts, scheme)
    assert any(": sign states" in p for p in problems) and any(": liaison states" in p for p in problems), problems
