"""批量导入: upload an Excel file, see row by row what it will do, confirm, watch the progress.
Thin: the rules are banli.imports (who may, the preview, the import itself)."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from banli.errors import BanliError, forbidden
from banli.imports import actions as I
from banli.imports import progress
from banli.imports.columns import items_template, reference_template
from banli.imports.models import ImportBatch
from banli.imports.running import make_plan
from banli.org.models import Category, Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ROWS = 1000  # rows listed on the preview page; the counts cover every row


def _check(user):
    if not I.may_use_imports(user):
        raise forbidden("只有区政府办公室和提案委/代表工委可以批量导入。", "Only the offices import.")


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    _check(request.user)
    sessions = list(I.import_sessions(request.user)[:12])
    error = ""
    if request.method == "POST":
        try:
            batch, plan = I.upload(request.user, kind=request.POST.get("kind", ""), upload_file=request.FILES.get("file"),
                                   session_id=request.POST.get("session"))
        except BanliError as err:
            error = err.message
        else:
            return redirect("web:import", batch_id=batch.pk)
    return render(request, "web/imports/index.html", {
        "sessions": sessions, "batches": list(I.visible_batches(request.user)[:20]), "error": error,
        "may_reference": I.may_import(request.user, ImportBatch.Kind.REFERENCE),
        "chosen_kind": request.POST.get("kind", "items"), "chosen_session": request.POST.get("session", ""),
    }, status=400 if error else 200)


@login_required
def batch_page(request, batch_id):
    batch = I.access_batch(request.user, batch_id)
    plan = make_plan(batch) if batch.state in (ImportBatch.State.PREVIEWED, ImportBatch.State.FAILED) else None
    rows = plan.rows if plan else []
    # Rows with errors first: they are what the clerk must fix.
    rows = sorted(rows, key=lambda r: (not r.errors, r.row))[:SHOWN_ROWS]
    return render(request, "web/imports/batch.html", {
        "batch": batch, "plan": plan, "rows": rows, "more": len(plan.rows) - len(rows) if plan else 0,
        "counts": plan.counts if plan else {}, "may_start": plan is not None and plan.ok and I.may_import(request.user, batch.kind, batch.session),
    })


@login_required
@require_POST
def start(request, batch_id):
    try:
        batch = I.start(request.user, batch_id)
    except BanliError as err:
        messages.error(request, err.message)
    else:
        if batch.state == ImportBatch.State.DONE:
            messages.success(request, _("导入完成。"))
    return redirect("web:import", batch_id=batch_id)


@login_required
def batch_json(request, batch_id):
    try:
        batch = I.access_batch(request.user, batch_id)
    except BanliError as err:
        return JsonResponse(err.as_dict(), status=err.status)
    done = progress.read(batch.pk) if batch.state == ImportBatch.State.RUNNING else None
    return JsonResponse({"state": batch.state, "state_label": batch.get_state_display(), "done": done if done is not None else batch.done,
                         "total": batch.rows, "error": batch.error, "summary": batch.summary})


@login_required
def template(request, kind):
    _check(request.user)
    if kind == "items":
        data = items_template(unit_names=list(Unit.objects.filter(active=True).order_by("kind", "name").values_list("name", flat=True)),
                              category_names=list(dict.fromkeys(Category.objects.filter(active=True, parent__isnull=False)
                                                                .order_by("assembly", "position").values_list("name", flat=True))))
        name = _("提案建议导入模板") + ".xlsx"
    else:
        if not I.may_import(request.user, ImportBatch.Kind.REFERENCE):
            raise forbidden()
        data, name = reference_template(), _("单位和委员代表导入模板") + ".xlsx"
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=name, content_type=XLSX)
