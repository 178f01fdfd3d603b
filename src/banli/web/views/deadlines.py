"""The supervision list of open milestones (办理时限): late ones first, each with its working days
late or left, filtered by unit, kind and whom it waits on, and the same rows as an Excel file."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from banli.audit.security import export_event
from banli.deadlines import selectors
from banli.deadlines.models import Milestone
from banli.proposals.models import ItemState

from ..export import MAX_ROWS, table_workbook
from ..templatetags.banli_web import number
from ..unit_choices import unit_choices

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def deadlines(request):
    qs = selectors.open_deadlines(request.user, request.GET)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "web/deadlines.html", {
        "page": page, "rows": selectors.with_working_days(page.object_list), "kinds": Milestone.choices,
        "parties": selectors.PARTY_LABELS.items(), "params": request.GET, "query": query.urlencode(), "units": unit_choices(),
    })


@login_required
def deadlines_export(request):
    """Every row the page lists with these filters (not only the page shown)."""
    rows = selectors.with_working_days(selectors.open_deadlines(request.user, request.GET)[:MAX_ROWS])
    headers = [_("编号"), _("提案/建议"), _("环节"), _("责任方"), _("责任单位"), _("起算日期"), _("期限"), _("状态"), _("超期工作日"), _("剩余工作日")]
    widths = [12, 48, 14, 16, 24, 12, 12, 10, 12, 12]
    data = table_workbook(_("办理时限"), headers, widths, (_row(d) for d in rows))
    export_event(request, "deadlines", rows=len(rows))  # unpublished items and units' time limits (issue 15.2)
    return FileResponse(data, as_attachment=True, filename=_("办理时限") + ".xlsx", content_type=XLSX)


def _row(d) -> list:
    if d.item is None:
        no, title = "", _("有问必答")
    elif d.item.state == ItemState.DRAFT:
        no, title = "", _("草稿（未提交）")  # the office reads no drafts: not even their titles
    else:
        no, title = number(d.item), d.item.title
    return [no, title, d.get_kind_display(), str(selectors.PARTY_LABELS[d.party]), d.unit.name if d.unit_id else "", d.starts_on,
            d.due_on, d.get_state_display(), d.days_late, d.days_left]
