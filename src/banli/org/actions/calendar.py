"""The administrator's working-day table (banli.workdays): a year's holiday notice and single
dates that differ from the `chinesecalendar` package or from Monday-to-Friday.

A changed day moves the due dates computed after it; the calendar's per-process cache is cleared
by the tables' own signals (banli.workdays.apps)."""

from django.db import transaction

from banli.audit.service import record
from banli.errors import invalid
from banli.params import parse_date
from banli.workdays.models import CalendarDay, CalendarYear

from .office import require_office, row_by_id, save_by_key, text


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise invalid("year", "年度应在 2000 到 2100 之间。", "The year must be between 2000 and 2100.")
    return year


@transaction.atomic
def save_calendar_year(actor, *, year, complete, source="", note="") -> CalendarYear:
    """Record a year's notice: its source, and whether every holiday and swapped working day of
    it has been entered (complete: the year no longer counts Monday to Friday with a warning)."""
    require_office(actor)
    year = _year(year)
    values = {"complete": bool(complete), "source": text(source, "source", "依据", max_length=200), "note": text(note, "note", "备注", max_length=2000)}
    return save_by_key(actor, CalendarYear, {"year": year}, values, "calendar_year")


@transaction.atomic
def save_calendar_day(actor, *, date, is_working_day, name="", note="") -> CalendarDay:
    """Set one date as a holiday or a working day (e.g. 调休上班), whatever the package says."""
    require_office(actor)
    day = parse_date(date, "date")
    if not 2000 <= day.year <= 2100:
        raise invalid("date", "日期应在 2000 到 2100 年之间。", "The date must fall in 2000-2100.")
    values = {"is_working_day": bool(is_working_day), "name": text(name, "name", "名称", max_length=50),
              "note": text(note, "note", "备注", max_length=2000)}
    return save_by_key(actor, CalendarDay, {"date": day}, values, "calendar_day")


@transaction.atomic
def remove_calendar_day(actor, day_id) -> CalendarDay:
    """Remove a date's entry: the package or Monday-to-Friday decides it again. The audit row
    keeps what it said."""
    require_office(actor)
    row = row_by_id(CalendarDay, day_id)
    record(actor=actor, action="remove_calendar_day", target=row, before={"date": row.date, "is_working_day": row.is_working_day,
                                                                          "name": row.name, "note": row.note})
    row.delete()
    return row
