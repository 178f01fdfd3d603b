"""The browser-test machinery works end to end: Debian's Chromium opens the live server's login page
on a desktop and on a phone, the page fits the screen and loads nothing from outside; a persona
logs in through the form."""

import pytest

from tests.web.browser.helpers import login, screenshot, visit


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_login_page(page_for, request_log, size):
    page = page_for(size)
    visit(page, "/login/")

    assert page.locator("input[name=username]").count() == 1
    assert page.locator("input[name=password]").count() == 1
    assert page.evaluate("navigator.language") == "zh-CN"
    request_log.assert_all_local()
    assert any(url.endswith("/login/") for url in request_log.urls)
    path = screenshot(page, f"smoke-login-{size}")
    assert path.stat().st_size > 0


def test_login_helper_logs_in(page_for, live_server, world):
    page = page_for("desktop")
    login(page, live_server, world.member.username)

    assert any(cookie["name"] == "sessionid" for cookie in page.context.cookies())
