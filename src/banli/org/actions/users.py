"""Accounts, administered by the office: create, edit the name and e-mail, deactivate and
reactivate, set a new password.

A password never reaches the audit trail: its rows say that a password was set and by whom, not
what it was. A password the system makes up is returned once, for the office to hand over; it is
stored only as Django's hash."""

import secrets

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from banli.audit.service import record
from banli.errors import BanliError, forbidden, invalid, not_found
from banli.params import MAX_ID

from .. import passwords
from .office import apply, changes, require_office, text

User = get_user_model()

# No 0/O, 1/l/I: the office reads a made-up password aloud or writes it on a slip.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GENERATED_LENGTH = 12
SET_BY_OFFICE, GENERATED = "由区府办设定", "系统生成"


def generate_password() -> str:
    while True:
        pw = "".join(secrets.choice(_ALPHABET) for _ in range(GENERATED_LENGTH))
        # At least one digit and both cases, so that it passes any validator a site adds.
        if any(c.isdigit() for c in pw) and any(c.islower() for c in pw) and any(c.isupper() for c in pw):
            return pw


def user_for_office(actor, user_id, *, for_update: bool = False):
    """An account the office may administer. A superuser's account is the superusers' own
    business: to the office it is left alone, so that the office cannot take over the accounts
    that may open /admin/."""
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        raise not_found() from None
    if not 1 <= pk <= MAX_ID:
        raise not_found()
    qs = User.objects.select_for_update() if for_update else User.objects
    user = qs.filter(pk=pk).first()
    if user is None:
        raise not_found()
    if user.is_superuser and not actor.is_superuser:
        raise forbidden("超级管理员的账号只能由超级管理员管理。", "Only a superuser administers a superuser's account.")
    return user


def _password(password, generate: bool, user, field="password") -> tuple[str, str]:
    """(the password, how it was chosen); a typed one must pass the site's password rules."""
    if generate:
        return generate_password(), GENERATED
    if not password:
        raise invalid(field, "请输入密码，或选择由系统生成。", "Type a password, or let the system make one up.")
    try:
        password_validation.validate_password(password, user)
    except ValidationError as err:
        raise invalid(field, "密码不符合要求：" + "".join(err.messages), "The password is too weak: " + " ".join(err.messages)) from None
    return password, SET_BY_OFFICE


def _username(value) -> str:
    username = text(value, "username", "用户名", max_length=150, required=True)
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise invalid("username", "用户名只能包含字母、数字和 @ . + - _。", "A username takes letters, digits and @ . + - _ only.") from None
    if User.objects.filter(username__iexact=username).exists():
        raise invalid("username", f"用户名“{username}”已被使用。", f"The username {username!r} is taken.")
    return username


def _email(value, user=None) -> str:
    email = text(value, "email", "电子邮箱", max_length=254)
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise invalid("email", "请填写有效的电子邮箱地址。", "Enter a valid e-mail address.") from None
    # The e-mail reset finds an account by its address: two accounts must not share one.
    others = User.objects.filter(email__iexact=email)
    if user is not None:
        others = others.exclude(pk=user.pk)
    if others.exists():
        raise invalid("email", "该电子邮箱已用于另一个账号。", "Another account has this e-mail address.")
    return email


@transaction.atomic
def create_user(actor, *, username, name, email="", password="", generate=False):
    """A new, active account without roles. Returns (user, password): the password is the one
    typed or the one made up, for the office to hand over once."""
    require_office(actor)
    username = _username(username)
    name = text(name, "name", "姓名", max_length=150, required=True)
    email = _email(email)
    user = User(username=username, first_name=name, email=email, is_active=True)
    password, how = _password(password, generate, user)
    user.set_password(password)
    user.save()
    passwords.require_change(user)  # an initial password: the person changes it at first login
    record(actor=actor, action="create_user", target=user, after={"username": username, "name": name, "email": email, "is_active": True},
           note=f"初始密码：{how}")
    return user, password


@transaction.atomic
def update_user(actor, user_id, *, name, email=""):
    """The account's name and e-mail. The username stays: it is how the person logs in."""
    require_office(actor)
    user = user_for_office(actor, user_id, for_update=True)
    values = {"first_name": text(name, "name", "姓名", max_length=150, required=True), "email": _email(email, user)}
    before, after = changes(user, values)
    if not after:
        return user
    apply(user, after)
    user.save(update_fields=list(after))
    record(actor=actor, action="update_user", target=user, before=before, after=after)
    return user


@transaction.atomic
def set_user_active(actor, user_id, *, active: bool):
    """Deactivate (the person can no longer log in; records they made stay theirs) or reactivate.
    The office cannot lock itself out."""
    require_office(actor)
    user = user_for_office(actor, user_id, for_update=True)
    if user.pk == actor.pk and not active:
        raise BanliError("own_account", "不能停用自己的账号。", "You cannot deactivate your own account.")
    if user.is_active == bool(active):
        return user
    user.is_active = bool(active)
    user.save(update_fields=["is_active"])
    record(actor=actor, action="activate_user" if active else "deactivate_user", target=user,
           before={"is_active": not active}, after={"is_active": bool(active)})
    return user


@transaction.atomic
def reset_password(actor, user_id, *, password="", generate=False):
    """A new password for someone who forgot theirs. Returns (user, password) to hand over once."""
    require_office(actor)
    user = user_for_office(actor, user_id, for_update=True)
    password, how = _password(password, generate, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    passwords.require_change(user)  # an initial password again: the person changes it at next login
    record(actor=actor, action="reset_password", target=user, before={"password": "（原密码）"}, after={"password": how})
    return user, password
