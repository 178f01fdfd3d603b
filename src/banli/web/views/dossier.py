"""One case, one file (一案一册): one item's dossier as PDF or Word, and the page that exports every
dossier of a session as a ZIP in the background, with its progress."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from banli.audit.security import export_event
from banli.downloads import send_stored_file
from banli.errors import BanliError, not_found
from banli.proposals import selectors
from banli.proposals.access import actor_for
from banli.reports import actions as report_actions
from banli.reports import selectors as jobs
from banli.reports.access import check_dossier_export
from banli.reports.documents.dossier import build_dossier
from banli.reports.documents.dossier_blocks import file_stem
from banli.reports.documents.dossier_docx import dossier_docx
from banli.reports.documents.dossier_pdf import dossier_pdf

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _dossier(request, item_id, render_as, content_type, ext):
    # The item page's own query: whoever may read the item reads its dossier, anyone else gets 404.
    item = selectors.item_detail(request.user, item_id)
    if item is None:
        raise not_found()
    data = render_as(build_dossier(item, actor_for(request.user)))
    export_event(request, f"dossier_{ext}", item_id=item.pk)  # the proposer's contact data (issue 15.2)
    # The PDF opens in the browser; the Word file is for editing, so it downloads.
    return FileResponse(io.BytesIO(data), as_attachment=ext == "docx", filename=f"{file_stem(item)}.{ext}", content_type=content_type)


@login_required
def item_pdf(request, item_id):
    return _dossier(request, item_id, dossier_pdf, "application/pdf", "pdf")


@login_required
def item_docx(request, item_id):
    return _dossier(request, item_id, dossier_docx, DOCX, "docx")


@login_required
@require_http_methods(["GET", "POST"])
def export_page(request):
    check_dossier_export(request.user)
    if request.method == "POST":
        try:
            job = report_actions.start_dossier_export(request.user, request.POST.get("session"))
        except BanliError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, _("已开始生成“%(session)s”的一案一册压缩包。") % {"session": jobs.session_label(job.session)})
        return redirect("web:dossier_export")
    listed = list(jobs.recent_jobs(request.user))
    # The session asked for in the address, else the one last exported.
    selected = request.GET.get("session") or (str(listed[0].session_id) if listed else "")
    return render(request, "web/reports/dossiers.html", {
        "sessions": jobs.session_choices(request.user),
        "selected": selected,
        "jobs": [(job, jobs.session_label(job.session)) for job in listed],
    })


@login_required
def job_json(request, job_id):
    try:
        status = jobs.job_status(request.user, job_id)
    except BanliError as err:
        return JsonResponse(err.as_dict(), status=err.status)
    return JsonResponse(status)


@login_required
def job_download(request, job_id):
    job = jobs.finished_job(request.user, job_id)
    export_event(request, "dossier_zip", job_id=job.pk, session_id=job.session_id)
    return send_stored_file(job.file, jobs.download_name(job), "application/zip")
