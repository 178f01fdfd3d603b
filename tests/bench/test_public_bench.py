"""The public site's benchmark (bench/public.py) at a tiny scale, so CI runs its code path: the
generator publishes a share of the replies (Item.published_at as the actions keep it), each page
renders for an anonymous reader, and each floor reads the same rows as its page. Timings here mean
nothing; `make bench` measures."""

import pytest

from banli.portal import rules
from banli.proposals.models import Item
from bench.generate import generate
from bench.public import run_public_cases

pytestmark = pytest.mark.django_db


def test_public_cases_at_a_tiny_scale():
    generate(300, seed=3, batch=100, progress=None)
    published = rules.public_items().count()
    # The generated publications agree with the rule: public exactly while a unit's reply is published.
    assert published == Item.objects.filter(pk__in=rules.published_assignments().values("item_id")).count() > 20
    rows = {r["case"]: r for r in run_public_cases(repeat=1, warmup=0, progress=None)}
    assert set(rows) == {"public list", "public item", "public search 养老"}
    assert rows["public search 养老"]["hits"] > 0  # the generated replies talk of 养老 now and then
    for name, r in rows.items():
        assert r["mismatch"] == [], name
        assert r["queries"] > 0 and r["floor_queries"] > 0 and r["n"] == 1, name
