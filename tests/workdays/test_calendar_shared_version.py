"""The calendar's per-process table and the shared version (issue 16.2): another process's edit is
known from the version it wrote in the shared cache (Redis here, as in production), compared once
per request, not per date. Here the other process is played by writing what its commit writes (a
new version, rows no signal of this process saw); tests/observe/test_processes.py does it with two
real server processes."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banli.workdays import calendar as cal
from banli.workdays.calendar import has_calendar_data, is_working_day
from banli.workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

D = datetime.date
REDIS = "redis://127.0.0.1:6379/13"


@pytest.fixture(autouse=True)
def shared_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS,
                                   "KEY_PREFIX": "banli-test-calendar"}}
    settings.BANLI_CALENDAR_CACHE_SECONDS = 3600  # nothing here is explained by the expiry
    cal.clear_cache()
    cache.delete(cal.VERSION_KEY)
    yield
    cache.delete(cal.VERSION_KEY)
    cal.clear_cache()


def another_process_commits(*rows):
    """What another process's edit leaves here: rows this process's signals never saw, and the new
    version its commit published."""
    for row in rows:
        type(row).objects.bulk_create([row])
    cache.set(cal.VERSION_KEY, "version-from-elsewhere", None)


@pytest.fixture
def next_request(client):
    """A request starts in this process (request_started, as the test client sends it)."""
    return lambda: client.get("/health/live")


def test_an_edit_elsewhere_is_seen_at_the_next_request(next_request):
    next_request()
    assert is_working_day(D(2025, 3, 14)) and not has_calendar_data(2031)
    another_process_commits(CalendarDay(date=D(2025, 3, 14), is_working_day=False, name="区级调整"), CalendarYear(year=2031))
    assert is_working_day(D(2025, 3, 14))  # the same request goes on with the table it started with
    next_request()
    assert not is_working_day(D(2025, 3, 14)) and has_calendar_data(2031)


def test_the_comparison_is_once_per_request_and_free_when_nothing_changed(monkeypatch, next_request):
    next_request()
    is_working_day(D(2025, 1, 2))
    reads = []
    real = cal._shared_version
    monkeypatch.setattr(cal, "_shared_version", lambda: reads.append(1) or real())
    for _ in range(3):
        next_request()
        with CaptureQueriesContext(connection) as ctx:
            for day in range(1, 29):
                is_working_day(D(2025, 2, day))
            cal.add_working_days(D(2025, 2, 1), 30)
        assert len(ctx) == 0
    assert len(reads) == 3


def test_an_edit_here_publishes_a_new_version_on_commit(django_capture_on_commit_callbacks, next_request):
    next_request()
    is_working_day(D(2025, 3, 14))
    before = cache.get(cal.VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(date=D(2025, 3, 14), is_working_day=False)
    after = cache.get(cal.VERSION_KEY)
    assert after is not None and after != before
    next_request()
    with CaptureQueriesContext(connection) as ctx:
        assert not is_working_day(D(2025, 3, 14))
    assert len(ctx) == 2  # reloaded once, after this process's own edit


def test_a_rolled_back_edit_publishes_nothing(django_capture_on_commit_callbacks):
    cache.set(cal.VERSION_KEY, "v1", None)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        CalendarDay.objects.create(date=D(2025, 3, 14), is_working_day=False)
    # (not executed: the commit never happened)
    assert cache.get(cal.VERSION_KEY) == "v1" and len(callbacks) == 1


def test_with_redis_away_the_calendar_still_answers_from_the_database(settings, next_request):
    shared = settings.CACHES
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    cal.clear_cache()
    CalendarDay.objects.create(date=D(2025, 3, 14), is_working_day=False)  # its version cannot be published
    next_request()
    assert not is_working_day(D(2025, 3, 14))
    next_request()
    with CaptureQueriesContext(connection) as ctx:
        assert not is_working_day(D(2025, 3, 13 + 1))
    assert len(ctx) == 0  # no reload per request while Redis is away: the expiry holds instead
    settings.CACHES = shared  # back to a Redis that answers, for the fixture's cleaning
