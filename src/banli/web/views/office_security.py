"""系统管理 · 安全审计: the security events (logins, failures, lockouts, refusals, exports of
personal data, tokens) and the trail of changes (before → after), filtered, 50 a page, and the
filtered events as an Excel file (that export is itself recorded). The office and superusers only."""

from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from banli.audit import selectors
from banli.audit.security import KINDS, PREFIX, export_event
from banli.errors import BanliError

from ..export import MAX_ROWS, table_workbook
from ..office import office_only

PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The details each event may carry, in the order the page shows them, with their labels.
DETAILS = [("username", "输入的用户名"), ("what", "导出内容"), ("rows", "行数"), ("item_id", "提案/建议编号"), ("code", "原因"),
           ("method", "请求方式"), ("status", "应答"), ("path", "地址"), ("stage", "环节"), ("reason", "原因"), ("failures", "失败次数"),
           ("second_factor", "第二因素"), ("expiry", "有效期至")]
# What an export was (security_event("export", what=...)), as the page names it.
EXPORTS = {"item_list": "提案建议列表", "deadlines": "办理时限", "dossier_pdf": "一案一册（PDF）", "dossier_docx": "一案一册（Word）",
           "dossier_zip": "一案一册压缩包", "security_events": "安全审计记录"}


def kind_label(action: str) -> str:
    return _(KINDS.get(action.removeprefix(PREFIX), action))


def details(after: dict) -> str:
    labels = dict(DETAILS)
    parts = [f"{_(labels[k])}：{_shown(k, after[k])}" for k, _label in DETAILS if after.get(k) not in (None, "")]
    parts += [f"{k}：{v}" for k, v in after.items() if k not in labels and k not in ("ip", "filters") and v not in (None, "", {})]
    if after.get("filters"):
        parts.append(_("筛选条件") + "：" + "，".join(f"{k}={v}" for k, v in after["filters"].items()))
    return "；".join(parts)


def _shown(key, value) -> str:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if key == "what":
        return _(EXPORTS[value]) if value in EXPORTS else str(value)
    return str(value)


def who(row, typed: bool = True) -> str:
    """The account that acted; for a failed login, the name typed."""
    if row.actor_id:
        return f"{row.actor.first_name or row.actor.username}（{row.actor.username}）"
    return (row.after.get("username") if typed else "") or "—"


def _filtered(request, select):
    """The rows and the error to show beside the form (a bad date: nothing listed, 400)."""
    try:
        return select(request.user, request.GET), ""
    except BanliError as err:
        if err.status == 403:
            raise
        return None, err.message


@office_only
def events(request):
    qs, error = _filtered(request, selectors.security_events)
    page = Paginator(qs if qs is not None else [], PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = [(r, kind_label(r.action), who(r), r.after.get("ip", ""), details(r.after)) for r in page.object_list]
    return render(request, "web/office/security.html", {
        "page": page, "rows": rows, "kinds": [(k, _(v)) for k, v in KINDS.items()], "params": request.GET,
        "query": query.urlencode(), "error": error,
    }, status=400 if error else 200)


@office_only
def events_export(request):
    qs = selectors.security_events(request.user, request.GET)
    rows = [[timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S"), kind_label(r.action), who(r), r.after.get("ip", ""), details(r.after), r.pk]
            for r in qs[:MAX_ROWS]]
    data = table_workbook(_("安全审计"), [_("时间"), _("事件"), _("用户"), _("地址"), _("详情"), _("记录号")], [20, 16, 24, 16, 80, 10], rows)
    export_event(request, "security_events", rows=len(rows))
    return FileResponse(data, as_attachment=True, filename=_("安全审计") + ".xlsx", content_type=XLSX)


def _values(d: dict) -> str:
    return "；".join(f"{k}：{'、'.join(map(str, v)) if isinstance(v, list) else v}" for k, v in d.items()) or "—"


@office_only
def changes(request):
    qs, error = _filtered(request, selectors.changes)
    page = Paginator(qs if qs is not None else [], PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = [(r, who(r, typed=False), _values(r.before), _values(r.after)) for r in page.object_list]
    return render(request, "web/office/audit_changes.html", {
        "page": page, "rows": rows, "params": request.GET, "query": query.urlencode(), "error": error,
    }, status=400 if error else 200)
