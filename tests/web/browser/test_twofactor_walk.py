"""The office sets up two-factor authentication on a phone-width page and logs in with it (issue
15.1): the password, then enrolment (the key read from the page, the code computed as the phone's
app would, with django_otp.oath), ten backup codes, then logout, the password again, a wrong code
refused, the right code let in. Screenshots of each page at 360 px, and the code page at 1366 px."""

import base64
import time

import pytest
from django.test import Client
from django_otp.oath import TOTP

from banli.audit.models import AuditRecord
from tests.security.otp_helpers import phone
from tests.web.browser.helpers import assert_no_horizontal_scroll, login, screenshot, visit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _required(settings):
    settings.BANLI_2FA_REQUIRED = True
    # The live server runs in this process: load the URLs and templates here first, so that the
    # browser's first page is not the one paying for the imports (10 s timeout on a busy machine).
    Client().get("/login/")


def _code(key: bytes, *, steps_ahead: int = 0) -> str:
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _submit(page):
    with page.expect_navigation():
        page.locator("main form button").first.click()


def test_office_enrols_on_a_phone_and_logs_in_with_the_code(page_for, live_server, world):
    page = page_for("phone")
    login(page, live_server, world.gov_office.username)
    assert page.url.endswith("/login/enrol/")
    assert page.locator(".otp-qr svg").is_visible()
    assert_no_horizontal_scroll(page)
    screenshot(page, "twofactor-enrol-phone")
    typed = page.locator("#otp-secret code").inner_text().replace(" ", "")  # what a person would type into the app
    key = base64.b32decode(typed + "=" * (-len(typed) % 8))

    page.fill("#id_otp_token", _code(key))
    _submit(page)
    codes = page.locator("#backup-codes li").all_inner_texts()
    assert len(codes) == 10 and all(len(c) == 8 for c in codes)
    assert_no_horizontal_scroll(page)
    screenshot(page, "twofactor-backup-codes-phone")
    with page.expect_navigation():
        page.get_by_role("link", name="我已保存，继续").click()
    assert page.url == live_server.url + "/"

    with page.expect_navigation():
        page.locator("form[action='/logout/'] button").click()
    login(page, live_server, world.gov_office.username)
    assert page.url.endswith("/login/verify/")

    page.fill("#id_otp_token", "000000" if _code(key, steps_ahead=1) != "000000" else "111111")
    _submit(page)
    assert "验证码不正确" in page.locator(".alert").inner_text()
    assert page.url.endswith("/login/verify/")
    assert_no_horizontal_scroll(page)
    screenshot(page, "twofactor-wrong-code-phone")

    time.sleep(1.2)  # the wrong code makes the next try wait a second (django-otp's throttling)
    page.fill("#id_otp_token", _code(key, steps_ahead=1))  # the enrolment used this period's code
    _submit(page)
    assert page.url == live_server.url + "/"
    logins = AuditRecord.objects.filter(action="security.login", actor=world.gov_office).order_by("id")
    assert [r.after["second_factor"] for r in logins] == ["totp", "totp"]
    assert AuditRecord.objects.filter(action="security.otp_failed", actor=world.gov_office).count() == 1

    visit(page, "/account/")
    assert "已启用" in page.locator("#second-factor").inner_text()
    screenshot(page, "twofactor-account-phone")
    phone(world.lead_head)
    visit(page, f"/office/users/{world.lead_head.pk}/")
    section = page.locator("#second-factor")
    assert "已启用" in section.inner_text()
    with page.expect_navigation():
        section.get_by_role("button", name="重置双因素认证").click()
    assert "未启用" in page.locator("#second-factor").inner_text()
    screenshot(page, "twofactor-office-reset-phone")


def test_code_page_on_the_office_pc(page_for, live_server, world):
    phone(world.cppcc_office)
    page = page_for("desktop")
    login(page, live_server, world.cppcc_office.username, next="/items/")
    assert "/login/verify/" in page.url
    assert page.locator("#id_otp_token").is_visible()
    assert_no_horizontal_scroll(page)
    screenshot(page, "twofactor-verify-desktop")
