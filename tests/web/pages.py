"""Reading the server's pages the way a person reads them, for the Django test-client tests of
tests/web (the browser tests live in tests/web/browser and do not use this).

    c = login(world.lead_liaison)
    page = c.get("/")
    s = todo_section(page, "unit_sign")          # the card with data-section="unit_sign"
    assert s.count == 1 and s.links == [f"/items/{item.pk}/#do-sign-{a.pk}"]
    assert ("sign", a.pk) in action_keys(c.get(f"/items/{item.pk}/"))  # the form #do-sign-<a.pk>

Everything here parses the HTML the user gets; nothing reads the view's context, so a test fails
when the page shows something else than the records say, whatever the template does inside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

from django.test import Client


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def text(response_or_html) -> str:
    if isinstance(response_or_html, str):
        return response_or_html
    return response_or_html.content.decode()


# -- the to-do page -------------------------------------------------------------------------------

@dataclass
class TodoSection:
    key: str
    title: str
    count: int
    links: list[str] = field(default_factory=list)  # hrefs of the entries, in order
    late: list[bool] = field(default_factory=list)  # per entry: shown as late
    html: str = ""

    @property
    def more(self) -> str | None:
        m = re.search(r'<a class="more" href="([^"]+)">', self.html)
        return unescape(m.group(1)) if m else None


def todo_sections(response) -> dict[str, TodoSection]:
    out = {}
    for m in re.finditer(r'<article class="card todo[^"]*" data-section="([^"]+)">(.*?)</article>', text(response), re.S):
        key, body = m.group(1), m.group(2)
        head = re.search(r"<h3>(.*?)<span class=\"count[^\"]*\">(\d+)</span>", body, re.S)
        entries = re.findall(r'<li( class="late")?>\s*<a href="([^"]+)"', body)
        out[key] = TodoSection(key, head.group(1).strip(), int(head.group(2)), [unescape(h) for _, h in entries],
                               [bool(late) for late, _ in entries], body)
    return out


def todo_section(response, key) -> TodoSection:
    sections = todo_sections(response)
    assert key in sections, f"no to-do section {key!r}; the page has {sorted(sections)}"
    return sections[key]


# -- the item page --------------------------------------------------------------------------------

ANCHOR = re.compile(r"^do-(?P<name>[a-z_]+?)(?:-(?P<assignment>\d+))?(?:-r(?P<reply>\d+))?$")


def action_anchors(response) -> list[str]:
    """The ids of the action forms on an item page: one <details> per allowed action, except that
    returning a reply is the second button of its approval's panel (the button carries the id)."""
    return [a or b for a, b in re.findall(r'<details class="action[^"]*" id="(do-[^"]+)"|<button class="btn[^"]*" id="(do-[^"]+)" formaction=',
                                          text(response))]


def action_keys(response) -> set[tuple[str, int | None]]:
    """(action, assignment id) of every action form on the page."""
    keys = set()
    for anchor in action_anchors(response):
        m = ANCHOR.match(anchor)
        assert m, f"unexpected action anchor {anchor!r}"
        keys.add((m.group("name"), int(m.group("assignment")) if m.group("assignment") else None))
    return keys


def form_block(response, anchor: str) -> str:
    """The <details> of one action form."""
    m = re.search(r'<details class="action[^"]*" id="%s"[^>]*>(.*?)</details>' % re.escape(anchor), text(response), re.S)
    assert m, f"no action form #{anchor} on the page; there are {action_anchors(response)}"
    return m.group(0)


def is_open(block: str) -> bool:
    return bool(re.match(r"<details[^>]*\sopen[\s>]", block))


def field_errors(fragment: str) -> dict[str, list[str]]:
    """Field name -> the messages shown beside that field (inside its <div class="field">)."""
    out = {}
    for chunk in re.split(r'<div class="field', fragment)[1:]:
        name = re.search(r'name="([^"]+)"', chunk)
        errors = [unescape(e) for e in re.findall(r'<p class="error" role="alert">(.*?)</p>', chunk, re.S)]
        if name and errors:
            out.setdefault(name.group(1), []).extend(errors)
    return out


def alerts(response) -> list[str]:
    """Page-level messages (refusals, form summaries)."""
    return [unescape(re.sub(r"<[^>]+>", "", m)).strip() for m in re.findall(r'class="alert" role="alert">(.*?)</(?:p|div)>', text(response), re.S)]


def flashes(response) -> list[str]:
    block = re.search(r'<div class="flash" role="status">(.*?)</div>', text(response), re.S)
    return [unescape(m) for m in re.findall(r"<p[^>]*>(.*?)</p>", block.group(1), re.S)] if block else []


def has_id(response, anchor: str) -> bool:
    return f'id="{anchor}"' in text(response)


# -- lists ----------------------------------------------------------------------------------------

def listed_ids(response) -> list[int]:
    """Item ids of the rows of the /items/ table, in the order shown."""
    return [int(i) for i in re.findall(r'<td class="title"><a href="/items/(\d+)/">', text(response))]


def listed_total(response) -> int:
    m = re.search(r'<p class="sub">共 (\d+) 件</p>', text(response))
    assert m, "the list shows no total"
    return int(m.group(1))


def assert_lands(client, href: str):
    """Following a link (as the person who saw it) opens a page that has the anchor it points at."""
    path, _, anchor = href.partition("#")
    r = client.get(path)
    assert r.status_code == 200, f"{href} answered {r.status_code}"
    if anchor:
        assert has_id(r, anchor), f"{href}: the page has no element #{anchor}; action forms there: {action_anchors(r)}"
    return r
