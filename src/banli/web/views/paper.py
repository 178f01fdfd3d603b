"""Paper that can be signed: an item's assignment notices, reply letters and closure reports as
PDF (opens in the browser, to print) and Word (downloads, to edit); the office's batch of notices
for the item list's current filter; and the office's letterhead page. Reads and writes go through
banli.paper (documents, actions), which decide who may have what."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from banli.errors import BanliError, not_found
from banli.paper import actions, documents, selectors
from banli.paper.access import check_office
from banli.paper.actions import FIELDS
from banli.paper.models import SealPosition
from banli.paper.numbering import format_number

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KINDS = {"notice": documents.notice_paper, "reply": documents.reply_paper, "closure": documents.closure_paper}


def _file(data: bytes, content_type: str, filename: str, *, inline: bool) -> HttpResponse:
    r = HttpResponse(data, content_type=content_type)
    r["Content-Disposition"] = f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(filename)}"
    return r


def _paper(request, kind, item_id, record_id):
    if kind not in KINDS:
        raise not_found()
    return KINDS[kind](request.user, item_id, record_id)


@login_required
def paper_pdf(request, kind, item_id, record_id):
    paper = _paper(request, kind, item_id, record_id)
    return _file(documents.as_pdf([paper]), "application/pdf", f"{paper.file_stem}.pdf", inline=True)


@login_required
def paper_docx(request, kind, item_id, record_id):
    paper = _paper(request, kind, item_id, record_id)
    return _file(documents.as_docx(paper), DOCX, f"{paper.file_stem}.docx", inline=False)


@login_required
def notices_pdf(request):
    """打印交办单: every notice of the items the list shows, one page (or more) each, in one PDF."""
    papers = documents.batch_papers(request.user, request.GET)
    return _file(documents.as_pdf(papers), "application/pdf", _("交办单") + f"-{len(papers)}.pdf", inline=True)


@login_required
def notices_zip(request):
    papers = documents.batch_papers(request.user, request.GET)
    return _file(documents.as_zip(papers), "application/zip", _("交办单") + f"-{len(papers)}.zip", inline=False)


@login_required
@require_http_methods(["GET", "POST"])
def letterhead_page(request):
    check_office(request.user)  # before reading the form: others get the refusal, not its errors
    current = selectors.letterhead()
    data, errors, status = {k: getattr(current, k) for k in FIELDS}, {}, 200
    if request.method == "POST":
        data = {k: request.POST.get(k, "") for k in FIELDS}
        try:
            actions.update_letterhead(request.user, **data)
        except BanliError as err:
            errors, status = {err.field or "form": err.message}, 400
        else:
            messages.success(request, _("公文版头已保存。此后新编号的公文按新设置生成；已编号的公文保留原文号。"))
            return redirect("web:paper_letterhead")
    try:
        example = format_number(data["number_pattern"], short=data["issuer_short"] or "区府办", kind="notice", year=2026, number=12)
    except (KeyError, ValueError, IndexError):
        example = ""
    return render(request, "web/paper/letterhead.html", {
        "data": data, "errors": errors, "seal_choices": SealPosition.choices, "example": example, "saved": current,
    }, status=status)
