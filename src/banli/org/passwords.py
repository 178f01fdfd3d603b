"""The password policy (等保2.0 身份鉴别: 口令具有复杂度要求并定期更换) and whether a person must
change theirs before doing anything else.

The rules are Django's validators (settings.AUTH_PASSWORD_VALIDATORS), so every door that sets a
password checks the same ones: 系统管理 (banli.org.actions.users), 我的账户 and the e-mail reset
(Django's password forms), the Django admin's password forms and `manage.py changepassword` /
`createsuperuser`. The one rule Django lacks, character classes, is here.

A password the office sets (typed or generated, on a new account or a reset) is an initial
password: require_change() marks it, and banli.web.password_gate sends the person to change it
at their next request. Their own change (changed_by_self) clears the mark and starts the
password's age, which BANLI_PASSWORD_MAX_DAYS limits when set."""

import datetime

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import PasswordState

INITIAL, EXPIRED = "initial", "expired"


def _classes(password: str) -> int:
    """How many of lower case, upper case, digits and other characters the password holds."""
    kinds = (
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    )
    return sum(kinds)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its message in Chinese: Django 5.2's catalogue has no Chinese for the
    reworded English ("This password is too short...") and the users read Chinese first."""

    def get_error_message(self):
        return _("密码太短，至少需要 %(n)d 个字符。") % {"n": self.min_length}

    def get_help_text(self):
        return _("密码至少需要 %(n)d 个字符。") % {"n": self.min_length}


class UsernameValidator:
    """Not the username, nor the username with something around it (zhang.wei2026!): Django's
    similarity rule lets a short username pass inside a longer password."""

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").lower()
        if len(username) >= 3 and username in password.lower():
            raise ValidationError(_("密码不能包含用户名。"), code="password_contains_username")

    def get_help_text(self):
        return _("密码不能包含用户名。")


class CharacterClassValidator:
    """At least `min_classes` of the four character classes (lower case, upper case, digits,
    symbols): the complexity an assessor of a level-3 system asks for beside the length."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if _classes(password) < self.min_classes:
            raise ValidationError(self.message(), code="password_too_simple")

    def message(self) -> str:
        return _("密码须至少包含大写字母、小写字母、数字、符号中的 %(n)d 种。") % {"n": self.min_classes}

    def get_help_text(self):
        return self.message()


def min_length() -> int:
    return getattr(settings, "BANLI_PASSWORD_MIN_LENGTH", 10)


def rules_text() -> str:
    """The rules in one sentence, for the help text under a new-password field."""
    return _("至少 %(n)d 位，包含大写字母、小写字母、数字、符号中的至少 %(k)d 种，不能与用户名或常用密码相近。") % {
        "n": min_length(), "k": getattr(settings, "BANLI_PASSWORD_MIN_CLASSES", 3)}


def require_change(user) -> None:
    """The password just set for `user` by someone else is an initial one: change it at next login."""
    PasswordState.objects.update_or_create(user=user, defaults={"must_change": True})


def changed_by_self(user) -> None:
    """The person chose their own password: no longer initial, and its age starts now."""
    PasswordState.objects.update_or_create(user=user, defaults={"must_change": False, "changed_at": timezone.now()})


def change_required(user, now=None) -> str | None:
    """INITIAL, EXPIRED or None: why the person must change their password before going on."""
    if user is None or not user.is_authenticated:
        return None
    state = PasswordState.objects.filter(user=user).values_list("must_change", "changed_at").first()
    if state and state[0]:
        return INITIAL
    max_days = getattr(settings, "BANLI_PASSWORD_MAX_DAYS", 0)
    if max_days:
        since = (state[1] if state else None) or user.date_joined
        if since + datetime.timedelta(days=max_days) <= (now or timezone.now()):
            return EXPIRED
    return None
