"""Which kinds of record an item has, in one query, so that its detail reads only those.

The item's whole history is some twenty kinds of record, each read by a prefetch query of its own
(replies, ratings, messages, urges, mediations, attachments...). Most items have few of them: in a
province's history about 8 of the ~26 queries of an item page answered nothing (instructions,
urges, mediations, attachments, adjustments, extensions, a co-handling unit's grades on an item
without them...), and each costs the query's compilation in Python (~1 ms) and a round trip
(issue 16: the item page was the costliest page of the load test). One query of EXISTS per kind,
its SQL built once per process, says which are there; the others are left empty without a query,
exactly as a prefetch that found nothing leaves them (item.urges.all() is [] and asks nothing).
"""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.db.models import Prefetch, prefetch_related_objects

from .models import Assignment, Item

# The item's own records (reverse foreign keys and the many-to-many of suggested units).
ITEM_KINDS = ("cosigners", "assignments", "consultations", "replies", "feedbacks", "progress_updates", "closure_reports",
              "publication_records", "instructions", "urges", "mediations", "messages", "attachments", "suggested_units",
              "audit_records", "deadlines")
# Records of the item's assignments (found through them).
ASSIGNMENT_KINDS = ("adjustments", "extensions", "lead_grades")
# An assignment's replies and closure reports are found by the item's kinds of the same name
# (each such record has both keys): none on the item, none on any of its assignments.


def _table_and_column(model, name) -> tuple[str, str]:
    field = model._meta.get_field(name)
    if field.many_to_many and not field.auto_created:  # Item.suggested_units: the through table
        return field.remote_field.through._meta.db_table, field.m2m_column_name()
    return field.related_model._meta.db_table, field.field.column


@cache
def _sql() -> str:
    q = connection.ops.quote_name
    parts = []
    for name in ITEM_KINDS:
        table, column = _table_and_column(Item, name)
        parts.append(f"EXISTS (SELECT 1 FROM {q(table)} WHERE {q(column)} = %(item)s)")
    assignments, item_column = Assignment._meta.db_table, Assignment._meta.get_field("item").column
    for name in ASSIGNMENT_KINDS:
        table, column = _table_and_column(Assignment, name)
        parts.append(f"EXISTS (SELECT 1 FROM {q(table)} r JOIN {q(assignments)} a ON a.{q('id')} = r.{q(column)} "
                     f"WHERE a.{q(item_column)} = %(item)s)")
    return "SELECT " + ", ".join(parts)


def kinds_of(item_id: int) -> frozenset[str]:
    """The kinds of record the item has (names of ITEM_KINDS and ASSIGNMENT_KINDS): one query."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(), {"item": item_id})
        flags = cursor.fetchone()
    return frozenset(name for name, there in zip(ITEM_KINDS + ASSIGNMENT_KINDS, flags) if there)


def _root(lookup) -> str:
    path = lookup.prefetch_through if isinstance(lookup, Prefetch) else lookup
    return path.split("__", 1)[0]


def _leave_empty(objs, names) -> None:
    """What prefetch_related leaves for a relation that found nothing: an empty, already fetched
    queryset under the relation's name (ours are all named alike: related_name or field name),
    so that .all(), .count() and .exists() answer without a query."""
    for obj in objs:
        cache_ = obj.__dict__.setdefault("_prefetched_objects_cache", {})
        for name in names:
            empty = obj._meta.get_field(name).related_model._default_manager.none()
            empty._result_cache = []
            empty._prefetch_done = True
            cache_[name] = empty


def prefetch_present(item: Item, item_lookups, assignment_lookups) -> None:
    """Prefetch on the item the lookups whose kind it has (assignment_lookups: on each of its
    assignments), and leave the others empty."""
    has = kinds_of(item.pk)
    per_assignment = [lk for lk in assignment_lookups if _root(lk) in has]
    lookups = [lk for lk in item_lookups if _root(lk) in has]
    lookups = [Prefetch(lk.prefetch_through, queryset=lk.queryset.prefetch_related(*per_assignment)) if _root(lk) == "assignments" else lk
               for lk in lookups]
    prefetch_related_objects([item], *lookups)
    _leave_empty([item], [_root(lk) for lk in item_lookups if _root(lk) not in has])
    if "assignments" in has:
        _leave_empty(item.assignments.all(), [_root(lk) for lk in assignment_lookups if _root(lk) not in has])
