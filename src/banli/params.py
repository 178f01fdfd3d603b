"""Parsing of list filters from query strings, shared by every list: a bad value is refused with
a clear message, never passed to the database (SQLite overflows past 2**63-1)."""

from banli.errors import invalid

MAX_ID = 2**63 - 1


def id_param(params, name) -> int | None:
    """An id filter: a positive whole number the database can hold, or None when absent."""
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= MAX_ID:
        raise invalid(name, f"筛选条件“{name}”应为有效编号。", f"Filter '{name}' must be a valid id.")
    return value
