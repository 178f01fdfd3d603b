"""Reply templates (答复模板): the office's own page to keep them (create, edit, deactivate, bring
back), and the item page's "套用模板" button, which fills the unit's reply form with a template and
the item's fields. Reads through banli.drafting.selectors, writes through banli.drafting.actions,
as the API does."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from banli.drafting import actions
from banli.drafting.placeholders import PLACEHOLDERS
from banli.drafting.selectors import fill, reads_drafts, rendered_for, templates
from banli.errors import BanliError, forbidden, invalid, not_found
from banli.org.models import ReplyType
from banli.proposals import actions as item_actions
from banli.proposals import selectors, workflow
from banli.proposals.access import actor_for

from ..forms import field_errors
from ..item_page import form_key, page_context
from ..reply_form import REPLY_FORMS

FIELDS = ("reply_type", "name", "body", "position")


def _check_office(request):
    actions.check_office(request.user)  # before the form is read: others get the refusal, not its errors


def _page(request, *, failed="", errors=None, data=None, page_error="", status=200):
    rows = list(templates(request.user, include_inactive=True))
    for t in rows:
        t.key = f"tpl-{t.pk}"
        t.form = {k: data.get(k, "") for k in FIELDS} if failed == t.key and data is not None else \
            {"reply_type": t.reply_type.code, "name": t.name, "body": t.body, "position": t.position}
    return render(request, "web/drafting/templates.html", {
        "rows": rows, "reply_types": list(ReplyType.objects.filter(active=True)),
        "add": {k: data.get(k, "") for k in FIELDS} if failed == "add" and data is not None else {"position": 0},
        "placeholders": [(name, zh, help_zh if not _en(request) else help_en) for name, (zh, help_zh, help_en) in PLACEHOLDERS.items()],
        "failed": failed, "errors": errors or {}, "page_error": page_error,
    }, status=status)


def _en(request) -> bool:
    return (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en")


def _unless_beside(err: BanliError) -> str:
    """The message at the top of the page, unless it is shown beside its field."""
    return "" if getattr(err, "field", None) in FIELDS else err.message


@login_required
def template_page(request):
    _check_office(request)
    if request.method != "POST":
        return _page(request)
    try:
        t = actions.create_template(request.user, **{k: request.POST.get(k, "") for k in FIELDS})
    except BanliError as err:
        if err.status in (403, 404):
            raise
        return _page(request, failed="add", errors=field_errors(err), data=request.POST, page_error=_unless_beside(err), status=err.status)
    messages.success(request, _("答复模板“%(name)s”已保存。") % {"name": t.name})
    return redirect(f"/reply-templates/#tpl-{t.pk}")


@require_POST
@login_required
def edit_template(request, template_id):
    _check_office(request)
    try:
        t = actions.update_template(request.user, template_id, **{k: request.POST.get(k, "") for k in FIELDS})
    except BanliError as err:
        if err.status in (403, 404):
            raise
        return _page(request, failed=f"tpl-{template_id}", errors=field_errors(err), data=request.POST,
                     page_error=_unless_beside(err), status=err.status)
    messages.success(request, _("答复模板“%(name)s”已保存。") % {"name": t.name})
    return redirect(f"/reply-templates/#tpl-{t.pk}")


@require_POST
@login_required
def set_active(request, template_id):
    _check_office(request)
    active = request.POST.get("active") == "true"
    try:
        t = actions.set_template_active(request.user, template_id, active=active)
    except BanliError as err:
        if err.status in (403, 404):
            raise
        return _page(request, failed=f"tpl-{template_id}", page_error=err.message, status=err.status)
    messages.success(request, (_("答复模板“%(name)s”已启用。") if active else _("答复模板“%(name)s”已停用。")) % {"name": t.name})
    return redirect(f"/reply-templates/#tpl-{t.pk}")


@require_POST
@login_required
def fill_template(request, item_id):
    """The reply form posted here by its "套用模板" button: the page comes back with the form open,
    what was typed kept, and the letter and its type replaced by the template filled in. A script
    asking for JSON gets just those two."""
    action = request.POST.get("_form") or "draft_reply"
    if action not in REPLY_FORMS:
        raise not_found()
    if "application/json" in request.headers.get("Accept", ""):
        # The script fills the letter in place: the template and the item's fields, nothing else read.
        try:
            done = rendered_for(request.user, item_id, request.POST.get("template"), request.POST.get("assignment"))
        except BanliError as err:
            return JsonResponse(err.as_dict(), status=err.status)
        return JsonResponse({"template": done.template.pk, "reply_type": done.reply_type, "body": done.body})
    item = selectors.item_detail(request.user, item_id)
    a = next((x for x in item.assignments.all() if str(x.pk) == request.POST.get("assignment", "")), None) if item else None
    if a is None:
        raise not_found()
    actor = actor_for(request.user)
    if not reads_drafts(actor, a):
        raise forbidden("只有该承办单位可以套用答复模板。", "Only the replying unit fills in a reply template.")
    workflow.check(action, actor, item, a)  # a form no longer offered says why, as its own door would
    t = templates(request.user).filter(pk=_int(request.POST.get("template"))).first()
    if t is None:
        err = invalid("template", "请选择一个答复模板。", "Choose a reply template.")
        return _item_page(request, item, action, request.POST, picked=None, error=err.message, status=400)
    done = fill(t, item, a)
    data = request.POST.copy()
    data["body"], data["reply_type"] = done.body, done.reply_type
    return _item_page(request, item, action, data, picked=t)


def _int(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _item_page(request, item, action, data, *, picked, error="", status=200):
    ctx = page_context(request, item, failed=form_key(action, data), data=data, errors={}, message="")
    for f in ctx["forms"]:
        if f.is_open:
            f.extra["picked"] = picked.pk if picked else _int(data.get("template"))
            f.extra["filled"] = picked.name if picked else ""
            f.extra["template_error"] = error
    item_actions.mark_messages_read(request.user, item, up_to=ctx["read_up_to"])
    return render(request, "web/items/detail.html", ctx, status=status)
