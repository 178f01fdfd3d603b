"""On PostgreSQL the search finds its matches session by session in the index and tests each
match's item against the reader's list (visibility, filters) by key, one test per match (issue 16:
joined instead, PostgreSQL hashed every published item for the public search, 205 ms at 1M items,
and a unit's whole history for its liaison's, 16 s). The plan is what makes it cost the same at
1k and at 1M, so the plan of the probe is what is checked."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from banli.portal import rules
from banli.proposals import selectors
from banli.search.query import matching
from bench.generate import generate

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif("connection.vendor != 'postgresql'", reason="a PostgreSQL plan: SQLite has no hashed subplans to avoid")]


def probe_plan(run) -> str:
    with CaptureQueriesContext(connection) as captured:
        run()
    probe = next(q["sql"] for q in captured.captured_queries if "CROSS JOIN LATERAL" in q["sql"])
    with connection.cursor() as cur:
        cur.execute("EXPLAIN " + probe)
        return "\n".join(r[0] for r in cur.fetchall())


@pytest.fixture
def district():
    summary = generate(400, seed=5, batch=200, progress=None)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return summary


def test_each_match_is_tested_by_key_never_joined_to_what_the_reader_may_read(district):
    User = get_user_model()
    runs = {
        "public": lambda: list(matching(rules.public_items(), "养老", scope="public").values_list("pk", flat=True)),
        "liaison": lambda: list(selectors.item_list(User.objects.get(pk=district["busiest_unit_liaison_id"]), QueryDict("q=养老"))),
        "leader": lambda: list(selectors.item_list(User.objects.get(pk=district["leader_user_id"]), QueryDict("q=养老"))),
        "office": lambda: list(selectors.item_list(User.objects.get(pk=district["gov_user_id"]), QueryDict("q=养老&state=handling"))),
    }
    for who, run in runs.items():
        plan = probe_plan(run)
        assert "SubPlan" in plan, (who, plan)
        assert "Hash" not in plan and "Materialize" not in plan, (who, plan)
