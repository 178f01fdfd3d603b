"""A list counted up to a cap (banli.paging.ListPaginator(count_cap=…), issue 16): the exact total
while it is small, "more than the cap" past it, and every page still reachable."""

import pytest
from django.core.paginator import EmptyPage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banli.paging import ListPaginator
from banli.proposals.models import Item
from bench.generate import generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def items():
    generate(60, seed=7, batch=60, progress=None)
    qs = Item.objects.order_by("-id")
    assert qs.count() >= 60
    return qs


def test_past_the_cap_the_count_says_more_than_and_reads_no_further(items):
    p = ListPaginator(items, 7, count_cap=20)
    with CaptureQueriesContext(connection) as ctx:
        assert p.count == 20
    assert p.count_capped is True
    assert len(ctx.captured_queries) == 1 and "LIMIT 21" in ctx.captured_queries[0]["sql"]
    assert p.num_pages == 3


def test_every_page_past_the_cap_is_reachable_and_says_whether_another_follows(items):
    ids = list(items.values_list("pk", flat=True))
    p = ListPaginator(items, 7, count_cap=20)
    third = p.page(3)
    assert [i.pk for i in third] == ids[14:21] and third.has_next()
    last_number = -(-len(ids) // 7)
    last = ListPaginator(items, 7, count_cap=20).page(last_number)
    assert [i.pk for i in last] == ids[(last_number - 1) * 7:] and not last.has_next() and last.has_previous()
    deep = ListPaginator(items, 7, count_cap=20).page(last_number - 1)
    assert [i.pk for i in deep] == ids[(last_number - 2) * 7:(last_number - 1) * 7] and deep.has_next()
    with pytest.raises(EmptyPage):
        ListPaginator(items, 7, count_cap=20).page(last_number + 1)
    # A page past the end, asked for by get_page, shows the last counted page, not an error.
    fallback = ListPaginator(items, 7, count_cap=20).get_page(last_number + 5)
    assert fallback.number == 3 and [i.pk for i in fallback] == ids[14:21]


def test_under_the_cap_the_count_is_exact_and_pages_as_django_does(items):
    n = items.count()
    p = ListPaginator(items, 7, count_cap=1000)
    assert p.count == n and p.count_capped is False and p.num_pages == -(-n // 7)
    with pytest.raises(EmptyPage):
        p.page(p.num_pages + 1)
    exact = ListPaginator(items.filter(pk__in=list(items.values_list("pk", flat=True)[:20])), 7, count_cap=20)
    assert exact.count == 20 and exact.count_capped is False  # exactly the cap is not "more than"


def test_without_a_cap_the_count_is_exact(items):
    n = items.count()
    p = ListPaginator(items, 7)
    assert p.count == n and p.count_capped is False


def test_the_staff_lists_paginator_counts_up_to_a_thousand(items):
    from banli.paging import STAFF_COUNT_CAP, StaffListPaginator

    p = StaffListPaginator(items, 30)
    assert STAFF_COUNT_CAP == 1000 and p.count_cap == 1000 and p.count == items.count() and p.count_capped is False
