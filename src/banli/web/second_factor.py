"""The gate of the second factor: someone who has passed the password but not yet the code (and
needs one: banli.org.twofactor.needs_verification) reaches the login steps, the logout and the
language switch, and nothing else: a page sends them to the code (or to enrolment), the API
answers 403 with a message. /admin/ is behind the gate like every other page, so an administrator
who logged in at /admin/login/ is sent to the code as well.

It sits right after django-otp's OTPMiddleware, which gives request.user its is_verified().
API calls with a token never meet it: DRF authenticates them inside the view, and a token is
only issued after the second factor (api/views/tokens.py)."""

from django.shortcuts import redirect

from banli.errors import BanliError
from banli.middleware import error_response, is_api
from banli.org import twofactor

from .views.login import PENDING, second_step_url

# Paths an unverified person may still open (prefixes).
OPEN = ("/login/", "/logout/", "/lang/", "/static/", "/favicon.ico", "/manifest.webmanifest", "/sw.js", "/api/token/")


def second_factor_required() -> BanliError:
    return BanliError("second_factor_required", "请先完成双因素认证：在网页登录时输入手机验证器上的 6 位验证码。",
                      "Complete two-factor authentication first: enter the 6-digit code from your authenticator app at the web login.",
                      status=403)


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if not path.startswith(OPEN) and must_verify(request):
            if is_api(request):
                return error_response(request, second_factor_required())
            return redirect(second_step_url(request.user, request.get_full_path()))
        return self.get_response(request)


def must_verify(request) -> bool:
    """Unverified, and either the login's password step said a second step follows (whoever has a
    device, even where it is optional), or the rules require one (whatever door logged them in:
    /admin/login/ too). No query for a verified person or while BANLI_2FA_REQUIRED is off, so the
    gate costs the pages nothing there."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    return bool(request.session.get(PENDING)) or twofactor.requires_second_factor(user)
