"""Login lockout (等保2.0 身份鉴别: 登录失败处理), built on django-axes: who is locked out, and the
security events of each failure and each lockout.

Axes counts failed logins in its AccessAttempt table, per account and per address
(AXES_LOCKOUT_PARAMETERS = username OR ip_address), at every door that authenticates through
django.contrib.auth.authenticate(request, ...): /login/, /admin/login/ and /api/token/. An
account is locked after BANLI_LOGIN_FAILURE_LIMIT failures within BANLI_LOCKOUT_MINUTES; an
address after BANLI_LOGIN_ADDRESS_FAILURE_LIMIT (higher: a whole office may sit behind one
address). The lock lifts by itself after the cool-off, or when the office unlocks
(banli.org.actions.lockouts)."""

from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt


class LockoutBackend(AxesStandaloneBackend):
    """Axes' backend, except for a call without a request: nothing there says from where, so there is
    nothing to count by. Every door of Banli passes its request (tests/security/test_lockout.py
    tries each); the one caller without is Django's test Client.login()."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def account_limit() -> int:
    return settings.AXES_FAILURE_LIMIT


def address_limit() -> int:
    return getattr(settings, "BANLI_LOGIN_ADDRESS_FAILURE_LIMIT", account_limit())


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for an address, and a success that clears
    only the account's own failures.

    Axes compares one number with one limit. The address's count is scaled so that it reaches
    the account limit exactly when the address reaches its own: max(account, address * A // B)
    >= A  <=>  account >= A or address >= B."""

    def get_failures(self, request, credentials=None) -> int:
        by_account, by_address = (
            qs.aggregate(n=Sum("failures_since_start"))["n"] or 0 for qs in self.get_user_attempts(request, credentials)
        )
        return max(by_account, by_address * account_limit() // max(address_limit(), 1))

    def reset_user_attempts(self, request, credentials=None) -> int:
        # Axes would delete every failure from the address too: someone with an account of their
        # own could then clear, by logging in, the count of the account they are guessing at.
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


# -- reads for the office's page ------------------------------------------------------------------

def _recent():
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)


def locked_accounts() -> list[dict]:
    """Accounts locked now: username, failures, last attempt, the addresses tried from, until when."""
    rows = (_recent().exclude(username__isnull=True).exclude(username="").values("username")
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=account_limit()).order_by("-last"))
    out = []
    for row in rows:
        addresses = sorted({a for a in _recent().filter(username=row["username"]).values_list("ip_address", flat=True) if a})
        out.append({**row, "addresses": addresses, "until": row["last"] + settings.AXES_COOLOFF_TIME})
    return out


def locked_addresses() -> list[dict]:
    """Addresses locked now: ip, failures, last attempt, how many accounts were tried, until when."""
    rows = (_recent().exclude(ip_address__isnull=True).values("ip_address")
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=address_limit()).order_by("-last"))
    out = []
    for row in rows:
        names = {n for n in _recent().filter(ip_address=row["ip_address"]).values_list("username", flat=True) if n}
        out.append({**row, "accounts": len(names), "until": row["last"] + settings.AXES_COOLOFF_TIME})
    return out


def recent_failures(limit: int = 50) -> list[AccessAttempt]:
    """Failures within the cool-off, locking or not, newest first."""
    return list(_recent().order_by("-attempt_time")[:limit])


def minutes_left(until) -> int:
    return max(1, int((until - timezone.now()).total_seconds() // 60) + 1)


# -- security events ------------------------------------------------------------------------------

def on_login_failed(sender, credentials=None, request=None, **kwargs):
    """Django's user_login_failed, after axes has counted it (axes comes first in INSTALLED_APPS):
    one "login_failed" event, and a "lockout" event when this failure is the one that locks."""
    if request is None:
        return
    from banli.audit.security import security_event

    # DRF's Request (/api/token/) wraps the HttpRequest that axes' middleware looks at: carry the
    # lock over, so that the API too answers "locked" rather than "wrong password".
    http = getattr(request, "_request", request)
    locked = bool(getattr(request, "axes_locked_out", False))
    if locked and http is not request:
        http.axes_locked_out = True
        http.axes_credentials = getattr(request, "axes_credentials", None)
    username = str((credentials or {}).get("username") or "")
    security_event("login_failed", request=http, username=username, locked=locked)
    counted = getattr(request, "axes_failures_since_start", None)
    if locked and counted is not None:
        security_event("lockout", request=http, username=username, failures=counted,
                       minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
