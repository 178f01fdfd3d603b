"""系统管理: the office's administration, one card per area, with what needs attention first
(a year without holiday data)."""

from django.shortcuts import render
from django.utils import timezone

from banli.workdays.calendar import calendar_warnings

from ..office import office_only


@office_only
def index(request):
    return render(request, "web/office/index.html", {"warnings": calendar_warnings(timezone.localdate())})
