"""GET /api/calendar/warnings/: a year without holiday data is counted Monday to Friday, and
signed-in users (the offices' dashboards) are told so. The date is fixed, not the wall clock."""

import datetime

import pytest
from rest_framework.test import APIClient

from banli.workdays import calendar as cal
from banli.workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

URL = "/api/calendar/warnings/"


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    cal.clear_cache()
    yield
    cal.clear_cache()


@pytest.fixture
def in_2031(monkeypatch):
    monkeypatch.setattr(cal, "_today", lambda: datetime.date(2031, 3, 1))


def login(user):
    c = APIClient()
    c.force_login(user)
    return c


def test_anonymous_is_refused():
    r = APIClient().get(URL)
    assert r.status_code in (401, 403)
    assert r.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("persona", ["cppcc_office", "npc_office", "gov_office", "lead_liaison", "member"])
def test_signed_in_users_see_the_missing_years(world, in_2031, persona):
    r = login(getattr(world, persona)).get(URL)
    assert r.status_code == 200
    warnings = r.json()["warnings"]
    assert [w["year"] for w in warnings] == [2031, 2032]
    w = warnings[0]
    assert w["code"] == "calendar_missing"
    assert w["message"] == w["message_zh"] and "2031" in w["message_zh"] and "周一至周五" in w["message_zh"]
    assert "2031" in w["message_en"]


def test_message_in_english_when_asked(cppcc_office, in_2031):
    r = login(cppcc_office).get(URL, HTTP_ACCEPT_LANGUAGE="en")
    w = r.json()["warnings"][0]
    assert w["message"] == w["message_en"] and "Monday to Friday" in w["message"]


def test_warning_goes_when_the_year_is_entered(cppcc_office, in_2031):
    c = login(cppcc_office)
    CalendarYear.objects.create(year=2031, complete=True, source="国办发明电〔2030〕X号")
    CalendarDay.objects.create(date=datetime.date(2031, 10, 1), is_working_day=False, name="国庆节")
    assert [w["year"] for w in c.get(URL).json()["warnings"]] == [2032]
    CalendarYear.objects.create(year=2032, complete=True)
    assert c.get(URL).json() == {"warnings": []}


def test_no_warnings_while_the_package_covers_both_years(cppcc_office, monkeypatch):
    monkeypatch.setattr(cal, "_today", lambda: datetime.date(2025, 5, 1))
    r = login(cppcc_office).get(URL)
    assert r.status_code == 200 and r.json() == {"warnings": []}


def test_endpoint_is_in_the_schema(member):
    r = login(member).get("/api/schema/")
    assert r.status_code == 200 and b"/api/calendar/warnings/" in r.content
