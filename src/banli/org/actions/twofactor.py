"""The office's step on someone's second factor: a reset after a lost or replaced phone. The person
then enrols again at their next login (those who must have it are taken there by the login)."""

from django.db import transaction

from banli.audit.security import security_event
from banli.audit.service import record
from banli.errors import BanliError

from .. import twofactor
from .office import require_office
from .users import user_for_office


@transaction.atomic
def reset_second_factor(actor, user_id, *, request=None):
    """Remove the person's phone and backup codes. Recorded twice on purpose: an audit row on the
    account (what the office did to whom) and a security event (the assessor's list)."""
    require_office(actor)
    user = user_for_office(actor, user_id, for_update=True)
    removed = twofactor.remove_devices(user)
    if not removed:
        raise BanliError("no_second_factor", "该账号尚未启用双因素认证，无需重置。", "This account has no second factor to reset.")
    record(actor=actor, action="reset_second_factor", target=user, before={"second_factor": "已启用"}, after={"second_factor": "已重置"})
    security_event("otp_reset", request=request, user=actor, username=user.username, subject_id=user.pk)
    return user
