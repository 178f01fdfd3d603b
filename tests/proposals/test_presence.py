"""The item's detail reads only the kinds of record the item has (banli.proposals.presence): one
query says which, the others are left empty without a query. Nothing may be lost by it: the detail
holds exactly what reading every kind would, for items from a bare submission to a whole life
with every kind of record."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Prefetch, prefetch_related_objects
from django.test.utils import CaptureQueriesContext

from banli.proposals import actions as A
from banli.proposals.models import Assignment, Item
from banli.proposals.presence import ASSIGNMENT_KINDS, ITEM_KINDS, kinds_of
from banli.proposals.selectors import DETAIL_ASSIGNMENT_LOOKUPS, DETAIL_LOOKUPS, item_detail
from tests.builders import make_item
from tests.web.test_three_doors import _life

pytestmark = pytest.mark.django_db

NESTED = {"replies": "approvals", "feedbacks": "co_grades"}


def _every_kind(world) -> Item:
    """A whole life (three_doors' item: adjustment, extension, mediation, urge, instruction...) and
    what it lacks: an attachment, the lead's grade of the co-handling unit, a suggested unit."""
    item = _life(world)
    A.add_attachment(world.member, item.pk, file=SimpleUploadedFile("材料.pdf", b"%PDF-1.4 x", content_type="application/pdf"))
    co = Assignment.objects.get(item=item, role="co")
    A.grade_co_unit(world.lead_liaison, item.pk, assignment=co.pk, grade="good", comment="配合积极")
    item.suggested_units.add(world.lead_unit)
    return item


def _read_every_kind(pk) -> Item:
    """The detail as it was read before: every kind, whether the item has any or not."""
    item = Item.objects.get(pk=pk)
    lookups = [Prefetch(lk.prefetch_through, queryset=lk.queryset.prefetch_related(*DETAIL_ASSIGNMENT_LOOKUPS))
               if isinstance(lk, Prefetch) and lk.prefetch_through == "assignments" else lk for lk in DETAIL_LOOKUPS]
    prefetch_related_objects([item], *lookups)
    return item


def _snapshot(item) -> dict:
    """The ids of every record the detail holds, each kind on the item, on each assignment and one level down."""
    out = {}
    for name in ITEM_KINDS:
        rows = list(getattr(item, name).all())
        out[name] = sorted(r.pk for r in rows)
        if name in NESTED:
            out[name, NESTED[name]] = sorted(x.pk for r in rows for x in getattr(r, NESTED[name]).all())
    for a in item.assignments.all():
        for name in ASSIGNMENT_KINDS + ("replies", "closure_reports"):
            out[a.pk, name] = sorted(r.pk for r in getattr(a, name).all())
    return out


def test_the_detail_holds_every_record_the_item_has_and_no_other(world, gov_office):
    items = [_every_kind(world), make_item(world, "submitted"), make_item(world, "handling", co=False), make_item(world, "evaluated"),
             make_item(world, "closed", co=True)]
    # The items between them have every kind: each kind is checked both ways (there, and not).
    assert set().union(*(kinds_of(i.pk) for i in items)) == set(ITEM_KINDS + ASSIGNMENT_KINDS)
    assert kinds_of(items[0].pk) == set(ITEM_KINDS + ASSIGNMENT_KINDS)
    bare = kinds_of(items[1].pk)
    assert "assignments" not in bare and "replies" not in bare and "cosigners" not in bare
    for item in items:
        got = item_detail(gov_office, item.pk)
        with CaptureQueriesContext(connection) as ctx:
            mine = _snapshot(got)
        assert len(ctx) == 0, [q["sql"] for q in ctx.captured_queries]  # all read; the kinds it lacks answer [] without a query
        assert mine == _snapshot(_read_every_kind(item.pk)), item.state
        assert any(mine.values()) and all(v == [] for k, v in mine.items() if (k if isinstance(k, str) else k[1]) not in kinds_of(item.pk)
                                          and k not in (("replies", "approvals"), ("feedbacks", "co_grades")))


def test_an_item_with_few_kinds_of_record_costs_fewer_queries(world, gov_office):
    def queries(item, read=lambda pk: item_detail(gov_office, pk)):
        with CaptureQueriesContext(connection) as ctx:
            read(item.pk)
        return len(ctx)

    full, handling = _every_kind(world), make_item(world, "handling", co=False)
    # Every kind: the item, which kinds, and each kind's query (with their units, graders, approvals...).
    # Every kind: one query more than reading every kind (which kinds there are).
    assert queries(full) == queries(full, _read_every_kind) + 1 == 35
    # A handling item just assigned to one unit: the item, which kinds, and the three it has (its
    # assignment, its history, its deadlines) instead of every kind's query.
    assert kinds_of(handling.pk) == {"assignments", "audit_records", "deadlines"}
    assert queries(handling) == 5 and queries(handling, _read_every_kind) == 22
    # A refused reader gets nothing and no second query.
    with CaptureQueriesContext(connection) as ctx:
        assert item_detail(world.spare_liaison, full.pk) is None
    assert len([q for q in ctx.captured_queries if "EXISTS (SELECT 1 FROM" in q["sql"]]) == 0
