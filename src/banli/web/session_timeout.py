"""Idle and absolute session timeouts (等保2.0 身份鉴别: 登录连接超时自动退出).

A logged-in session keeps two moments: when it began and when it was last used. Past
BANLI_SESSION_IDLE_MINUTES without a request, or BANLI_SESSION_MAX_HOURS after it began, the
person is logged out, the event is recorded (security_event "session_expired"), and a page asks
them to log in again (coming back where they were); the API answers 401. SESSION_COOKIE_AGE is the
absolute limit too, so a browser drops the cookie by itself.

The last use is written at most once a minute (TOUCH_SECONDS), so that reading pages does not
write the session on every request; the idle limit is therefore exact to a minute. Requests
authenticated by an API token carry no session and are not concerned."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from banli.audit.security import security_event
from banli.errors import BanliError
from banli.middleware import error_response, is_api

STARTED, SEEN = "banli_session_started", "banli_session_seen"
TOUCH_SECONDS = 60
IDLE, ABSOLUTE = "idle", "absolute"


def now() -> float:
    """The clock, as seconds (a function of its own so that a test can move it)."""
    return timezone.now().timestamp()


def expired(session, moment: float) -> str | None:
    """IDLE, ABSOLUTE or None for a logged-in session at `moment`."""
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is not None and moment - started > settings.BANLI_SESSION_MAX_HOURS * 3600:
        return ABSOLUTE
    if seen is not None and moment - seen > settings.BANLI_SESSION_IDLE_MINUTES * 60:
        return IDLE
    return None


def on_login(sender, request=None, user=None, **kwargs):
    """user_logged_in: the session's clocks start at the login (and the first page writes nothing)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[STARTED] = session[SEEN] = now()


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        session, moment = request.session, now()
        reason = expired(session, moment)
        if reason:
            return self._expire(request, user, reason, moment)
        if session.get(STARTED) is None:
            session[STARTED] = moment
        if session.get(SEEN) is None or moment - session[SEEN] >= TOUCH_SECONDS:
            session[SEEN] = moment
        return self.get_response(request)

    def _expire(self, request, user, reason, moment):
        started, seen = request.session.get(STARTED), request.session.get(SEEN)
        security_event("session_expired", request=request, user=user, reason=reason,
                       minutes=int((moment - (seen if reason == IDLE else started)) // 60))
        logout(request)
        if is_api(request):
            return error_response(request, BanliError(
                "session_expired", "长时间未操作，已自动退出，请重新登录。", "The session has expired; please log in again.", status=401))
        if reason == IDLE:
            messages.warning(request, _("长时间未操作，已自动退出，请重新登录。"))
        else:
            messages.warning(request, _("登录时间已超过 %(hours)d 小时，已自动退出，请重新登录。") % {"hours": settings.BANLI_SESSION_MAX_HOURS})
        target = request.get_full_path() if request.method == "GET" else "/"
        return HttpResponseRedirect(f"{settings.LOGIN_URL}?next={quote(target)}")
