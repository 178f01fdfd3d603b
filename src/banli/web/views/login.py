"""Logging in, in two steps where a second factor applies (双因素认证).

1. /login/ checks the username and password (Django's LoginView and form, so django-axes, which
   listens to Django's authentication, counts the failures). The person is then logged in but not
   yet verified: the gate (web/second_factor.py) lets an unverified person who needs a second
   factor reach only the pages here, and the API answers them 403.
2. /login/verify/ takes the 6-digit code from the phone, or one backup code; /login/enrol/ is where
   someone who must have a second factor and has none sets up the phone (QR code and the key in
   groups of four), confirms it with a first code and is shown ten backup codes, once.

The login is recorded (security event "login") when it is complete: after the second step where
there is one. A wrong code is recorded ("otp_failed") and slowed down by the device's throttling."""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from banli.audit.security import security_event
from banli.org import twofactor

PENDING = "banli_login_pending"  # session key: the password step passed, the second step not yet
FEW_BACKUP_CODES = 3


def _next(request, default="/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _with_next(path: str, target: str) -> str:
    return f"{path}?{urlencode({'next': target})}" if target and target != "/" else path


def second_step_url(user, target: str = "/") -> str:
    """Where an unverified person goes: the code page if they have a device, else enrolment."""
    return _with_next("/login/verify/" if twofactor.has_device(user) else "/login/enrol/", target)


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        auth_login(self.request, user)
        target = self.get_success_url()
        if twofactor.needs_verification(user):
            self.request.session[PENDING] = True
            return redirect(second_step_url(user, target))
        security_event("login", request=self.request, user=user, second_factor=False)
        return redirect(target)


def _complete(request, device, *, method: str, login: bool = True):
    """The second step passed: mark the session verified and record the login (which is complete
    only now, whichever door took the password: /login/, /admin/login/, the API's browsable login)."""
    pending = request.session.pop(PENDING, False)
    otp_login(request, device)
    if pending or login:
        security_event("login", request=request, user=request.user, second_factor=method)


def _private(response):
    add_never_cache_headers(response)  # codes and keys: no browser or proxy keeps a copy
    return response


@login_required
def verify(request):
    user = request.user
    target = _next(request)
    if not twofactor.needs_verification(user):
        return redirect(target)
    if not twofactor.has_device(user):
        return redirect(_with_next("/login/enrol/", target))
    error, status = "", 200
    if request.method == "POST":
        device, locked_until = twofactor.verify(user, request.POST.get("otp_token", ""))
        if device is not None:
            _complete(request, device, method="backup" if isinstance(device, StaticDevice) else "totp")
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                if left <= FEW_BACKUP_CODES:
                    messages.warning(request, _("您的备用验证码只剩 %(n)d 个，请联系区府办重置双因素认证后重新启用。") % {"n": left})
            return redirect(target)
        security_event("otp_failed", request=request, user=user, stage="login")
        status = 400
        if locked_until is not None:
            wait = max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
            error = _("验证码错误次数过多，请在 %(s)d 秒后再试。") % {"s": wait}
        else:
            error = _("验证码不正确，请查看手机上当前显示的 6 位数字后重新输入。")
    return _private(render(request, "web/otp_verify.html", {"error": error, "next": target, "second_step": True}, status=status))


@login_required
def enrol(request):
    """Set up the phone. Only for someone with no confirmed device: replacing a device goes through
    the office's reset, so that a stolen password alone can never swap the phone."""
    user = request.user
    target = _next(request)
    if twofactor.has_device(user):
        if twofactor.needs_verification(user):
            return redirect(_with_next("/login/verify/", target))
        messages.info(request, _("您已启用双因素认证。更换手机请联系区府办重置。"))
        return redirect("web:account")
    device = twofactor.pending_device(user)
    error, status = "", 200
    if request.method == "POST":
        codes = twofactor.confirm(user, device, request.POST.get("otp_token", ""))
        if codes is not None:
            device.refresh_from_db()
            security_event("otp_enrolled", request=request, user=user)
            # A member enrolling from their account page was logged in already (recorded then).
            _complete(request, device, method="totp", login=twofactor.requires_second_factor(user))
            return _private(render(request, "web/otp_backup.html", {"codes": codes, "next": target, "second_step": True}))
        security_event("otp_failed", request=request, user=user, stage="enrol")
        error, status = _("验证码不正确。请确认手机时间准确，并输入验证器中“提案办理”当前显示的 6 位数字。"), 400
    required = twofactor.requires_second_factor(user)
    context = {
        "qr": twofactor.qr_svg(device), "secret": twofactor.secret(device), "error": error, "next": target,
        "required": required, "second_step": required or bool(request.session.get(PENDING)),  # no menu while in the login
    }
    return _private(render(request, "web/otp_enrol.html", context, status=status))
