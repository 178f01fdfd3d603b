"""The year's result as files: the results notice (考核结果通报) in Word and the whole table in Excel.
Each renders selectors.table for the reader, as the year's page does, so the file holds exactly
what the reader may see there (a unit before publication: its own row, without a rank)."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from banli.assessment import selectors
from banli.assessment.documents import results_notice_docx, results_xlsx as results_workbook
from banli.reports.asof import parse_as_of

from .reports import DOCX, XLSX


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    r = HttpResponse(data, content_type=content_type)
    r["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return r


def _table(request, year) -> dict:
    # ?as_of= as on the page, for a year not yet final (a final year has its own day).
    return selectors.table(request.user, year, as_of=parse_as_of(request.GET.get("as_of")))


@login_required
def results_docx(request, year):
    table = _table(request, year)
    name = f"{table['scheme'].year}年度建议提案办理工作考核结果通报.docx" if table["ranked"] else f"{table['scheme'].year}年度考核得分.docx"
    return _download(results_notice_docx(table), DOCX, name)


@login_required
def results_xlsx(request, year):
    table = _table(request, year)
    return _download(results_workbook(table), XLSX, f"{table['scheme'].year}年度建议提案办理工作考核结果.xlsx")
