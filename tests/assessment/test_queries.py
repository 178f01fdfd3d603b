"""standings() reads each kind of record once (facts.py): its number of queries is the same for a
small year and for a larger one with more units and more items, whatever the preset. The worlds
are the benchmark's generator at a tiny scale (bench/generate.py: items with their histories,
deadlines, overdue events, grades, liaison changes, entries and self-assessments, and one scheme
of each of two presets); each is made inside a savepoint rolled back after it is counted."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from banli.assessment.compute import compute, standings
from banli.assessment.models import Entry, Scheme, SelfAssessment
from banli.org.models import UnitLiaison
from banli.proposals.models import Assignment, LeadCoGrade
from bench.generate import generate

pytestmark = pytest.mark.django_db


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _world(items, units) -> dict:
    """Generate a world, count the queries of each scheme's standings (and of one unit's
    explanation), and say how big the world was; then forget it."""
    with transaction.atomic():
        generate(items, seed=11, batch=100, progress=None, units=units)
        out = {"units": 0, "assignments": Assignment.objects.count()}
        assert LeadCoGrade.objects.exists() and Entry.objects.exists() and SelfAssessment.objects.exists()
        assert UnitLiaison.objects.filter(ended_on__isnull=False).exists()
        for scheme in Scheme.objects.order_by("year"):
            ranked = standings(scheme)
            out["units"] = max(out["units"], len(ranked))
            out[scheme.style] = _queries(lambda s=scheme: standings(s))
            out[f"{scheme.style} one unit"] = _queries(lambda s=scheme, u=ranked[0].unit: compute(s, unit_id=u, records=True))
        transaction.set_rollback(True)
    return out


def test_standings_queries_do_not_grow_with_units_or_items():
    small = _world(60, 20)
    large = _world(400, 150)
    assert large["units"] > 2 * small["units"] and large["assignments"] > 4 * small["assignments"], (small, large)
    for key in ("weighted", "per_item", "weighted one unit", "per_item one unit"):
        assert large[key] == small[key], (key, small, large)
    assert small["weighted"] <= 20, small
