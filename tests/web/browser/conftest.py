"""Browser tests: Playwright (python) driving Debian's Chromium against pytest-django's live server.

| fixture       | what                                                                             |
|---------------|----------------------------------------------------------------------------------|
| browser       | headless Chromium, one per test process (xdist worker); $BANLI_CHROMIUM or       |
|               | /usr/bin/chromium, which `.ci/run` installs; missing, the test fails (no skip)   |
| page_for      | page_for("desktop") / page_for("phone") -> a new Page in its own context:        |
|               | 1366x800, or 360x740 touch phone at 2x; zh-CN, Asia/Shanghai; base_url is the    |
|               | live server, so page.goto("/login/") works                                       |
| request_log   | every request of the test's pages; at the end of the test all of them must have  |
|               | gone to the live server (no CDN, no outside network). .urls, .outside(),         |
|               | .assert_all_local(); .failures (>= 400 or broken off) and .assert_no_failures()  |
| csp_log       | every Content-Security-Policy violation on page_for's pages (blocked inline      |
|               | script or style, a source outside the policy): the test fails at its end if any  |
|               | (issue 15.3); .violations, .assert_none()                                        |

Asking for page_for starts the live server, so the test runs with a transactional database: make the
data in the test (`world`, tests/builders.py), the server's thread sees it once it is saved. When a
test fails, each page it opened is saved as screenshots/FAILED-<test>-<n>.png.
Helpers (login, visit, assert_no_horizontal_scroll, screenshot) are in helpers.py beside this file.
"""

import os
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from tests.web.browser.helpers import SIZES, screenshot

# Playwright's sync API runs an asyncio event loop in this thread (in a greenlet) from the moment
# it starts until the session ends. Django sees that running loop and refuses ORM calls made from
# the test ("SynchronousOnlyOperation: You cannot call this from an async context"), though the
# test code is plain synchronous code and nothing else runs on that loop. This turns Django's guard
# off. It is set at import, for the whole test process, on purpose: the browser lives for the
# session, so tests that run after a browser test in the same worker (and pytest-django's flush of
# the transactional database at teardown) meet the same loop. The live server's own thread never
# has a loop and is unaffected.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = 10_000  # a page of this site answers in well under a second; fail fast, not after 30 s


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium for the whole test process. As root (CI) Chromium needs --no-sandbox,
    which Playwright passes by default (chromium_sandbox=False)."""
    path = os.environ.get("BANLI_CHROMIUM") or CHROMIUM
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(
            f"No Chromium at {path}. Browser tests drive Debian's Chromium, never a downloaded one: "
            "`.ci/run` installs it (apt-get install chromium fonts-noto-cjk), "
            "or set BANLI_CHROMIUM to a Chromium binary.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, headless=True)
        yield chromium
        chromium.close()


class RequestLog:
    """The requests a test's pages made, and which of them left the live server."""

    LOCAL_SCHEMES = ("data", "blob", "about")  # never touch the network

    def __init__(self, origin: str):
        self.origin = origin
        self.urls: list[str] = []
        self.failures: list[str] = []  # "404 http://…/static/x.css", "net::ERR_… http://…"

    def record(self, request) -> None:
        self.urls.append(request.url)

    def record_response(self, response) -> None:
        if response.status >= 400:
            self.failures.append(f"{response.status} {response.url}")

    def record_failure(self, request) -> None:
        # A page left before its icon or script arrived cancels the request (net::ERR_ABORTED):
        # the test moved on, nothing is missing. Every other failure counts.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.failures.append(f"{request.failure} {request.url}")

    def outside(self) -> list[str]:
        out = []
        for url in self.urls:
            parts = urlsplit(url)
            if parts.scheme not in self.LOCAL_SCHEMES and f"{parts.scheme}://{parts.netloc}" != self.origin:
                out.append(url)
        return out

    def assert_all_local(self) -> None:
        outside = self.outside()
        assert not outside, f"requests outside the live server {self.origin}: {outside}"

    def assert_no_failures(self) -> None:
        """Every request was answered below 400 and none broke off (a missing stylesheet, icon or
        script). Not checked automatically: a test may visit a 404 page on purpose."""
        assert not self.failures, f"requests that failed: {self.failures}"


@pytest.fixture
def request_log(live_server):
    """Records every request of the pages page_for opens; checked when the test ends, and at any
    time with request_log.assert_all_local()."""
    log = RequestLog(live_server.url)
    yield log
    log.assert_all_local()


# Every page the tests open reports what the site's Content-Security-Policy blocked: the browser
# fires securitypolicyviolation at the document; this init script (run by Playwright before the
# page's own scripts, and not subject to the policy) writes each one to the console with a mark.
CSP_MARK = "CSP violation:"
CSP_WATCH = """document.addEventListener("securitypolicyviolation", (e) => {
  console.error("%s " + e.effectiveDirective + " blocked " + (e.blockedURI || "inline") + " in " +
    (e.sourceFile || document.location.href) + ":" + e.lineNumber + " " + (e.sample || ""));
}, true);""" % CSP_MARK


class CSPLog:
    """The CSP violations of a test's pages (and Chromium's own "Content Security Policy" console
    messages, which name the directive)."""

    def __init__(self):
        self.violations: list[str] = []

    def record(self, message) -> None:
        if message.text.startswith(CSP_MARK) or "Content Security Policy" in message.text:
            self.violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def assert_none(self) -> None:
        assert not self.violations, "Content-Security-Policy violations:\n" + "\n".join(self.violations)


@pytest.fixture
def csp_log():
    """Records the CSP violations of the pages page_for opens; checked when the test ends."""
    log = CSPLog()
    yield log
    log.assert_none()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Tell page_for's teardown whether the test itself failed, so it can photograph the pages."""
    report = yield
    if report.when == "call":
        item.browser_test_failed = report.failed
    return report


@pytest.fixture
def page_for(browser, live_server, request_log, csp_log, request):
    """page_for(size="desktop") -> Page; size is "desktop" (1366x800) or "phone" (360x740, touch,
    device scale factor 2). Each call opens a new browser context: its own cookies, its own login."""
    contexts = []

    def open_page(size="desktop"):
        if size not in SIZES:
            raise ValueError(f"size must be one of {sorted(SIZES)}, not {size!r}")
        context = browser.new_context(
            **SIZES[size], locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server.url
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.on("request", request_log.record)
        context.on("response", request_log.record_response)
        context.on("requestfailed", request_log.record_failure)
        context.add_init_script(CSP_WATCH)
        context.on("console", csp_log.record)
        contexts.append(context)
        return context.new_page()

    yield open_page

    if getattr(request.node, "browser_test_failed", False):
        test = re.sub(r"[^\w.-]", "_", request.node.name)
        pages = [page for context in contexts for page in context.pages]
        for n, page in enumerate(pages, 1):
            try:
                screenshot(page, f"FAILED-{test}-{n}")
            except PlaywrightError:
                pass  # a page that crashed or closed has nothing to show
    for context in contexts:
        context.close()
