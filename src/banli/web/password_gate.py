"""A person whose password is an initial one (set by the office) or past its age must change it
before doing anything else (banli.org.passwords.change_required).

Pages: every page but the change-password page itself, logging out and the language switch
redirects there; the page says why (request.password_change_required). The API, by session or by
token, answers 403 with a message saying to change it on the web first.

The question is asked once per session: a password changes only by the person's own change
(which clears it) or by someone else's, which ends the person's sessions (Django's session
verification hash), so the next login asks again."""

from django.shortcuts import redirect
from rest_framework.permissions import BasePermission

from banli.errors import BanliError
from banli.middleware import error_response, is_api
from banli.org.passwords import EXPIRED, change_required

CHECKED = "banli_password_current"
CHANGE_URL = "/account/password/"
# What a person may still reach: the change page, logging out, the language, the page's assets,
# and the login steps (/login/verify/ and /login/enrol/, the second factor, may come before any page).
EXEMPT = (CHANGE_URL, "/logout/", "/login/", "/lang/", "/static/", "/favicon.ico", "/manifest.webmanifest", "/sw.js")


def refusal(reason: str) -> BanliError:
    if reason == EXPIRED:
        zh, en = "密码已超过有效期，请先在网页上修改密码。", "Your password has expired: change it on the web first."
    else:
        zh, en = "请先在网页上修改初始密码，再使用本系统。", "Change your initial password on the web first."
    return BanliError("password_change_required", zh, en, status=403)


def reason_for(request) -> str | None:
    """Why the session's user must change their password, or None; remembered once it is None."""
    session = request.session
    if session.get(CHECKED):
        return None
    reason = change_required(request.user)
    if reason is None:
        session[CHECKED] = True
    return reason


def on_login(sender, request=None, user=None, **kwargs):
    """user_logged_in: ask at the login, so that the pages after it need not."""
    session = getattr(request, "session", None)
    if session is not None and user is not None:
        session.pop(CHECKED, None)
        if change_required(user) is None:
            session[CHECKED] = True


class PasswordChangeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        reason = reason_for(request)
        request.password_change_required = reason
        if reason is None or request.path_info.startswith(EXEMPT):
            return self.get_response(request)
        if is_api(request):
            return error_response(request, refusal(reason))
        return redirect(CHANGE_URL)


class PasswordIsCurrent(BasePermission):
    """For the API's token door (a token request carries no session for the middleware to see)."""

    def has_permission(self, request, view):
        user = request.user
        if user is None or not user.is_authenticated:
            return True  # IsAuthenticated beside it answers for those
        http = getattr(request, "_request", None)
        if http is not None and getattr(http, "password_change_required", "unset") is None:
            return True  # the middleware asked already
        reason = change_required(user)
        if reason:
            raise refusal(reason)
        return True
