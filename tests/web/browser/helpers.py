"""What browser tests call on a Playwright page: log in, visit and check a page, take a screenshot.
The fixtures that hand out pages (`browser`, `page_for`, `request_log`) are in conftest.py beside
this file.

    from tests.web.browser.helpers import login, screenshot, visit

    def test_home(page_for, live_server, world):
        page = page_for("phone")
        login(page, live_server, world.member.username)
        visit(page, "/")                       # status 200 and no horizontal scroll
        screenshot(page, "home-phone")
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

from playwright.sync_api import Page, Response

from tests.builders import PASSWORD

REPO = Path(__file__).resolve().parents[3]

# The two screens every page must work on: an office PC and a small Android phone.
SIZES = {
    "desktop": {"viewport": {"width": 1366, "height": 800}},
    "phone": {
        "viewport": {"width": 360, "height": 740},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}

_SUBMIT = "button:not([type]), button[type=submit], input[type=submit]"


def login(page: Page, live_server, username: str, password: str = PASSWORD, *, next: str | None = None) -> None:
    """Log in through the /login/ form (fields `username` and `password`, its submit button) and
    wait for the page it leads to. Fails, quoting the form, if the browser is still on /login/."""
    url = live_server.url + "/login/" + (f"?next={quote(next)}" if next else "")
    page.goto(url)
    form = page.locator("form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator(_SUBMIT).first.click()
    if urlsplit(page.url).path.rstrip("/").endswith("/login"):
        text = page.locator("form").filter(has=page.locator("input[name=password]")).inner_text()
        raise AssertionError(f"login as {username!r} failed, still on {page.url}: {' '.join(text.split())[:300]}")


def visit(page: Page, path: str, *, status: int = 200) -> Response:
    """Open `path` (relative to the live server: page_for's pages have it as base_url), check the
    answer's status and that the page does not scroll sideways."""
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    assert response.status == status, f"{path} answered {response.status}, expected {status}"
    assert_no_horizontal_scroll(page)
    return response


_WIDTHS = """(screen) => {
  const vw = window.innerWidth, doc = document.documentElement;
  const wide = [];
  if (doc.scrollWidth > screen || vw > screen) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > screen + 0.5) {
        const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
        wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} (right edge ${Math.round(r.right)}px)`);
        if (wide.length >= 8) break;
      }
    }
  }
  const meta = document.querySelector('meta[name=viewport]');
  return {scrollWidth: doc.scrollWidth, innerWidth: vw, wide, meta: meta ? meta.content : null};
}"""


def assert_no_horizontal_scroll(page: Page) -> None:
    """The page fits the screen's width: document.documentElement.scrollWidth <= window.innerWidth,
    and window.innerWidth is the screen's width. The second half matters on a phone: there a page
    without <meta name="viewport" content="width=device-width">, or one with content wider than the
    screen, gets a layout viewport wider than the screen and is shown zoomed out, so the first half
    alone would pass. The message names the elements that stick out."""
    screen = page.viewport_size["width"] if page.viewport_size else page.evaluate("window.innerWidth")
    got = page.evaluate(_WIDTHS, screen)
    wider = ", ".join(got["wide"]) or "(no single element found)"
    assert got["innerWidth"] == screen, (
        f"{page.url} is laid out {got['innerWidth']}px wide on a {screen}px screen (shown zoomed out); "
        f"viewport meta: {got['meta']!r}; wider than the screen: {wider}"
    )
    assert got["scrollWidth"] <= got["innerWidth"], (
        f"{page.url} scrolls sideways: scrollWidth {got['scrollWidth']}px > innerWidth {got['innerWidth']}px; "
        f"wider than the screen: {wider}"
    )


def screenshot_dir() -> Path:
    """$BANLI_SCREENSHOTS, or screenshots/ at the top of the repository (ignored by git)."""
    path = Path(os.environ.get("BANLI_SCREENSHOTS") or REPO / "screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG as <screenshot_dir>/<name>.png and return its path. Characters other
    than letters, digits, '.', '_' and '-' in `name` become '_'."""
    path = screenshot_dir() / (re.sub(r"[^\w.-]", "_", name) + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path
