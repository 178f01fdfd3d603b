"""Each person's own account: what it holds, a new password, the notification channels; and a
forgotten password reset through a link sent by e-mail (Django's password-reset views with
Chinese pages; the e-mail goes through Django's mail backend, as every other e-mail). Without
e-mail (BANLI_PASSWORD_RESET_BY_EMAIL off, or no address on the account) the office resets it.

The new password is stored by banli.org.actions.account.set_own_password, which writes the audit
row; Django's forms only check it."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from banli.notify import actions as notify_actions
from banli.notify import selectors as notify_selectors
from banli.org import passwords
from banli.org import twofactor
from banli.org.actions.account import set_own_password
from banli.org.models import StaffRole

from ..office_forms import PreferenceForm


class ChangePasswordForm(auth_forms.PasswordChangeForm):
    def save(self, commit=True):
        return set_own_password(self.user, self.cleaned_data["new_password1"])


class ResetPasswordForm(auth_forms.SetPasswordForm):
    def save(self, commit=True):
        return set_own_password(self.user, self.cleaned_data["new_password1"], via_email=True)


def _labels(form):
    # Django's own labels are English message ids translated by its catalog; the project's pages
    # speak Chinese first, so they are set here.
    names = {"old_password": _("当前密码"), "new_password1": _("新密码"), "new_password2": _("再次输入新密码")}
    for name, label in names.items():
        if name in form.fields:
            form.fields[name].label = label
    if "new_password1" in form.fields:
        form.fields["new_password1"].help_text = passwords.rules_text()
    return form


@login_required
def account_page(request):
    user = request.user
    return render(request, "web/account/index.html", {
        "roles": StaffRole.objects.filter(user=user).order_by("kind"),
        "posts": user.liaison_posts.filter(ended_on__isnull=True).select_related("unit"),
        "led": user.led_units.all(), "people": user.people.all(),
        "second_factor": twofactor.status(user),  # two-factor (issue 15.1)
    })


@login_required
def change_password(request):
    form = _labels(ChangePasswordForm(request.user, request.POST or None))
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, request.user)  # stay logged in on this device
        messages.success(request, _("密码已修改，下次登录请使用新密码。"))
        return redirect("web:account")
    return render(request, "web/account/password.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def notifications(request):
    pref = notify_selectors.preference(request.user)
    form = PreferenceForm(request.POST or None, initial={"by_sms": pref.by_sms, "by_email": pref.by_email, "phone": pref.phone, "email": pref.email})
    if request.method == "POST" and form.is_valid():
        notify_actions.save_preferences(request.user, **form.cleaned_data)
        messages.success(request, _("通知方式已保存。"))
        return redirect("web:account_notifications")
    return render(request, "web/account/notifications.html", {
        "form": form, "minimums": notify_selectors.office_minimums(),
    }, status=400 if form.errors else 200)


def reset_by_email() -> bool:
    return getattr(settings, "BANLI_PASSWORD_RESET_BY_EMAIL", True)


class PasswordReset(auth_views.PasswordResetView):
    template_name = "web/account/reset_form.html"
    email_template_name = "web/account/reset_email.txt"
    subject_template_name = "web/account/reset_subject.txt"
    success_url = "/password/reset/sent/"

    @property
    def extra_email_context(self):
        return {"prefix": settings.BANLI_EMAIL_SUBJECT_PREFIX}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "by_email": reset_by_email()}

    def post(self, request, *args, **kwargs):
        if not reset_by_email():
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)


class PasswordResetSent(auth_views.PasswordResetDoneView):
    template_name = "web/account/reset_sent.html"


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "web/account/reset_confirm.html"
    form_class = ResetPasswordForm
    success_url = "/password/reset/complete/"

    def get_form(self, form_class=None):
        return _labels(super().get_form(form_class))


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "web/account/reset_complete.html"
