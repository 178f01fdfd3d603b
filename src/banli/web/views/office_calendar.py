"""系统管理 · the holiday calendar (节假日与调休): the years, each with its notice and the dates
entered for it, beside what the built-in State Council calendar already knows."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from banli.errors import not_found
from banli.org import office_selectors as sel
from banli.org.actions import calendar
from banli.workdays.calendar import calendar_warnings, package_covers

from ..office import attempt, office_only
from ..office_forms import CalendarDayForm, CalendarYearForm


def _years_page(request, *, status=200, form=None):
    today = timezone.localdate()
    return render(request, "web/office/calendar.html", {
        "years": sel.calendar_years(today.year), "warnings": calendar_warnings(today),
        "form": form or CalendarYearForm(initial={"year": today.year + 1, "complete": True}),
    }, status=status)


@office_only
def years(request):
    if request.method != "POST":
        return _years_page(request)
    form = CalendarYearForm(request.POST)
    row, ok = attempt(form, lambda d: calendar.save_calendar_year(request.user, **d))
    if not ok:
        return _years_page(request, status=400, form=form)
    messages.success(request, _("%(year)d年的放假通知信息已保存。") % {"year": row.year})
    return redirect("web:office_calendar_year", year=row.year)


def _year_page(request, year, *, status=200, day_form=None, year_form=None):
    notice = next((y["notice"] for y in sel.calendar_years(year) if y["year"] == year), None)
    return render(request, "web/office/calendar_year.html", {
        "year": year, "package": package_covers(year), "notice": notice, "days": sel.calendar_days(year),
        "day_form": day_form or CalendarDayForm(initial={"date": datetime.date(year, 1, 1), "is_working_day": "0"}),
        "year_form": year_form or CalendarYearForm(initial={"year": year, "complete": notice.complete if notice else False,
                                                            "source": notice.source if notice else "", "note": notice.note if notice else ""}),
    }, status=status)


def _checked_year(year) -> int:
    if not 2000 <= int(year) <= 2100:
        raise not_found()
    return int(year)


@office_only
def year_page(request, year):
    year = _checked_year(year)
    if request.method != "POST":
        return _year_page(request, year)
    form = CalendarDayForm(request.POST)
    row, ok = attempt(form, lambda d: calendar.save_calendar_day(request.user, **d))
    if not ok:
        return _year_page(request, year, status=400, day_form=form)
    messages.success(request, _("%(date)s 已设为%(what)s。") % {"date": row.date.isoformat(), "what": _("上班") if row.is_working_day else _("放假")})
    return redirect("web:office_calendar_year", year=row.date.year)


@require_POST
@office_only
def day_remove(request, year, day_id):
    row = calendar.remove_calendar_day(request.user, day_id)
    messages.success(request, _("已删除 %(date)s 的设置，该日恢复按内置日历计算。") % {"date": row.date.isoformat()})
    return redirect("web:office_calendar_year", year=row.date.year)
