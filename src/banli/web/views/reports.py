"""The report page (figures, prose, charts, unit table) and its downloads: Word, Excel, JSON.
All of them ask reports.service, so they show the same numbers for the same request."""

import os
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext_lazy

from banli.errors import BanliError
from banli.org.models import FeedbackGrade, ReplyType, Session, Term
from banli.reports import cache, charts, service
from banli.reports.access import check_reports, may_export_dossiers
from banli.reports.documents.situation_docx import situation_report
from banli.reports.documents.xlsx import report_workbook, units_workbook
from banli.reports.situation import parse_range, situation
from banli.reports.documents.yearly_docx import yearly_report
from banli.reports.prose import basic_situation

# What charts.report_charts draws from (the current period's breakdowns), and the drawing code's version.
CHARTED = ("by_category", "by_reply_type", "by_grade", "top_units")
CHARTS_VERSION = os.path.getmtime(charts.__file__)
PREV_WORD = {"session": gettext_lazy("上次会议"), "term": gettext_lazy("上届"), "year": gettext_lazy("上年度")}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    r = HttpResponse(data, content_type=content_type)
    r["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return r


@login_required
def report_page(request):
    req = service.requested(request.user, request.GET)
    figures = service.figures(req)
    units = service.units(req)["units"]
    p = req.period
    cur, prev = figures["current"], figures["previous"]
    # Drawing the four charts costs more than computing every figure: they are kept under what
    # they show (the breakdowns they are drawn from, in a language, by this version of the code),
    # so most changes (a message, an urge, a consultation) leave them as drawn.
    shown = {k: cur[k] for k in CHARTED}
    svgs = cache.drawn("charts", [shown, translation.get_language(), CHARTS_VERSION],
                       lambda: {k: charts.svg(fig) for k, fig in charts.report_charts(figures).items()})
    query = request.GET.urlencode() or f"kind={p.kind}&value={p.value}&assembly={p.assembly}"
    return render(request, "web/reports/page.html", {
        "p": p, "cur": cur, "prev": prev, "prev_word": PREV_WORD[p.kind], "may_export": may_export_dossiers(request.user), "as_of": figures["as_of"], "today": timezone.localdate().isoformat(), "prose": basic_situation(figures), "charts": svgs,
        "units": units, "query": query, "reply_types": [t.code for t in ReplyType.objects.filter(active=True)],
        "grades": [(g.code, g.shown_name) for g in FeedbackGrade.objects.all()],  # column heads: English on English pages
        "sessions": Session.objects.select_related("term").order_by("assembly", "-opens_on"), "terms": Term.objects.all(),
    })


def _file(request, build):
    return build(service.requested(request.user, request.GET))


@login_required
def yearly_docx(request):
    return _file(request, lambda req: _download(yearly_report(service.figures(req)), DOCX, f"{req.period.label}办理工作情况报告.docx"))


@login_required
def report_xlsx(request):
    return _file(request, lambda req: _download(report_workbook(service.figures(req)), XLSX, f"{req.period.label}办理情况统计表.xlsx"))


@login_required
def situation_docx(request):
    assembly = request.GET.get("assembly") or None
    if assembly not in (None, "cppcc", "npc"):
        raise BanliError("invalid", "会别不正确。", "Unknown assembly.")
    check_reports(request.user, assembly)
    start, end = parse_range(request.GET)
    name = f"办理情况专报{start:%Y%m%d}-{end:%Y%m%d}.docx"
    return _download(situation_report(situation(start, end, assembly)), DOCX, name)


@login_required
def units_xlsx(request):
    def build(req):
        table = service.units(req)
        types = [t.code for t in ReplyType.objects.filter(active=True)]
        grades = list(FeedbackGrade.objects.values_list("code", "name"))
        return _download(units_workbook(table, types, grades), XLSX, f"{req.period.label}承办单位统计表.xlsx")
    return _file(request, build)
