"""Security events (等保2.0 安全审计): who logged in, who failed, who was locked out or refused,
who exported personal data, who created an API token. They are audit rows like any other (so
they are chained and tamper-evident with the rest), with action "security.<kind>".

Call security_event() from the door where the event happens. It writes in its own transaction
when called outside one; inside an action's transaction it commits or rolls back with it, so a
refusal that rolls its transaction back must be recorded after the rollback (the middleware does)."""

from django.utils.translation import gettext_noop

from .models import AuditRecord
from .service import record

# The kinds, with how the office's page names them (marked for the catalog; the page translates).
KINDS = {
    "login": gettext_noop("登录成功"),
    "login_failed": gettext_noop("登录失败"),
    "lockout": gettext_noop("账号锁定"),
    "unlock": gettext_noop("解除锁定"),
    "logout": gettext_noop("退出登录"),
    "refused": gettext_noop("越权访问被拒绝"),
    "export": gettext_noop("导出个人信息"),
    "token_created": gettext_noop("创建API令牌"),
    "token_revoked": gettext_noop("API令牌作废"),
    "otp_enrolled": gettext_noop("启用双因素认证"),
    "otp_failed": gettext_noop("双因素验证失败"),
    "otp_reset": gettext_noop("重置双因素认证"),
    "password_changed": gettext_noop("修改密码"),
    "session_expired": gettext_noop("会话超时"),
}
PREFIX = "security."


def client_address(request) -> str:
    """The client's address as Django sees it (REMOTE_ADDR; behind a proxy the production
    settings make the proxy pass it on)."""
    if request is None:
        return ""
    return request.META.get("REMOTE_ADDR", "") or ""


def security_event(kind: str, *, request=None, user=None, username: str = "", note: str = "", **details) -> AuditRecord:
    """Record one security event. `user` defaults to the request's user when logged in;
    `username` is what was typed (a failed login has no user)."""
    if kind not in KINDS:
        raise ValueError(f"unknown security event kind {kind!r}")
    if user is None and request is not None:
        user = getattr(request, "user", None)
    after = {"ip": client_address(request), **details}
    if username:
        after["username"] = username[:150]
    if request is not None:
        after.setdefault("path", request.path[:200])
    # record() is its own transaction when called outside one, and part of the caller's inside
    # one (no savepoint: a failed insert breaks the caller's transaction anyway).
    return record(actor=user, action=PREFIX + kind, after=after, note=note)


def record_refusal(request, response) -> None:
    """A 403 answer, whichever way it came (a BanliError "forbidden", Django's PermissionDenied,
    DRF's permission check, a CSRF failure): recorded after the view has returned, so outside the
    transaction a refused action rolled back."""
    data = getattr(response, "data", None)  # DRF's answer keeps its JSON here
    code = data.get("code", "") if isinstance(data, dict) else getattr(request, "banli_refusal_code", "")
    user = getattr(request, "user", None)
    security_event("refused", request=request, user=user if user is not None and user.is_authenticated else None,
                   method=request.method, status=response.status_code, code=code or "forbidden")


def export_event(request, what: str, *, rows: int | None = None, **details) -> None:
    """An export of personal or unpublished data (a list, a dossier, an archive): who, what, how many."""
    filters = {k: v[:100] for k, v in request.GET.items() if k not in ("page", "csrfmiddlewaretoken")} if request is not None else {}
    if rows is not None:
        details["rows"] = rows
    security_event("export", request=request, what=what, filters=filters, **details)
