"""A district leader reads a share of every item (their portfolio's units), so their list tests the
items one by one as it walks them newest first and stops after a page (issue 16: the union of a
leader's ids, or PostgreSQL's hashed form of the same test, is built whole before the first row:
844 ms at 1M items). The plan is what makes it cost the same at 1k and at 1M, so the plan is
what is checked, on PostgreSQL (SQLite has no hashed subplans)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import QueryDict

from banli.org.models import StaffRole
from banli.paging import STAFF_COUNT_CAP
from banli.proposals import selectors
from bench.generate import generate

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif("connection.vendor != 'postgresql'", reason="a PostgreSQL plan: SQLite has no hashed subplans to avoid")]


def plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN " + sql, params)
        return "\n".join(r[0] for r in cur.fetchall())


def test_a_district_leaders_list_tests_each_item_instead_of_gathering_all_they_read():
    generate(400, seed=3, batch=200, progress=None)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    leader = get_user_model().objects.filter(staff_roles__kind=StaffRole.Kind.DISTRICT_LEADER, portfolio_units__isnull=False).distinct().first()
    qs = selectors.item_list(leader, QueryDict("")).prefetch_related(None)
    for shape in (plan(qs[:20]), plan(qs.order_by().values("pk")[:STAFF_COUNT_CAP + 1])):
        assert "SubPlan" in shape, shape
        assert "hashed SubPlan" not in shape and "HashAggregate" not in shape and "Unique" not in shape, shape
    # And it lists exactly what the leader may read, newest first.
    listed = list(qs.values_list("pk", flat=True)[:20])
    assert listed and listed == sorted(listed, reverse=True)
