"""Writes of reply drafting: the office keeps its reply templates (create, edit, deactivate or
bring back). Each checks that the actor is the government office, writes in one transaction with
its audit row; nothing is told to anyone, so nothing waits for the commit.

The unit's reply itself is written by banli.proposals.actions.replies (draft_reply saves the
draft, submit_reply sends it for approval): those are steps of the transition table."""

from django.db import transaction

from banli.audit.service import record
from banli.errors import BanliError, forbidden, invalid, not_found
from banli.org.models import ReplyType
from banli.proposals.access import actor_for

from .models import ReplyTemplate
from .placeholders import check

FIELDS = ("reply_type", "name", "body", "position")


def may_keep_templates(user) -> bool:
    a = actor_for(user)
    return a.gov_office or a.is_admin


def check_office(user):
    if not may_keep_templates(user):
        raise forbidden("只有区府办可以维护答复模板。", "Only the government office keeps the reply templates.")


def _clean(data: dict) -> dict:
    code = (data.get("reply_type") or "").strip() if isinstance(data.get("reply_type"), str) else data.get("reply_type")
    rtype = ReplyType.objects.filter(code=code).first() if code else None
    if rtype is None:
        raise invalid("reply_type", "请选择答复类型。", "Choose a reply type.")
    name = (data.get("name") or "").strip()
    if not name:
        raise invalid("name", "请填写模板名称。", "Give the template a name.")
    if len(name) > 60:
        raise invalid("name", "模板名称过长（最多60字）。", "The name is too long (at most 60 characters).")
    body = (data.get("body") or "").strip()
    if not body:
        raise invalid("body", "请填写模板正文。", "The template needs its text.")
    if len(body) > 20000:
        raise invalid("body", "模板正文过长（最多20000字）。", "The text is too long (at most 20000 characters).")
    try:
        position = int(data.get("position") or 0)
    except (TypeError, ValueError):
        raise invalid("position", "排序应为整数。", "The position is a whole number.") from None
    if not 0 <= position <= 999:
        raise invalid("position", "排序应在0到999之间。", "The position is between 0 and 999.")
    return {"reply_type": rtype, "name": name, "body": check(body), "position": position}


def _unique_name(fields: dict, exclude_pk=None):
    clash = ReplyTemplate.objects.filter(reply_type=fields["reply_type"], name=fields["name"], active=True).exclude(pk=exclude_pk)
    if clash.exists():
        raise invalid("name", f"“{fields['reply_type'].code}”类已有同名的模板。", "This reply type already has a template of that name.")


def _snapshot(t: ReplyTemplate) -> dict:
    return {"reply_type": t.reply_type.code, "name": t.name, "body": t.body, "position": t.position, "active": t.active}


@transaction.atomic
def create_template(user, **data) -> ReplyTemplate:
    check_office(user)
    fields = _clean(data)
    _unique_name(fields)
    t = ReplyTemplate.objects.create(created_by=user, **fields)
    record(actor=user, action="create_reply_template", target=t, after=_snapshot(t))
    return t


def _locked(template_id) -> ReplyTemplate:
    try:
        pk = int(template_id)
    except (TypeError, ValueError):
        raise not_found() from None
    t = ReplyTemplate.objects.select_for_update().select_related("reply_type").filter(pk=pk).first()
    if t is None:
        raise not_found()
    return t


@transaction.atomic
def update_template(user, template_id, **data) -> ReplyTemplate:
    check_office(user)
    t = _locked(template_id)
    current = _snapshot(t)
    fields = _clean({**current, **{k: v for k, v in data.items() if k in FIELDS}})
    if t.active:
        _unique_name(fields, exclude_pk=t.pk)
    changed = {k: v for k, v in fields.items() if getattr(t, k) != v}
    if not changed:
        return t  # saved again as it was: nothing to record
    for k, v in changed.items():
        setattr(t, k, v)
    t.save()
    after = _snapshot(t)
    record(actor=user, action="update_reply_template", target=t,
           before={k: current[k] for k in changed}, after={k: after[k] for k in changed})
    return t


@transaction.atomic
def set_template_active(user, template_id, *, active: bool) -> ReplyTemplate:
    """Deactivate a template (it leaves the liaisons' picker, its text is kept) or bring it back."""
    check_office(user)
    t = _locked(template_id)
    if t.active == bool(active):
        return t
    if active:
        _unique_name({"reply_type": t.reply_type, "name": t.name}, exclude_pk=t.pk)
    t.active = bool(active)
    t.save(update_fields=["active", "updated_at"])
    record(actor=user, action="activate_reply_template" if active else "deactivate_reply_template", target=t,
           before={"active": not t.active}, after={"active": t.active})
    return t


__all__ = ["BanliError", "check_office", "create_template", "update_template", "set_template_active", "may_keep_templates"]
