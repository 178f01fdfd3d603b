"""The working-day calendar (DOMAIN.md §5): the State Council calendar with its swapped weekends,
the administrator's table on top of it, Monday to Friday (with a warning) where there is no data,
and calendar-month arithmetic. Every date is fixed: nothing here reads the wall clock."""

import datetime

import chinese_calendar
import pytest
from django.test.utils import CaptureQueriesContext
from django.db import connection

from banli.workdays import calendar as cal
from banli.workdays.calendar import (
    add_months, add_period, add_working_days, calendar_warnings, has_calendar_data, is_working_day, package_covers,
    working_days_between,
)
from banli.workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """The cache is per process and a test's rows vanish by rollback, which no signal reports."""
    cal.clear_cache()
    yield
    cal.clear_cache()


def dates(first, last):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


# --- The State Council calendar from the package ---------------------------------------------

def test_national_day_2024_week_off_and_its_swapped_weekends():
    for day in dates(D(2024, 10, 1), D(2024, 10, 7)):
        assert not is_working_day(day), day
    # Sunday 29 September and Saturday 12 October 2024 were working days (调休上班).
    assert D(2024, 9, 29).weekday() == 6 and is_working_day(D(2024, 9, 29))
    assert D(2024, 10, 12).weekday() == 5 and is_working_day(D(2024, 10, 12))
    assert is_working_day(D(2024, 9, 30)) and is_working_day(D(2024, 10, 8))
    assert not is_working_day(D(2024, 9, 28))  # an ordinary Saturday
    # The same facts as the package says them.
    for day in (D(2024, 9, 29), D(2024, 10, 1), D(2024, 10, 7), D(2024, 10, 12)):
        assert is_working_day(day) == chinese_calendar.is_workday(day)


def test_spring_festival_2025_week_off_and_its_swapped_weekends():
    for day in dates(D(2025, 1, 28), D(2025, 2, 4)):
        assert not is_working_day(day), day
    assert D(2025, 1, 26).weekday() == 6 and is_working_day(D(2025, 1, 26))
    assert D(2025, 2, 8).weekday() == 5 and is_working_day(D(2025, 2, 8))
    assert is_working_day(D(2025, 1, 27)) and is_working_day(D(2025, 2, 5))
    assert chinese_calendar.get_holiday_detail(D(2025, 1, 28)) == (True, "Spring Festival")


def test_add_working_days_across_national_day_2024():
    assert add_working_days(D(2024, 9, 27), 1) == D(2024, 9, 29)  # Fri -> the working Sunday
    assert add_working_days(D(2024, 9, 29), 1) == D(2024, 9, 30)
    assert add_working_days(D(2024, 9, 30), 1) == D(2024, 10, 8)  # over the whole week off
    assert add_working_days(D(2024, 10, 1), 1) == D(2024, 10, 8)  # start on a holiday
    assert add_working_days(D(2024, 10, 8), 3) == D(2024, 10, 11)
    assert add_working_days(D(2024, 10, 8), 4) == D(2024, 10, 12)  # the working Saturday
    assert add_working_days(D(2024, 10, 8), 5) == D(2024, 10, 14)  # Sunday 13th is off
    assert add_working_days(D(2024, 9, 26), 5) == D(2024, 10, 9)  # 27, 29, 30, 8, 9


def test_add_working_days_across_spring_festival_2025():
    assert add_working_days(D(2025, 1, 24), 1) == D(2025, 1, 26)
    assert add_working_days(D(2025, 1, 24), 2) == D(2025, 1, 27)
    assert add_working_days(D(2025, 1, 24), 3) == D(2025, 2, 5)
    assert add_working_days(D(2025, 2, 5), 3) == D(2025, 2, 8)
    assert add_working_days(D(2025, 2, 5), 4) == D(2025, 2, 10)


def test_add_working_days_zero_and_backwards():
    assert add_working_days(D(2024, 10, 3), 0) == D(2024, 10, 3)
    assert add_working_days(D(2024, 10, 8), -1) == D(2024, 9, 30)
    assert add_working_days(D(2024, 10, 8), -2) == D(2024, 9, 29)  # the working Sunday
    assert add_working_days(D(2024, 10, 8), -3) == D(2024, 9, 27)
    # Five working days before a deadline (a reminder), across Spring Festival 2025.
    assert add_working_days(D(2025, 2, 7), -4) == D(2025, 1, 26)  # 6, 5, 27, 26
    assert add_working_days(D(2025, 2, 7), -5) == D(2025, 1, 24)


def test_working_days_between():
    assert working_days_between(D(2024, 9, 30), D(2024, 10, 8)) == 1
    assert working_days_between(D(2024, 9, 27), D(2024, 10, 12)) == 7  # 29, 30, 8, 9, 10, 11, 12
    assert working_days_between(D(2025, 1, 27), D(2025, 2, 5)) == 1
    assert working_days_between(D(2025, 1, 24), D(2025, 2, 8)) == 6  # 26, 27, 5, 6, 7, 8
    assert working_days_between(D(2025, 2, 5), D(2025, 2, 5)) == 0
    assert working_days_between(D(2025, 2, 8), D(2025, 2, 5)) == 0


@pytest.mark.parametrize("start", [D(2024, 9, 20), D(2024, 10, 1), D(2025, 1, 20), D(2025, 1, 31), D(2030, 12, 20)])
def test_working_days_between_inverts_add_working_days(start):
    for n in range(0, 25):
        assert working_days_between(start, add_working_days(start, n)) == n


def test_working_days_between_counts_as_day_by_day_would_over_any_range():
    """The count is arithmetic over the days that differ from Monday-to-Friday: it must equal the
    day-by-day count everywhere, across the package's years, the administrator's rows (one
    overriding the package, one in a year without data) and the edges of the package's range."""
    import random

    CalendarDay.objects.create(date=D(2025, 3, 14), is_working_day=False, name="区级调整")
    CalendarDay.objects.create(date=D(2024, 10, 7), is_working_day=True, name="值班")
    CalendarDay.objects.create(date=D(2031, 10, 1), is_working_day=False, name="国庆节")
    CalendarDay.objects.create(date=D(2031, 10, 11), is_working_day=True, name="调休上班")
    first, last = min(chinese_calendar.holidays), max(chinese_calendar.holidays)
    rng = random.Random(16)
    edges = [first, last, D(2024, 10, 7), D(2025, 3, 14), D(2031, 10, 1), D(2031, 10, 11)]
    for _ in range(400):
        a = rng.choice(edges) + datetime.timedelta(days=rng.randint(-40, 40)) if rng.random() < 0.5 \
            else first + datetime.timedelta(days=rng.randint(-400, (D(2032, 1, 1) - first).days))
        b = a + datetime.timedelta(days=rng.randint(-10, 900))
        by_day = sum(1 for day in dates(a + datetime.timedelta(days=1), b) if is_working_day(day))
        assert working_days_between(a, b) == by_day, (a, b)
    assert working_days_between(datetime.datetime(2024, 9, 30, 23, 0), D(2024, 10, 8)) == 2  # 30 Sep 2024 not counted, 7 Oct made a working day


def test_package_lookup_agrees_with_chinese_calendar_for_every_covered_day():
    years = [y for y in range(2000, 2100) if package_covers(y)]
    assert 2024 in years and 2025 in years and years == list(range(years[0], years[-1] + 1))
    for day in dates(D(years[0], 1, 1), D(years[-1], 12, 31)):
        assert is_working_day(day) == chinese_calendar.is_workday(day), day


# --- Calendar months ---------------------------------------------------------------------------

@pytest.mark.parametrize("start, months, expected", [
    (D(2025, 1, 31), 1, D(2025, 2, 28)),
    (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
    (D(2025, 3, 31), 1, D(2025, 4, 30)),
    (D(2025, 11, 30), 3, D(2026, 2, 28)),
    (D(2023, 11, 30), 3, D(2024, 2, 29)),
    (D(2025, 3, 15), 3, D(2025, 6, 15)),
    (D(2025, 12, 31), 1, D(2026, 1, 31)),
    (D(2025, 8, 31), 6, D(2026, 2, 28)),
    (D(2025, 3, 31), -1, D(2025, 2, 28)),
    (D(2025, 1, 15), -1, D(2024, 12, 15)),
    (D(2025, 5, 20), 0, D(2025, 5, 20)),
])
def test_add_months_clamps_to_the_end_of_the_month(start, months, expected):
    assert add_months(start, months) == expected


def test_add_period_units():
    assert add_period(D(2024, 9, 30), 1, "working_days") == D(2024, 10, 8)
    assert add_period(D(2025, 1, 31), 1, "months") == D(2025, 2, 28)
    assert add_period(D(2024, 9, 30), 1, "days") == D(2024, 10, 1)
    assert add_period(D(2024, 9, 30), 15, "days") == D(2024, 10, 15)
    assert add_period(datetime.datetime(2024, 9, 30, 16, 30), 1, "working_days") == D(2024, 10, 8)
    with pytest.raises(ValueError):
        add_period(D(2024, 9, 30), 1, "weeks")


# --- A year without data, and the administrator's table ----------------------------------------

def test_year_without_data_counts_monday_to_friday_and_warns_until_the_notice_is_entered():
    assert not package_covers(2031)
    assert not has_calendar_data(2031)
    # Monday to Friday: New Year's Day (a Wednesday) counts, Saturday 11 October does not.
    assert is_working_day(D(2031, 1, 1)) and is_working_day(D(2031, 10, 1))
    assert not is_working_day(D(2031, 10, 11)) and not is_working_day(D(2031, 10, 12))
    assert add_working_days(D(2031, 9, 30), 1) == D(2031, 10, 1)
    assert add_working_days(D(2031, 10, 10), 1) == D(2031, 10, 13)

    warnings = calendar_warnings(today=D(2031, 3, 1))
    assert [w["year"] for w in warnings] == [2031, 2032]
    first = warnings[0]
    assert first["code"] == "calendar_missing"
    assert "2031" in first["zh"] and "周一至周五" in first["zh"]
    assert "2031" in first["en"] and "Monday to Friday" in first["en"]

    # The administrator enters the notice (here two of its days) and marks the year complete.
    CalendarYear.objects.create(year=2031, complete=True, source="国办发明电〔2030〕X号")
    CalendarDay.objects.create(date=D(2031, 10, 1), is_working_day=False, name="国庆节")
    CalendarDay.objects.create(date=D(2031, 10, 11), is_working_day=True, name="调休上班")

    assert has_calendar_data(2031)
    assert [w["year"] for w in calendar_warnings(today=D(2031, 3, 1))] == [2032]
    assert not is_working_day(D(2031, 10, 1))  # a declared holiday on a Wednesday is skipped
    assert is_working_day(D(2031, 10, 11))  # a declared working Saturday counts
    assert add_working_days(D(2031, 9, 30), 1) == D(2031, 10, 2)
    assert add_working_days(D(2031, 10, 10), 1) == D(2031, 10, 11)
    assert working_days_between(D(2031, 9, 30), D(2031, 10, 13)) == 9  # 2,3,6,7,8,9,10,11,13
    assert is_working_day(D(2031, 1, 1))  # a day not in the table: still Monday to Friday


def test_an_incomplete_year_still_warns_but_its_days_count():
    CalendarYear.objects.create(year=2031, complete=False, note="正在录入")
    CalendarDay.objects.create(date=D(2031, 1, 1), is_working_day=False, name="元旦")
    assert not has_calendar_data(2031)
    assert [w["year"] for w in calendar_warnings(today=D(2031, 1, 5))] == [2031, 2032]
    assert not is_working_day(D(2031, 1, 1))


def test_no_warning_while_the_package_covers_this_year_and_next():
    assert calendar_warnings(today=D(2024, 6, 1)) == []
    assert calendar_warnings(today=D(2025, 1, 1)) == []
    last = max(y for y in range(2000, 2100) if package_covers(y))
    assert has_calendar_data(last) and not has_calendar_data(last + 1)
    assert [w["year"] for w in calendar_warnings(today=D(last, 11, 26))] == [last + 1]


def test_local_change_overrides_the_package():
    # A district-level extra day off on an ordinary Friday, and a package holiday made a working day.
    assert is_working_day(D(2025, 3, 14))
    CalendarDay.objects.create(date=D(2025, 3, 14), is_working_day=False, name="区级调整", note="区政府通知")
    assert not is_working_day(D(2025, 3, 14))
    assert add_working_days(D(2025, 3, 13), 1) == D(2025, 3, 17)
    assert working_days_between(D(2025, 3, 10), D(2025, 3, 17)) == 4

    CalendarDay.objects.create(date=D(2024, 10, 7), is_working_day=True, name="值班")
    assert is_working_day(D(2024, 10, 7))
    assert add_working_days(D(2024, 9, 30), 1) == D(2024, 10, 7)
    assert has_calendar_data(2025)  # the package's years have data whatever the table says


# --- The cache ---------------------------------------------------------------------------------

def test_the_table_is_read_once_not_per_day():
    CalendarDay.objects.create(date=D(2025, 3, 14), is_working_day=False, name="区级调整")
    is_working_day(D(2025, 1, 2))  # warm
    with CaptureQueriesContext(connection) as ctx:
        starts = list(dates(D(2024, 1, 1), D(2025, 12, 31)))
        dues = [add_working_days(s, 10) for s in starts] + [add_period(s, 5, "working_days") for s in starts]
        late = [working_days_between(s, D(2026, 1, 31)) for s in starts]
        data = [has_calendar_data(y) for y in range(2020, 2035)]
    assert len(ctx) == 0
    assert len(dues) == 2 * len(starts) and late[0] > 0 and any(data)


def test_cold_cache_costs_two_queries_for_the_whole_table():
    CalendarDay.objects.create(date=D(2031, 10, 1), is_working_day=False, name="国庆节")
    CalendarYear.objects.create(year=2031)
    cal.clear_cache()
    with CaptureQueriesContext(connection) as ctx:
        assert not is_working_day(D(2031, 10, 1))
        assert has_calendar_data(2031)
        assert add_working_days(D(2024, 9, 30), 1) == D(2024, 10, 8)
    assert len(ctx) == 2


def test_saving_or_deleting_a_row_clears_the_cache():
    assert is_working_day(D(2025, 3, 14))  # cached: no row
    row = CalendarDay.objects.create(date=D(2025, 3, 14), is_working_day=False, name="区级调整")
    assert not is_working_day(D(2025, 3, 14))
    row.is_working_day = True
    row.save()
    assert is_working_day(D(2025, 3, 14))
    row.date = D(2025, 3, 13)
    row.is_working_day = False
    row.save()
    assert is_working_day(D(2025, 3, 14)) and not is_working_day(D(2025, 3, 13))
    row.delete()
    assert is_working_day(D(2025, 3, 13))

    assert not has_calendar_data(2031)
    year = CalendarYear.objects.create(year=2031, complete=False)
    assert not has_calendar_data(2031)
    year.complete = True
    year.save()
    assert has_calendar_data(2031)
    year.delete()
    assert not has_calendar_data(2031)


def test_changes_made_elsewhere_are_seen_after_the_reload_interval(monkeypatch, settings):
    """Another process's edit sends no signal here; the cache is reloaded at the latest after
    BANLI_CALENDAR_CACHE_SECONDS. (bulk_create and update() send no signals either.)"""
    settings.BANLI_CALENDAR_CACHE_SECONDS = 60
    now = [1000.0]
    monkeypatch.setattr(cal, "_clock", lambda: now[0])
    cal.clear_cache()
    assert is_working_day(D(2025, 3, 14))
    CalendarDay.objects.bulk_create([CalendarDay(date=D(2025, 3, 14), is_working_day=False, name="区级调整")])
    CalendarYear.objects.bulk_create([CalendarYear(year=2031)])
    now[0] += 59
    assert is_working_day(D(2025, 3, 14)) and not has_calendar_data(2031)  # still the cached table
    now[0] += 2
    assert not is_working_day(D(2025, 3, 14)) and has_calendar_data(2031)
    CalendarDay.objects.filter(date=D(2025, 3, 14)).update(is_working_day=True)
    assert not is_working_day(D(2025, 3, 14))
    now[0] += 61
    assert is_working_day(D(2025, 3, 14))


def test_an_admin_edit_takes_effect_at_once(client, admin_user):
    client.force_login(admin_user)
    assert is_working_day(D(2025, 3, 14))
    r = client.post("/admin/workdays/calendarday/add/", {
        "date": "2025-03-14", "is_working_day": "", "name": "区级调整", "note": "区政府通知",
    })
    assert r.status_code == 302, r.content.decode()[:2000]
    assert not is_working_day(D(2025, 3, 14))
    row = CalendarDay.objects.get(date=D(2025, 3, 14))
    r = client.post(f"/admin/workdays/calendarday/{row.pk}/change/", {
        "date": "2025-03-14", "is_working_day": "on", "name": "区级调整（取消）", "note": "",
    })
    assert r.status_code == 302
    assert is_working_day(D(2025, 3, 14))
    r = client.post(f"/admin/workdays/calendarday/{row.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302 and not CalendarDay.objects.exists()

    assert not has_calendar_data(2031)
    r = client.post("/admin/workdays/calendaryear/add/", {"year": "2031", "complete": "on", "source": "国办发明电", "note": ""})
    assert r.status_code == 302
    assert has_calendar_data(2031)


def test_admin_lists_filter_and_search(client, admin_user):
    CalendarDay.objects.create(date=D(2031, 10, 1), is_working_day=False, name="国庆节")
    CalendarDay.objects.create(date=D(2031, 10, 11), is_working_day=True, name="调休上班")
    CalendarDay.objects.create(date=D(2025, 3, 14), is_working_day=False, name="区级调整")
    CalendarYear.objects.create(year=2031, source="国办发明电")
    client.force_login(admin_user)
    body = client.get("/admin/workdays/calendarday/?year=2031").content.decode()
    assert "国庆节" in body and "调休上班" in body and "区级调整" not in body
    body = client.get("/admin/workdays/calendarday/?is_working_day__exact=1").content.decode()
    assert "调休上班" in body and "国庆节" not in body
    body = client.get("/admin/workdays/calendarday/?q=国庆").content.decode()
    assert "国庆节" in body and "调休上班" not in body
    r = client.get("/admin/workdays/calendaryear/")
    assert r.status_code == 200 and "2031" in r.content.decode()


def test_the_old_admin_addresses_lead_to_the_calendar(client, admin_user):
    """The calendar's admin moved with it (deadlines -> workdays); a bookmark still lands."""
    client.force_login(admin_user)
    r = client.get("/admin/deadlines/calendarday/?year=2031")
    assert (r.status_code, r["Location"]) == (301, "/admin/workdays/calendarday/?year=2031")
    r = client.get("/admin/deadlines/calendaryear/7/change/")
    assert (r.status_code, r["Location"]) == (301, "/admin/workdays/calendaryear/7/change/")
