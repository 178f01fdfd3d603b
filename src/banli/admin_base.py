"""The Django admin's two kinds of model: case records, looked at but never edited there
(ReadOnlyAdmin), and reference data and users, edited there by administrators and audited like
any other door (AuditedAdmin: 等保2.0 安全审计, every change with its values before and after)."""

from django.contrib import admin
from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from banli.audit.service import record

# Never written to the audit trail: a password hash is a secret (a change is recorded as "password
# set" only), and the bookkeeping Django stamps by itself is no change anyone made.
SECRET = {"password", "password1", "password2", "usable_password"}
NOT_AUDITED = SECRET | {"last_login"}
PASSWORD_SET = "（已设置新密码）"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Case records and what was said to whom: looked at in the admin, never edited by hand
    (every change goes through an action and leaves an audit row)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (models.QuerySet, list, tuple, set)):
        return sorted((_plain(v) for v in value), key=str)
    if isinstance(value, FieldFile):
        return value.name
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _fields(form):
    """The form's fields that are the model's own (not password inputs, not Django's stamps)."""
    names = {f.name for f in form._meta.model._meta.get_fields() if f.concrete or f.many_to_many}
    return [n for n in form.fields if n in names and n not in NOT_AUDITED]


def _after(form, name):
    """A field's value as saved: the instance's column, or for a many-to-many the choice made."""
    field = form._meta.model._meta.get_field(name)
    if field.many_to_many:
        return _plain(form.cleaned_data.get(name, []))
    return _plain(field.value_from_object(form.instance))


def form_changes(form, adding: bool) -> tuple[dict, dict]:
    """(before, after) of what the form changed; on adding, every field with its value."""
    if adding:
        return {}, {n: _after(form, n) for n in _fields(form)}
    changed = [n for n in _fields(form) if n in form.changed_data]
    return {n: _plain(form.initial.get(n)) for n in changed}, {n: _after(form, n) for n in changed}


def snapshot(obj) -> dict:
    """Every audited column of a row (before a deletion)."""
    return {f.name: _plain(f.value_from_object(obj)) for f in obj._meta.concrete_fields if f.name not in NOT_AUDITED and not f.primary_key}


def _where(obj) -> str:
    return f"管理后台：{obj._meta.verbose_name} {obj}"[:500]


class AuditedAdmin(admin.ModelAdmin):
    """A model edited in the admin: each addition, change and deletion, and each row of its
    inlines, leaves an audit row (action admin.add / admin.change / admin.delete) with the values
    before and after, in the transaction that writes it. Password inputs are never recorded: a
    password set is recorded as such, without the hash."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        before, after = form_changes(form, adding=not change)
        if any(n in SECRET for n in form.changed_data) and any(form.cleaned_data.get(n) for n in ("password1", "password")):
            after["password"] = PASSWORD_SET
        if before or after:
            record(actor=request.user, action="admin.change" if change else "admin.add", target=obj, before=before, after=after,
                   note=_where(obj))

    def save_formset(self, request, form, formset, change):
        # The inline rows' values before are the forms' initial values; read them before saving.
        deleting = {id(f) for f in formset.deleted_forms}
        plans = []
        for f in formset.forms:
            if id(f) in deleting and f.instance.pk is not None:
                plans.append(("admin.delete", _Gone(f.instance), snapshot(f.instance), {}))
            elif id(f) not in deleting and f.has_changed():
                adding = f.instance.pk is None
                plans.append(("admin.add" if adding else "admin.change", f, adding, None))
        super().save_formset(request, form, formset, change)
        for action, target, a, b in plans:
            if action == "admin.delete":
                record(actor=request.user, action=action, target=target, before=a, after=b, note=_where(form.instance))
            else:
                before, after = form_changes(target, adding=a)
                if before or after:
                    record(actor=request.user, action=action, target=target.instance, before=before, after=after, note=_where(form.instance))

    def delete_model(self, request, obj):
        gone, before = _Gone(obj), snapshot(obj)
        with transaction.atomic():
            super().delete_model(request, obj)
            record(actor=request.user, action="admin.delete", target=gone, before=before, note=_where(obj))

    def delete_queryset(self, request, queryset):
        rows = [(_Gone(obj), snapshot(obj), _where(obj)) for obj in queryset]
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            for gone, before, where in rows:
                record(actor=request.user, action="admin.delete", target=gone, before=before, note=where)


class _Gone:
    """A deleted row's name and id for its audit row (the instance loses its pk on delete)."""

    def __init__(self, obj):
        self._meta, self.pk = obj._meta, obj.pk
