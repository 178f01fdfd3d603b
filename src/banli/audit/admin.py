"""Users and groups in the admin, audited like the reference data (banli.admin_base.AuditedAdmin):
a change of names, e-mail, activity, staff status or groups leaves a row with before and after; a
password set through the admin is recorded as set, never with its hash."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from banli.admin_base import PASSWORD_SET, AuditedAdmin
from banli.audit.service import record

User = get_user_model()


class AuditedUserAdmin(AuditedAdmin, UserAdmin):
    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        # Django answers a saved password form with a redirect to the user's page; a form with
        # errors is shown again (200) and changes nothing.
        if request.method == "POST" and response.status_code == 302 and not response.url.endswith("/password/"):
            user = User.objects.get(pk=id)
            after = {"password": PASSWORD_SET if user.has_usable_password() else "（已停用密码登录）"}
            record(actor=request.user, action="admin.set_password", target=user, after=after, note=f"管理后台：用户 {user.username}")
        return response


class AuditedGroupAdmin(AuditedAdmin, GroupAdmin):
    pass


for model, model_admin in ((User, AuditedUserAdmin), (Group, AuditedGroupAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
