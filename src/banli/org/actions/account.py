"""One's own account: a new password chosen by the person, after confirming the old one on the
page, or through the link of a password-reset e-mail. Notification channels are the person's own
business too, kept by banli.notify.actions.save_preferences."""

from django.db import transaction

from banli.audit.service import record
from banli.errors import forbidden

from .. import passwords

BY_SELF, BY_EMAIL = "本人修改", "经电子邮件重置"


@transaction.atomic
def set_own_password(user, password: str, *, via_email: bool = False):
    """Store the new password (already checked against the site's password rules by the form).
    The audit row says that and how, never what."""
    if user is None or not user.is_active:
        raise forbidden("账号已停用。", "The account is deactivated.")
    user.set_password(password)
    user.save(update_fields=["password"])
    passwords.changed_by_self(user)  # no longer an initial password; its age starts now
    record(actor=user, action="reset_own_password" if via_email else "change_own_password", target=user,
           before={"password": "（原密码）"}, after={"password": BY_EMAIL if via_email else BY_SELF})
    return user
