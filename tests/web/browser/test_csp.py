"""The Content-Security-Policy (issue 15.3) in a real browser: every role's main pages, the report
page with its charts, the dossier export page, the public site, the admin and the API docs work
with it on and the browser blocks nothing on them; and it does block an inline script, so that the
check above can fail.

page_for's pages report every violation to csp_log (conftest.py): each test here fails at its end if
any page logged one. Each page is opened and its deferred scripts run (load event) before moving on."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from banli.proposals import actions as A
from tests.builders import make_item
from tests.web.browser.helpers import login, screenshot, visit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _warm():
    """The live server runs in this process: load the URLs and templates here first, so that the
    browser's first page is not the one paying for the imports (10 s timeout on a busy machine)."""
    Client().get("/login/")


def _walk(page, paths):
    for path in paths:
        visit(page, path)
        page.wait_for_load_state("load")


def test_member_and_liaison_pages(page_for, live_server, world, csp_log):
    item = make_item(world, "handling", co=False)
    page = page_for("desktop")
    login(page, live_server, world.member.username)
    _walk(page, ["/", "/items/", f"/items/{item.pk}/", "/items/new/", "/questions/", "/inbox/", "/account/"])

    page = page_for("phone")
    login(page, live_server, world.lead_liaison.username)
    _walk(page, ["/", f"/items/{item.pk}/", "/deadlines/"])
    # The unit picker and the item page's scripts ran: the page is the same with the policy on.
    assert csp_log.violations == []


def test_office_pages_reports_and_dossier_export(page_for, live_server, world, csp_log):
    make_item(world, "replied", consent_publish=True)
    page = page_for("desktop")
    login(page, live_server, world.gov_office.username)
    _walk(page, ["/", "/publication/", "/office/", "/office/users/", "/assessment/", "/deadlines/"])
    # The report page: its charts are inline SVG drawn by matplotlib, whose styles are attributes.
    visit(page, "/reports/")
    expect(page.locator("figure.chart svg").first).to_be_visible()
    screenshot(page, "csp-reports-desktop")
    # The dossier export page: its progress script is a static file now; a running job polls.
    visit(page, "/reports/dossiers/")
    page.locator("form[action='/reports/dossiers/'] button").click()
    page.wait_for_load_state("load")
    expect(page.locator("#jobs a.download").first).to_be_visible(timeout=20_000)

    page = page_for("desktop")
    login(page, live_server, world.district_leader.username)
    _walk(page, ["/", "/portfolio/"])


def test_public_site(page_for, live_server, world, csp_log):
    item = make_item(world, "replied", consent_publish=True)
    A.decide_publication(world.gov_office, item.pk, publish=True)
    page = page_for("phone")
    _walk(page, ["/public/", f"/public/items/{item.pk}/", "/public/figures/", "/public/data/", "/login/"])
    screenshot(page, "csp-public-login-phone")


def test_admin_and_api_docs(page_for, live_server, world, csp_log):
    page = page_for("desktop")
    login(page, live_server, world.admin_user.username)
    _walk(page, ["/admin/", "/admin/auth/user/", f"/admin/auth/user/{world.member.pk}/change/", "/admin/proposals/item/",
                 "/admin/org/unit/", f"/admin/org/unit/{world.lead_unit.pk}/change/"])
    # Not DRF's browsable API (/api/ in a browser): its logout link is an inline event handler,
    # which the CSP blocks; production answers the API in JSON only (test_deploy_check.py).
    # Swagger UI: its init script comes from /api/docs/?script= (drf-spectacular's split view).
    visit(page, "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator("script:not([src])").count() == 0
    screenshot(page, "csp-api-docs-desktop")


def test_the_policy_blocks_inline_script(page_for, live_server, world, csp_log):
    """The check can fail: a script that got into the page as markup does not run, and the
    browser reports it."""
    page = page_for("desktop")
    visit(page, "/login/")
    ran = page.evaluate("""() => {
        window.injected = false;
        const s = document.createElement("script");
        s.textContent = "window.injected = true";
        document.body.appendChild(s);
        const d = document.createElement("div");
        d.setAttribute("style", "color: red");
        document.body.appendChild(d);
        return window.injected;
    }""")
    page.wait_for_timeout(200)  # the violation events are delivered after the task
    assert ran is False
    assert any("script-src" in v for v in csp_log.violations), csp_log.violations
    assert any("style-src" in v for v in csp_log.violations), csp_log.violations
    csp_log.violations.clear()  # seen: not a failure of this test
