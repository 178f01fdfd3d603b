"""One case, one file (一案一册): one item's dossier as PDF or Word, and the page that exports every
dossier of a session as a ZIP in the background, with its progress."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from banli.errors import BanliError, forbidden, not_found
from banli.proposals import selectors
from banli.proposals.access import actor_for
from banli.reports import dossier_jobs as jobs
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
    if not jobs.may_export(request.user):
        raise forbidden("只有区府办和提案委/代表工委可以批量导出一案一册。",
                        "Only the government office and the assembly offices may export all dossiers.")
    if request.method == "POST":
        try:
            job = jobs.start_dossier_export(request.user, request.POST.get("session"))
        except BanliError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, _("已开始生成“%(session)s”的一案一册压缩包。") % {"session": jobs.session_label(job.session)})
        return redirect("web:dossier_export")
    listed = list(jobs.visible_jobs(request.user)[:30])
    # The session asked for in the address, else the one last exported.
    selected = request.GET.get("session") or (str(listed[0].session_id) if listed else "")
    return render(request, "web/reports/dossiers.html", {
        "sessions": [(s.pk, jobs.session_label(s)) for s in jobs.export_sessions(request.user)],
        "selected": selected,
        "jobs": [(job, jobs.session_label(job.session)) for job in listed],
    })


def job_status(job) -> dict:
    return {
        "id": job.pk, "state": job.state, "state_label": str(job.get_state_display()), "done": job.done, "total": job.total,
        "percent": job.percent, "stalled": job.stalled, "error": job.error,
        "download": f"/reports/jobs/{job.pk}/download/" if job.state == job.State.DONE else None,
    }


@login_required
def job_json(request, job_id):
    try:
        job = jobs.access_job(request.user, job_id)
    except BanliError as err:
        return JsonResponse(err.as_dict(), status=err.status)
    return JsonResponse(job_status(job))


@login_required
def job_download(request, job_id):
    job = jobs.access_job(request.user, job_id)
    if job.state != job.State.DONE or not job.file:
        raise not_found()
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=jobs.download_name(job), content_type="application/zip")
