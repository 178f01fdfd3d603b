"""系统管理 · the office's floor of channels per kind of message (通知渠道下限), beside the
reminder schedule, which is set per session (office_sessions)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from banli.org import office_selectors as sel
from banli.org.actions import notify_settings
from banli.org.models import Session
from banli.proposals.notices import NOTICES, STEP
from banli.proposals.workflow import TRANSITIONS

from ..office import attempt, office_only
from ..office_forms import ChannelMinimumForm

# The daily scan's reminders: their kinds are reminder_<stage> (banli.deadlines.scan).
REMINDER_KINDS = [
    ("reminder_before5", gettext_lazy("到期前第一次提醒")), ("reminder_before1", gettext_lazy("到期前第二次提醒")),
    ("reminder_due", gettext_lazy("到期当日提醒")), ("reminder_late", gettext_lazy("超期提醒")),
    ("reminder_escalated", gettext_lazy("超期升级提醒（告知单位主要领导和区府办）")),
]


def notice_kinds() -> list[tuple[str, str]]:
    """Every kind a notification can carry, named by its step where it has one: the steps'
    notices, then the scan's reminders."""
    labels = {t.action: t.zh for t in TRANSITIONS}
    labels.update({"assigned": gettext_lazy("交办"), "unassigned": gettext_lazy("撤出交办"), "withdrawn": gettext_lazy("撤回")})
    kinds = []
    for name, notice in NOTICES.items():
        if notice.kind == STEP:
            continue  # its kind is the name of the step that sends it, listed as its own notice
        kind = notice.kind or name
        if kind not in kinds:
            kinds.append(kind)
    return [(k, labels.get(k, "")) for k in kinds] + REMINDER_KINDS


def _page(request, *, status=200, form=None):
    kinds = notice_kinds()
    return render(request, "web/office/notifications.html", {
        "minimums": sel.channel_minimums(), "form": form or ChannelMinimumForm(kinds=kinds), "labels": dict(kinds),
        "sessions": Session.objects.select_related("term").filter(is_current=True).order_by("assembly"),
    }, status=status)


@office_only
def minimums(request):
    if request.method != "POST":
        return _page(request)
    form = ChannelMinimumForm(request.POST, kinds=notice_kinds())
    row, ok = attempt(form, lambda d: notify_settings.save_channel_minimum(request.user, **d))
    if not ok:
        return _page(request, status=400, form=form)
    messages.success(request, _("“%(kind)s”的渠道下限已保存。") % {"kind": row.kind})
    return redirect("web:office_notifications")


@require_POST
@office_only
def minimum_remove(request, minimum_id):
    row = notify_settings.remove_channel_minimum(request.user, minimum_id)
    messages.success(request, _("已取消“%(kind)s”的渠道下限，按各人自选的渠道发送。") % {"kind": row.kind})
    return redirect("web:office_notifications")
