"""The password policy (等保2.0 口令复杂度) at every door that sets a password: the office's new
account and reset (系统管理), the person's own change (我的账户), the e-mail reset link and the
Django admin. 12345678, password, the username, a short one and a one-kind-of-character one are
refused with a Chinese message, and nothing changes."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from banli.org.models import PasswordState
from tests.builders import PASSWORD
from tests.web.pages import login, text

pytestmark = pytest.mark.django_db
User = get_user_model()

# (a password, what the refusal says); the username's case is filled in per account.
WEAK = [
    ("12345678", "只包含数字"),
    ("password", "太常见"),
    ("Ab3-xyz", "太短"),
    ("qiantangjiangriver", "至少包含"),
]
GOOD = "Qiantang-River-9"


def weak_for(user):
    return WEAK + [(user.username + "-2026X", "用户名"), (user.username.capitalize() + "#1", "用户名")]


def field_error(response, field) -> str:
    match = re.search(rf'data-field="{field}">(.*?)</div>', text(response), re.S)
    return match.group(1) if match else text(response)


def test_the_rules_themselves():
    user = User(username="zhang.wei", first_name="张伟")
    for pw, said in weak_for(user):
        with pytest.raises(ValidationError) as err:
            validate_password(pw, user)
        assert said in " ".join(err.value.messages), (pw, err.value.messages)
    validate_password(GOOD, user)
    validate_password("Xihu Longjing 88", user)  # a space is a symbol: letters of two cases, digits, space


def test_the_office_creating_an_account(world):
    office = login(world.gov_office)
    for pw, said in weak_for(User(username="li.na")):
        r = office.post("/office/users/new/", {"username": "li.na", "name": "李娜", "password_mode": "typed", "password": pw})
        assert r.status_code == 400, pw
        message = field_error(r, "password")
        assert "密码不符合要求" in message and said in message, (pw, message)
    assert not User.objects.filter(username="li.na").exists()
    r = office.post("/office/users/new/", {"username": "li.na", "name": "李娜", "password_mode": "typed", "password": GOOD})
    assert r.status_code == 200 and User.objects.get(username="li.na").check_password(GOOD)


def test_the_office_resetting_a_password(world):
    office = login(world.gov_office)
    for pw, said in weak_for(world.member):
        r = office.post(f"/office/users/{world.member.pk}/password/", {"password_mode": "typed", "password": pw})
        assert r.status_code == 400 and said in field_error(r, "password"), pw
    assert User.objects.get(pk=world.member.pk).check_password(PASSWORD)
    assert not PasswordState.objects.filter(user=world.member).exists()


def test_the_person_changing_their_own(world):
    c = login(world.member)
    for pw, said in weak_for(world.member):
        r = c.post("/account/password/", {"old_password": PASSWORD, "new_password1": pw, "new_password2": pw})
        assert r.status_code == 400 and said in text(r), pw
    assert User.objects.get(pk=world.member.pk).check_password(PASSWORD)
    page = text(c.get("/account/password/"))
    assert "至少 10 位" in page and "至少 3 种" in page  # the rules are said beside the field


def test_the_email_reset_link(world):
    member = User.objects.get(pk=world.member.pk)
    c = Client()
    link = f"/password/reset/{urlsafe_base64_encode(force_bytes(member.pk))}/{default_token_generator.make_token(member)}/"
    form_url = c.get(link)["Location"]
    for pw, said in weak_for(member):
        r = c.post(form_url, {"new_password1": pw, "new_password2": pw})
        assert r.status_code == 200 and said in text(r), pw
    assert User.objects.get(pk=member.pk).check_password(PASSWORD)


def test_the_admin_password_form(world):
    c = login(world.admin_user)
    url = f"/admin/auth/user/{world.member.pk}/password/"
    for pw, said in weak_for(world.member):
        r = c.post(url, {"password1": pw, "password2": pw, "usable_password": "true"})
        assert r.status_code == 200 and said in text(r), pw
    assert User.objects.get(pk=world.member.pk).check_password(PASSWORD)


def test_the_length_is_a_setting(world, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {**v, "OPTIONS": {"min_length": 14}} if v["NAME"].endswith("MinimumLengthValidator") else v
        for v in settings.AUTH_PASSWORD_VALIDATORS
    ]
    settings.BANLI_PASSWORD_MIN_LENGTH = 14
    with pytest.raises(ValidationError):
        validate_password("Qiantang-Riv9")  # 13
    validate_password("Qiantang-River9")
    assert "至少 14 位" in text(login(world.member).get("/account/password/"))
