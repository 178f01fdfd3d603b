"""Security events (等保2.0 安全审计): who logged in, who failed, who was locked out or refused,
who exported personal data, who created an API token. They are audit rows like any other (so
they are chained and tamper-evident with the rest), with action "security.<kind>".

Call security_event() from the door where the event happens. It writes in its own transaction
when called outside one; inside an action's transaction it commits or rolls back with it, so a
refusal that rolls its transaction back must be recorded after the rollback (the middleware does)."""

from django.db import transaction

from .models import AuditRecord
from .service import record

# The kinds, with how the office's page names them.
KINDS = {
    "login": "登录成功",
    "login_failed": "登录失败",
    "lockout": "账号锁定",
    "unlock": "解除锁定",
    "logout": "退出登录",
    "refused": "越权访问被拒绝",
    "export": "导出个人信息",
    "token_created": "创建API令牌",
    "token_revoked": "API令牌作废",
    "otp_enrolled": "启用双因素认证",
    "otp_failed": "双因素验证失败",
    "otp_reset": "重置双因素认证",
    "password_changed": "修改密码",
    "session_expired": "会话超时",
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
    with transaction.atomic():
        return record(actor=user, action=PREFIX + kind, after=after, note=note)
