"""API tokens (issue 15.1): issued once and stored only as a digest, expiring after
BANLI_API_TOKEN_HOURS, revoked by /api/logout/ (that token) and /api/logoutall/ (all), revoked
all at once when the password changes by any door; the second factor for those who must have
it; the admin lists no key; each issue and revocation is a security event."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from banli.audit.models import AuditRecord
from banli.org.actions.users import reset_password
from tests.builders import PASSWORD

from .otp_helpers import code, events, phone

pytestmark = pytest.mark.django_db
User = get_user_model()


def issue(user, **extra):
    return APIClient().post("/api/token/", {"username": user.username, "password": PASSWORD, **extra}, format="json")


def token_for(user, **extra) -> str:
    r = issue(user, **extra)
    assert r.status_code == 200, r.content.decode()
    return r.json()["token"]


def refused(response) -> bool:
    """A token refused: 403 like every unauthenticated API call here (DRF answers 401 only when the
    first authentication class names a scheme; the session's, first, names none)."""
    return response.status_code == 403 and response.json()["code"] == "not_authenticated"


def with_token(token) -> APIClient:
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION="Token " + token)
    return c


def test_a_token_is_shown_once_and_stored_only_as_a_digest(world):
    before = timezone.now()
    r = issue(world.member)
    assert r.status_code == 200 and set(r.json()) == {"token", "expiry"}
    token = r.json()["token"]
    expiry = datetime.datetime.fromisoformat(r.json()["expiry"])
    assert before + datetime.timedelta(hours=8) <= expiry <= timezone.now() + datetime.timedelta(hours=8)

    assert with_token(token).get("/api/me/").json()["username"] == world.member.username
    [row] = AuthToken.objects.filter(user=world.member)
    assert token not in (row.digest, row.token_key) and len(row.digest) == 128
    assert not any(token in str(v) for v in AuditRecord.objects.values_list("before", "after", "note"))
    [event] = events("token_created", world.member)
    assert event.after["expiry"] and event.after["ip"] == "127.0.0.1"
    # No door shows a key again: there is no endpoint listing tokens, and a new request makes a new one.
    assert token_for(world.member) != token


def test_the_old_drf_token_table_is_gone():
    assert "rest_framework.authtoken" not in django_settings.INSTALLED_APPS


def test_wrong_password_gives_no_token(world):
    r = APIClient().post("/api/token/", {"username": world.member.username, "password": "wrong-pw-1"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "bad_credentials" and "不正确" in r.json()["message"]
    assert not AuthToken.objects.exists() and events("token_created") == []


def test_the_lifetime_is_a_setting_read_at_each_issue(world, settings):
    settings.BANLI_API_TOKEN_HOURS = 1
    token = token_for(world.member)
    row = AuthToken.objects.get(user=world.member)
    assert abs((row.expiry - timezone.now()) - datetime.timedelta(hours=1)) < datetime.timedelta(minutes=1)
    assert with_token(token).get("/api/me/").status_code == 200


def test_an_expired_token_is_refused_and_deleted(world):
    token = token_for(world.member)
    AuthToken.objects.filter(user=world.member).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert refused(with_token(token).get("/api/me/"))
    assert not AuthToken.objects.filter(user=world.member).exists()


def test_logout_revokes_the_token_used_and_logoutall_every_one(world):
    first, second, third = (token_for(world.lead_liaison) for _ in range(3))
    assert with_token(first).post("/api/logout/").status_code == 204
    assert refused(with_token(first).get("/api/me/"))
    assert with_token(second).get("/api/me/").status_code == 200
    assert AuthToken.objects.filter(user=world.lead_liaison).count() == 2

    assert with_token(second).post("/api/logoutall/").status_code == 204
    assert refused(with_token(third).get("/api/me/"))
    assert not AuthToken.objects.filter(user=world.lead_liaison).exists()
    revoked = events("token_revoked", world.lead_liaison)
    assert [(e.after["reason"], e.after["count"]) for e in revoked] == [("logout", 1), ("logout", 2)]


def test_logout_needs_a_token(world):
    c = APIClient()
    c.force_login(world.member)
    assert c.post("/api/logout/").status_code in (401, 403)


def test_own_password_change_revokes_every_token(world):
    token = token_for(world.member)
    client = Client()
    client.force_login(world.member)
    r = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": "Xin-Mima-2026!", "new_password2": "Xin-Mima-2026!"})
    assert r.status_code == 302, r.content.decode()[:800]
    assert refused(with_token(token).get("/api/me/"))
    [event] = events("token_revoked", world.member)
    assert event.after["reason"] == "password_changed"


def test_the_office_resetting_a_password_revokes_every_token(world):
    tokens = [token_for(world.deputy) for _ in range(2)]
    reset_password(world.gov_office, world.deputy.pk, generate=True)
    assert all(refused(with_token(t).get("/api/me/")) for t in tokens)


def test_a_password_set_in_a_shell_or_the_admin_revokes_too(world):
    token = token_for(world.member)
    user = User.objects.get(pk=world.member.pk)
    user.first_name = "改名"
    user.save()  # a save that leaves the password alone revokes nothing
    assert with_token(token).get("/api/me/").status_code == 200
    user.set_password("Another-pw-2026!")
    user.save()
    assert refused(with_token(token).get("/api/me/"))


def test_the_admin_lists_tokens_without_their_keys(world):
    token = token_for(world.member)
    row = AuthToken.objects.get(user=world.member)
    admin = Client()
    admin.force_login(world.admin_user)
    r = admin.get("/admin/knox/authtoken/")
    page = r.content.decode()
    assert r.status_code == 200 and world.member.username in page
    # The digest is the row's primary key (in its links): it cannot be turned back into the key.
    assert token not in page and row.token_key not in page
    assert admin.get("/admin/knox/authtoken/add/").status_code == 403
    # Nor are the phones' secret keys anywhere in the admin.
    assert admin.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_the_admin_revokes_a_token(world):
    token = token_for(world.member)
    row = AuthToken.objects.get(user=world.member)
    admin = Client()
    admin.force_login(world.admin_user)
    from django.contrib.admin.utils import quote

    r = admin.post(f"/admin/knox/authtoken/{quote(row.pk)}/delete/", {"post": "yes"})
    assert r.status_code == 302
    assert refused(with_token(token).get("/api/me/"))
    assert events("token_revoked")[0].after["reason"] == "admin"


class TestSecondFactor:
    @pytest.fixture(autouse=True)
    def _required(self, settings):
        settings.BANLI_2FA_REQUIRED = True

    def test_staff_must_send_the_code(self, world):
        device = phone(world.gov_office)
        r = issue(world.gov_office)
        assert r.status_code == 400 and r.json()["field"] == "otp"
        r = issue(world.gov_office, otp="000000" if code(device) != "000000" else "111111")
        assert r.status_code == 400 and r.json()["field"] == "otp"
        assert len(events("otp_failed", world.gov_office)) == 1
        device.throttle_reset()
        token = token_for(world.gov_office, otp=code(device))
        assert with_token(token).get("/api/me/").json()["gov_office"] is True

    def test_staff_without_a_phone_are_sent_to_the_web_first(self, world):
        r = issue(world.district_leader, otp="123456")
        assert r.status_code == 403 and r.json()["code"] == "second_factor_not_enrolled"
        assert not AuthToken.objects.exists()

    def test_a_member_needs_no_code_unless_they_enrolled(self, world):
        assert issue(world.member).status_code == 200
        device = phone(world.member)
        assert issue(world.member).status_code == 400
        assert issue(world.member, otp=code(device)).status_code == 200

    def test_an_unverified_session_is_refused_by_the_api(self, world):
        client = APIClient()
        client.post("/login/", {"username": world.gov_office.username, "password": PASSWORD})
        r = client.get("/api/items/")
        assert r.status_code == 403 and r.json()["code"] == "second_factor_required"


def test_failures_at_the_token_door_count_towards_the_lockout(world, settings):
    """/api/token/ checks the password with authenticate(request=...), so django-axes counts its
    failures as at /login/: after the limit even the right password gets no token."""
    for _ in range(settings.BANLI_LOGIN_FAILURE_LIMIT):
        r = APIClient().post("/api/token/", {"username": world.member.username, "password": "wrong-pw-1"}, format="json")
        assert r.status_code in (400, 429)  # the failure that reaches the limit is answered as the lockout
    r = issue(world.member)
    assert r.status_code == 429 and r.json()["code"] != "bad_credentials", r.content.decode()
    assert not AuthToken.objects.exists()
