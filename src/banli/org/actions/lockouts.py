"""The office lifts a login lockout (banli.org.lockouts) before its cool-off ends: an account's,
after making sure it is the person asking, or an address's. Each unlock is an audit row on the
account (when there is one) and a security event."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import transaction

from axes.models import AccessAttempt

from banli.audit.security import security_event
from banli.audit.service import record
from banli.errors import invalid, not_found

from .office import require_office

User = get_user_model()


@transaction.atomic
def unlock_account(actor, username, *, request=None) -> int:
    """Clear the failed logins of one account (from every address). Returns how many were cleared."""
    require_office(actor)
    username = (username or "").strip()[:150]
    if not username:
        raise invalid("username", "请指明要解除锁定的账号。", "Say which account to unlock.")
    attempts = AccessAttempt.objects.select_for_update().filter(username=username)
    failures = sum(a.failures_since_start for a in attempts)
    if not failures:
        raise not_found()
    attempts.delete()
    target = User.objects.filter(username=username).first()
    record(actor=actor, action="unlock_login", target=target, before={"username": username, "failures": failures},
           after={"username": username, "failures": 0})
    security_event("unlock", request=request, user=actor, username=username, failures=failures)
    return failures


@transaction.atomic
def unlock_address(actor, ip_address, *, request=None) -> int:
    """Clear the failed logins from one address (whichever accounts they named)."""
    require_office(actor)
    ip = (ip_address or "").strip()[:45]
    if not ip:
        raise invalid("ip_address", "请指明要解除锁定的地址。", "Say which address to unlock.")
    try:
        validate_ipv46_address(ip)
    except ValidationError:
        raise not_found() from None  # no address of that form was ever counted
    attempts = AccessAttempt.objects.select_for_update().filter(ip_address=ip)
    failures = sum(a.failures_since_start for a in attempts)
    if not failures:
        raise not_found()
    attempts.delete()
    record(actor=actor, action="unlock_login", before={"ip_address": ip, "failures": failures}, after={"ip_address": ip, "failures": 0})
    security_event("unlock", request=request, user=actor, address=ip, failures=failures)
    return failures
