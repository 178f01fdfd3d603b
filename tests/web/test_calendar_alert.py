"""DOMAIN §5: where a year has no holiday data its working days are counted Monday to Friday, and
the government office is warned on its dashboard: an alert on its to-do page (/) for the current
or the next year without data, in the page's language. The administrator, who enters the data,
sees it too; nobody else does. The date is fixed, not the wall clock."""

import datetime
import re

import pytest

from banli.workdays import calendar as cal
from banli.workdays.models import CalendarYear
from tests.web.pages import login, text

pytestmark = pytest.mark.django_db

LAST = max(cal._PKG_YEARS)  # the last year the chinesecalendar package covers


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    cal.clear_cache()
    yield
    cal.clear_cache()


@pytest.fixture
def late_in_the_last_covered_year(monkeypatch):
    """Late November of the package's last year: next year's holidays are not published in it."""
    monkeypatch.setattr(cal, "_today", lambda: datetime.date(LAST, 11, 26))
    return LAST + 1


def alert(response) -> str | None:
    m = re.search(r'<div class="alert"[^>]*data-alert="calendar"[^>]*>(.*?)</div>', text(response), re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(1))).strip() if m else None


def test_the_office_is_warned_when_next_year_has_no_data_and_not_once_it_is_entered(world, late_in_the_last_covered_year):
    year = late_in_the_last_covered_year
    c = login(world.gov_office)
    shown = alert(c.get("/"))
    assert shown is not None, "no calendar alert on the office's to-do page"
    assert "工作日日历提示" in shown
    assert f"{year}年的法定节假日和调休安排尚未录入" in shown and "周一至周五" in shown
    assert str(LAST) + "年" not in shown  # the current year has its data

    CalendarYear.objects.create(year=year, complete=True, source="国办发明电")
    assert alert(c.get("/")) is None


def test_no_alert_while_the_package_covers_both_years(world, monkeypatch):
    monkeypatch.setattr(cal, "_today", lambda: datetime.date(LAST - 1, 5, 1))
    assert alert(login(world.gov_office).get("/")) is None


def test_the_alert_in_english(world, late_in_the_last_covered_year):
    shown = alert(login(world.gov_office).get("/", HTTP_ACCEPT_LANGUAGE="en"))
    assert shown is not None and "Working-day calendar" in shown
    assert f"The public holidays for {late_in_the_last_covered_year} have not been entered" in shown
    assert not re.search(r"[\u4e00-\u9fff]", shown), shown


def test_the_administrator_sees_it_with_the_way_to_the_calendar(world, late_in_the_last_covered_year):
    r = login(world.admin_user).get("/")
    assert alert(r) is not None
    assert 'href="/admin/workdays/calendaryear/"' in text(r)


@pytest.mark.parametrize("persona", ["lead_liaison", "lead_head", "member", "cppcc_office", "district_leader"])
def test_nobody_else_sees_it(world, late_in_the_last_covered_year, persona):
    r = login(getattr(world, persona)).get("/")
    assert r.status_code == 200
    assert alert(r) is None and "工作日日历提示" not in text(r)

