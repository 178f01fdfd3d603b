"""Working days (工作日) by the State Council calendar with its swapped weekends (调休), and
calendar-month arithmetic.

Whether a date is a working day, first rule that applies:
1. a CalendarDay row the administrator entered (a local change, or a later year's notice);
2. the `chinesecalendar` package, for the years it covers;
3. Monday to Friday.
A year "has calendar data" when the package covers it or the administrator has marked it complete
(CalendarYear.complete); for the current and next year without data, calendar_warnings() says so.

The administrator's tables are read once into a per-process cache, not per day: the daily scan
computes thousands of due dates. The cache is cleared when a row is saved or deleted in this
process (tables_changed, connected to the models' signals in apps.py). Every other process learns
of the edit through a version in the shared cache (Redis in production, BANLI_CACHE): the commit of
an edit writes a new version, and each request and each Celery task compares it with the version
its table was read under, once, at its first date lookup (check_shared_version_next, connected in
apps.py), so an edit in one app process holds in the others from their next request on, and in the
worker from its next task. Without a shared cache (the embedded default, one process) the local
clearing is all there is. The table is still reloaded at the latest every
BANLI_CALENDAR_CACHE_SECONDS (default 60): for edits that send no signal (bulk_create, update())
and for the time Redis is away.
"""

import bisect
import calendar as _cal
import datetime
import logging
import threading
import time
import uuid
from dataclasses import dataclass

import chinese_calendar
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .models import CalendarDay, CalendarYear

__all__ = [
    "is_working_day", "add_working_days", "working_days_between", "add_months", "add_period",
    "has_calendar_data", "package_covers", "calendar_warnings", "clear_cache", "PERIOD_UNITS",
]

PERIOD_UNITS = ("working_days", "months", "days")

# The package's own is_workday() scans its whole table for the covered range on every call;
# these are the same data read directly.
_PKG_HOLIDAYS = chinese_calendar.holidays
_PKG_WORKDAYS = chinese_calendar.workdays
_PKG_YEARS = range(min(_PKG_HOLIDAYS).year, max(_PKG_HOLIDAYS).year + 1)
_PKG_DAYS = frozenset(_PKG_HOLIDAYS) | frozenset(_PKG_WORKDAYS)

DEFAULT_CACHE_SECONDS = 60
_clock = time.monotonic  # tests replace it
log = logging.getLogger(__name__)

# The shared cache's key for the version of the administrator's tables (a random token per commit).
VERSION_KEY = "workdays:calendar:version"
_UNREADABLE = object()  # the shared cache did not answer: compare equal to nothing, trust the expiry


@dataclass(frozen=True)
class _Table:
    days: dict  # date -> is_working_day, from CalendarDay
    complete_years: frozenset  # CalendarYear.complete
    expires_at: float
    version: object = None  # the shared version read just before the rows
    # The days whose status differs from Monday-to-Friday (the package's and the administrator's),
    # in order, with the running sum of the differences: working_days_between counts a range from
    # these and arithmetic instead of day by day (a leader's portfolio counts hundreds of late
    # milestones, some of them a year past due: 260,000 days looked up for one page).
    exception_days: tuple = ()
    exception_sums: tuple = (0,)


_table: _Table | None = None
_generation = 0
_lock = threading.Lock()
# Per thread: compare the shared version at the next lookup (set when a request or a task starts).
_pending = threading.local()


def check_shared_version_next(**kwargs) -> None:
    """A request or a Celery task starts: its first date lookup compares the shared version once."""
    _pending.check = True


def _shared_version():
    try:
        return cache.get(VERSION_KEY)
    except Exception:  # noqa: BLE001  Redis away: the table's expiry still holds
        return _UNREADABLE


def _publish_new_version() -> None:
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    except Exception:  # noqa: BLE001  the edit is committed; other processes see it on expiry
        log.warning("could not publish the calendar's new version: other processes see the edit within %ss",
                    getattr(settings, "BANLI_CALENDAR_CACHE_SECONDS", DEFAULT_CACHE_SECONDS), exc_info=True)


def clear_cache() -> None:
    """Forget the administrator's table; the next lookup reads it again."""
    global _table, _generation
    with _lock:
        _generation += 1
        _table = None


def tables_changed(sender=None, **kwargs) -> None:
    """A CalendarDay or CalendarYear row was saved or deleted. Clear now (later reads in this
    transaction see the change) and again after commit (a read by another thread that reloaded
    the old rows meanwhile is thrown away)."""
    clear_cache()
    transaction.on_commit(_committed, robust=True)


def _committed() -> None:
    clear_cache()
    _publish_new_version()


def _load() -> _Table:
    global _table
    with _lock:
        generation = _generation
    # The version first: an edit committed while the rows are read leaves a newer version, so the
    # next comparison reloads rather than keeping rows older than the version they are filed under.
    version = _shared_version()
    days = dict(CalendarDay.objects.values_list("date", "is_working_day"))
    years = frozenset(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
    ttl = getattr(settings, "BANLI_CALENDAR_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)
    table = _Table(days, years, _clock() + ttl, version, *_exceptions(days))
    with _lock:
        # A row changed while we were reading: use what we read this once, but don't keep it.
        if generation == _generation:
            _table = table
    return table


def _exceptions(days: dict) -> tuple[tuple, tuple]:
    """The days on which _working() differs from Monday-to-Friday, and the running sum of the
    differences (+1 a working weekend day, -1 a weekday off), the first sum 0."""
    candidates = sorted(set(days) | _PKG_DAYS)
    table = _Table(days, frozenset(), 0)
    out, sums = [], [0]
    for day in candidates:
        delta = int(_working(day, table)) - int(day.weekday() < 5)
        if delta:
            out.append(day)
            sums.append(sums[-1] + delta)
    return tuple(out), tuple(sums)


def _weekdays_through(day: datetime.date) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday) through `day`."""
    n = day.toordinal()
    return n // 7 * 5 + min(n % 7, 5)


def _current() -> _Table:
    table = _table
    if getattr(_pending, "check", False):
        _pending.check = False
        if table is not None and table.version is not _UNREADABLE and _shared_version() != table.version:
            table = None
    if table is None or _clock() >= table.expires_at:
        table = _load()
    return table


def _as_date(day) -> datetime.date:
    return day.date() if isinstance(day, datetime.datetime) else day


def _working(day: datetime.date, table: _Table) -> bool:
    override = table.days.get(day)
    if override is not None:
        return override
    if day.year in _PKG_YEARS:
        if day in _PKG_WORKDAYS:
            return True
        if day in _PKG_HOLIDAYS:
            return False
    return day.weekday() < 5


def package_covers(year: int) -> bool:
    """The `chinesecalendar` package carries the State Council notice for `year`."""
    return year in _PKG_YEARS


def has_calendar_data(year: int) -> bool:
    """The package covers `year`, or the administrator has entered its notice and marked it complete."""
    return package_covers(year) or year in _current().complete_years


def is_working_day(day: datetime.date) -> bool:
    return _working(_as_date(day), _current())


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (start itself not counted); a negative `days`
    counts back (-1: the last working day before `start`). 0 gives `start` itself."""
    table = _current()
    day = _as_date(start)
    step = datetime.timedelta(days=1 if days >= 0 else -1)
    remaining = abs(days)
    while remaining > 0:
        day += step
        if _working(day, table):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    table = _current()
    start, end = _as_date(start), _as_date(end)
    if end <= start:
        return 0
    days, sums = table.exception_days, table.exception_sums
    adjustment = sums[bisect.bisect_right(days, end)] - sums[bisect.bisect_right(days, start)]
    return _weekdays_through(end) - _weekdays_through(start) + adjustment


def add_months(start: datetime.date, months: int) -> datetime.date:
    """Calendar months; 31 Jan plus one month is the last day of February."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(start.day, _cal.monthrange(year, month)[1]))


def add_period(start: datetime.date, amount: int, unit: str) -> datetime.date:
    """`start` plus `amount` of `unit`: "working_days" (add_working_days), "months" (add_months,
    clamped to the month's end) or "days" (calendar days)."""
    start = _as_date(start)
    if unit == "working_days":
        return add_working_days(start, amount)
    if unit == "months":
        return add_months(start, amount)
    if unit == "days":
        return start + datetime.timedelta(days=amount)
    raise ValueError(f"unknown period unit {unit!r}; expected one of {', '.join(PERIOD_UNITS)}")


def _today() -> datetime.date:
    return timezone.localdate()


def calendar_warnings(today: datetime.date | None = None) -> list[dict]:
    """One warning for each of the current and the next year that has no calendar data, so its
    working days are counted Monday to Friday: [{"code", "year", "zh", "en"}], oldest year first."""
    today = today or _today()
    warnings = []
    for year in (today.year, today.year + 1):
        if has_calendar_data(year):
            continue
        warnings.append({
            "code": "calendar_missing",
            "year": year,
            "zh": f"{year}年的法定节假日和调休安排尚未录入，该年度暂按周一至周五计算工作日。"
                  f"请管理员依据国务院办公厅的放假通知在“节假日与调休”中录入，并在“节假日年度”中标记{year}年已完整录入。",
            "en": f"The public holidays for {year} have not been entered: working days in {year} are counted "
                  f"Monday to Friday. An administrator should enter the State Council's holiday notice for {year} "
                  f"and mark the year complete.",
        })
    return warnings
