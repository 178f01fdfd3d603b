"""Parsing of input shared by several modules: list filters from query strings (every list) and
the dates actions are given. A bad value is refused with a clear message naming the field, never
passed to the database (SQLite overflows past 2**63-1)."""

import datetime

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


def parse_date(value, field: str) -> datetime.date:
    """A date given as a date or as YYYY-MM-DD."""
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise invalid(field, "日期格式应为 YYYY-MM-DD。", "Dates are written YYYY-MM-DD.") from None
