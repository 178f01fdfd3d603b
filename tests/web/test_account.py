"""Each person's own account: the page, a new password (the old one stops working, the person
stays logged in), the notification channels, and a forgotten password reset through the link of
an e-mail sent by Django's mail backend (the test's in-memory outbox)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from banli.notify.models import NotificationPreference
from tests.builders import PASSWORD
from tests.checks import assert_audit
from tests.web.pages import login, text

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.mark.parametrize("persona", ["member", "lead_liaison", "gov_office", "district_leader"])
def test_everyone_has_an_account_page_in_the_menu(world, persona):
    c = login(getattr(world, persona))
    assert 'href="/account/"' in text(c.get("/"))
    page = text(c.get("/account/"))
    assert getattr(world, persona).username in page and 'href="/account/password/"' in page


def test_change_own_password(world):
    c = Client()
    assert c.login(username="member", password=PASSWORD)
    r = c.post("/account/password/", {"old_password": "wrong", "new_password1": "Qiantang-River-9", "new_password2": "Qiantang-River-9"})
    assert r.status_code == 400 and "当前密码" in text(r)
    r = c.post("/account/password/", {"old_password": PASSWORD, "new_password1": "Qiantang-River-9", "new_password2": "Qiantang-River-9"})
    assert r.status_code == 302 and r["Location"] == "/account/"
    assert c.get("/").status_code == 200  # still logged in here
    assert not Client().login(username="member", password=PASSWORD)
    assert Client().login(username="member", password="Qiantang-River-9")
    row = assert_audit("change_own_password", actor=world.member, target=world.member, after={"password": "本人修改"})
    assert "Qiantang" not in str(row.after) + str(row.before)


def test_a_weak_new_password_is_refused(world):
    c = login(world.member)
    r = c.post("/account/password/", {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert r.status_code == 400
    assert User.objects.get(pk=world.member.pk).check_password(PASSWORD)


def test_notification_channels(world):
    c = login(world.lead_liaison)
    assert c.get("/account/notifications/").status_code == 200
    r = c.post("/account/notifications/", {"by_sms": "on", "phone": "139 0000 1111", "email": ""})
    assert r.status_code == 302
    pref = NotificationPreference.objects.get(user=world.lead_liaison)
    assert (pref.by_sms, pref.by_email, pref.phone) == (True, False, "139 0000 1111")
    assert_audit("set_notification_channels", actor=world.lead_liaison, after={"by_sms": True, "phone": "139 0000 1111"})
    r = c.post("/account/notifications/", {"by_email": "on", "email": "not-mail"})
    assert r.status_code == 400 and NotificationPreference.objects.get(user=world.lead_liaison).by_email is False


def test_forgotten_password_reset_by_email_end_to_end(world):
    User.objects.filter(pk=world.lead_liaison.pk).update(email="liaison@example.cn")
    c = Client()
    assert 'href="/password/reset/"' in text(c.get("/login/"))
    r = c.post("/password/reset/", {"email": "LIAISON@example.cn"})
    assert r.status_code == 302 and r["Location"] == "/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["liaison@example.cn"] and "重设" in message.subject and "lead_liaison" in message.body
    link = re.search(r"http://testserver(/password/reset/\S+/)", message.body).group(1)
    r = c.get(link)  # Django moves the token into the session and redirects to the form
    assert r.status_code == 302
    form_url = r["Location"]
    r = c.post(form_url, {"new_password1": "Lingyin-Temple-7", "new_password2": "Lingyin-Temple-7"})
    assert r.status_code == 302 and r["Location"] == "/password/reset/complete/"
    assert Client().login(username="lead_liaison", password="Lingyin-Temple-7")
    assert_audit("reset_own_password", actor=world.lead_liaison, target=world.lead_liaison, after={"password": "经电子邮件重置"})
    # The link works once.
    assert "无效或已经用过" in text(Client().get(link, follow=True))


def test_an_unknown_address_sends_nothing_and_says_the_same(world):
    r = Client().post("/password/reset/", {"email": "nobody@example.cn"})
    assert r.status_code == 302 and r["Location"] == "/password/reset/sent/"
    assert mail.outbox == []


def test_reset_by_email_can_be_switched_off(world, settings):
    settings.BANLI_PASSWORD_RESET_BY_EMAIL = False
    User.objects.filter(pk=world.member.pk).update(email="m@example.cn")
    r = Client().post("/password/reset/", {"email": "m@example.cn"})
    assert r.status_code == 200 and "请联系区府办" in text(r)
    assert mail.outbox == []
