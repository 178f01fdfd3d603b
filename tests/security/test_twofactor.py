"""Two-factor authentication (issue 15.1, 等保2.0 身份鉴别: two kinds of proof for the posts that
hold and decide on unpublished case data): who must, the two login steps, enrolment with backup
codes, the gate (pages, API, admin), throttling of wrong codes, the office's reset, the events."""

import base64
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from banli.errors import BanliError
from banli.org import twofactor
from banli.org.actions.twofactor import reset_second_factor
from tests.checks import assert_audit

from .otp_helpers import code, events, login_verified, password_step, phone

pytestmark = pytest.mark.django_db
User = get_user_model()

MUST = ["gov_office", "cppcc_office", "npc_office", "district_leader", "lead_head", "co_head", "admin_user"]
MAY = ["member", "deputy", "lead_liaison", "cosigner"]


@pytest.fixture(autouse=True)
def _required(settings):
    settings.BANLI_2FA_REQUIRED = True


@pytest.mark.parametrize("persona", MUST)
def test_staff_roles_must_have_a_second_factor(world, persona):
    assert twofactor.requires_second_factor(getattr(world, persona))


@pytest.mark.parametrize("persona", MAY)
def test_members_deputies_and_liaisons_may(world, persona):
    assert not twofactor.requires_second_factor(getattr(world, persona))


def test_the_setting_turns_the_requirement_off_at_request_time(world, settings):
    settings.BANLI_2FA_REQUIRED = False
    assert not twofactor.requires_second_factor(world.gov_office)
    r = password_step(Client(), world.gov_office)
    assert r["Location"] == "/"


def test_the_leader_of_an_inactive_unit_need_not(world):
    world.lead_unit.active = False
    world.lead_unit.save()
    world.co_unit.active = False
    world.co_unit.save()
    assert not twofactor.requires_second_factor(User.objects.get(pk=world.lead_head.pk))


def test_plain_staff_flag_counts_as_administrator(world):
    world.member.is_staff = True
    world.member.save()
    assert twofactor.requires_second_factor(User.objects.get(pk=world.member.pk))


@pytest.mark.parametrize("persona", MUST)
def test_staff_without_a_phone_are_sent_to_enrol_and_reach_nothing_else(world, persona):
    client = Client()
    r = password_step(client, getattr(world, persona), next_path="/items/")
    assert r.status_code == 302 and r["Location"] == "/login/enrol/?next=%2Fitems%2F"
    for path in ("/", "/items/", "/account/", "/office/users/", "/admin/"):
        r = client.get(path)
        assert r.status_code == 302 and r["Location"].startswith("/login/enrol/"), path
    r = client.get("/api/me/")
    assert r.status_code == 403
    assert r.json()["code"] == "second_factor_required" and "双因素认证" in r.json()["message"]
    assert events("login", getattr(world, persona)) == []  # the login is not complete


def _secret_from(page: str) -> bytes:
    grouped = re.search(r'id="otp-secret"><code>([A-Z2-7 ]+)</code>', page).group(1)
    b32 = grouped.replace(" ", "")
    return base64.b32decode(b32 + "=" * (-len(b32) % 8))


def test_enrolment_shows_the_qr_code_and_key_then_ten_backup_codes_once(world):
    client = Client()
    password_step(client, world.gov_office)
    r = client.get("/login/enrol/")
    page = r.content.decode()
    assert r.status_code == 200 and "<svg" in page and "no-store" in r["Cache-Control"]
    key = _secret_from(page)
    assert _secret_from(client.get("/login/enrol/").content.decode()) == key  # a reload keeps the key the phone may have read

    r = client.post("/login/enrol/", {"otp_token": "000000" if totp(key) != 0 else "111111"})
    assert r.status_code == 400 and "验证码不正确" in r.content.decode()
    assert len(events("otp_failed", world.gov_office)) == 1
    assert not TOTPDevice.objects.filter(user=world.gov_office, confirmed=True).exists()

    device = TOTPDevice.objects.get(user=world.gov_office)
    device.throttle_reset()  # the wrong try above made the next one wait a second
    r = client.post("/login/enrol/", {"otp_token": f"{totp(key):06d}"})
    page = r.content.decode()
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(shown) == 10
    assert sorted(shown) == sorted(StaticToken.objects.filter(device__user=world.gov_office).values_list("token", flat=True))
    assert TOTPDevice.objects.get(user=world.gov_office).confirmed
    assert len(events("otp_enrolled", world.gov_office)) == 1
    login = events("login", world.gov_office)
    assert len(login) == 1 and login[0].after["second_factor"] == "totp"
    assert client.get("/items/").status_code == 200
    # Enrolment cannot be repeated by the same session to show new codes or swap the phone.
    r = client.get("/login/enrol/")
    assert r.status_code == 302 and r["Location"] == "/account/"


def test_login_with_a_phone_asks_for_the_code(world):
    device = phone(world.cppcc_office)
    client = Client()
    r = password_step(client, world.cppcc_office, next_path="/items/")
    assert r["Location"] == "/login/verify/?next=%2Fitems%2F"
    assert client.get("/items/")["Location"].startswith("/login/verify/")

    wrong = "123456" if code(device) != "123456" else "654321"
    r = client.post("/login/verify/", {"otp_token": wrong, "next": "/items/"})
    assert r.status_code == 400 and "验证码不正确" in r.content.decode()
    assert len(events("otp_failed", world.cppcc_office)) == 1 and events("login", world.cppcc_office) == []

    device.throttle_reset()
    r = client.post("/login/verify/", {"otp_token": code(device), "next": "/items/"})
    assert r.status_code == 302 and r["Location"] == "/items/"
    assert client.get("/items/").status_code == 200
    assert client.get("/api/me/").status_code == 200
    [row] = events("login", world.cppcc_office)
    assert row.after["second_factor"] == "totp" and row.after["ip"] == "127.0.0.1"


def test_a_wrong_code_makes_the_next_try_wait(world):
    """django-otp's throttling stays on: after a failure even the right code waits (1, 2, 4 … s)."""
    device = phone(world.gov_office)
    client = Client()
    password_step(client, world.gov_office)
    client.post("/login/verify/", {"otp_token": "000000" if code(device) != "000000" else "999999"})
    r = client.post("/login/verify/", {"otp_token": code(device)})
    assert r.status_code == 400 and "次数过多" in r.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # a try during the wait is refused without being checked
    assert client.get("/").status_code == 302


def test_a_backup_code_works_once(world):
    phone(world.district_leader)
    codes = twofactor.new_backup_codes(world.district_leader)
    client = Client()
    password_step(client, world.district_leader)
    r = client.post("/login/verify/", {"otp_token": codes[0].upper()})
    assert r.status_code == 302 and r["Location"] == "/"
    assert events("login", world.district_leader)[0].after["second_factor"] == "backup"
    assert StaticToken.objects.filter(device__user=world.district_leader).count() == 9

    again = Client()
    password_step(again, world.district_leader)
    r = again.post("/login/verify/", {"otp_token": codes[0]})
    assert r.status_code == 400


def test_a_member_logs_in_with_the_password_alone_unless_they_chose_a_phone(world):
    client = Client()
    r = password_step(client, world.member)
    assert r["Location"] == "/" and client.get("/").status_code == 200
    assert events("login", world.member)[0].after["second_factor"] is False

    device = phone(world.member)
    client = Client()
    r = password_step(client, world.member)
    assert r["Location"].startswith("/login/verify/")
    assert client.get("/items/")["Location"].startswith("/login/verify/")
    # A stolen password cannot replace the phone: enrolment sends an unverified person to the code.
    assert client.get("/login/enrol/")["Location"].startswith("/login/verify/")
    r = client.post("/login/verify/", {"otp_token": code(device)})
    assert r["Location"] == "/" and client.get("/items/").status_code == 200


def test_a_member_may_enrol_from_the_account_page(world):
    client = Client()
    password_step(client, world.member)
    page = client.get("/account/").content.decode()
    assert 'href="/login/enrol/?next=/account/"' in page
    key = _secret_from(client.get("/login/enrol/?next=/account/").content.decode())
    r = client.post("/login/enrol/", {"otp_token": f"{totp(key):06d}", "next": "/account/"})
    assert r.status_code == 200 and 'href="/account/"' in r.content.decode()
    assert twofactor.has_device(world.member)
    assert "已启用" in client.get("/account/").content.decode()
    assert len(events("login", world.member)) == 1  # the password login only: enrolling is no new login


def test_admin_site_needs_the_second_factor(world):
    client = Client()
    r = client.post("/admin/login/", {"username": world.admin_user.username, "password": "banli-test-pw", "next": "/admin/"})
    assert r.status_code == 302
    r = client.get("/admin/")
    assert r.status_code == 302 and r["Location"].startswith("/login/enrol/")

    verified = login_verified(world.admin_user)
    assert verified.get("/admin/").status_code == 200


def test_the_office_resets_a_lost_phone(world):
    device = phone(world.lead_head)
    twofactor.new_backup_codes(world.lead_head)
    office = login_verified(world.gov_office)
    page = office.get(f"/office/users/{world.lead_head.pk}/").content.decode()
    assert 'id="second-factor"' in page and "已启用" in page

    r = office.post(f"/office/users/{world.lead_head.pk}/otp/reset/")
    assert r.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists() and not StaticDevice.objects.filter(user=world.lead_head).exists()
    assert_audit("reset_second_factor", actor=world.gov_office, target=world.lead_head)
    [event] = events("otp_reset", world.gov_office)
    assert event.after["username"] == world.lead_head.username

    # Their next login takes them to enrol again.
    r = password_step(Client(), world.lead_head)
    assert r["Location"].startswith("/login/enrol/")


def test_only_the_office_resets(world):
    phone(world.member)
    with pytest.raises(BanliError) as err:
        reset_second_factor(world.lead_liaison, world.member.pk)
    assert err.value.status == 403
    assert twofactor.has_device(world.member)
    client = login_verified(world.cppcc_office)
    assert client.post(f"/office/users/{world.member.pk}/otp/reset/").status_code == 403
    assert twofactor.has_device(world.member) and events("otp_reset") == []


def test_nothing_to_reset_is_said_so(world):
    with pytest.raises(BanliError) as err:
        reset_second_factor(world.gov_office, world.member.pk)
    assert err.value.code == "no_second_factor"
