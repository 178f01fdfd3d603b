"""What someone locked out of logging in is told (settings.AXES_LOCKOUT_CALLABLE; the lock itself
is banli.org.lockouts): a page saying the account or address is locked, for how long, and that
the office can unlock it; under /api/ the same as JSON, 429 like any other "too many"."""

from django.conf import settings
from django.shortcuts import render

from banli.errors import BanliError
from banli.middleware import error_response, is_api


def minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    n = minutes()
    if is_api(request):
        return error_response(request, BanliError(
            "locked_out",
            f"登录失败次数过多，账号或地址已被锁定 {n} 分钟。请稍后再试，或联系区府办解除锁定。",
            f"Too many failed logins: the account or address is locked for {n} minutes. Try later, or ask the government office to unlock it.",
            status=429))
    return render(request, "web/locked_out.html", {"minutes": n, "limit": settings.AXES_FAILURE_LIMIT}, status=429)
