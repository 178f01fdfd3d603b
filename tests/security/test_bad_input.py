"""Issue 15 (4): what cannot be valid is refused with a 4xx and a clear message, never a server
error, and nothing is changed. JSON nested a thousand levels deep, a JSON body over the limit, a
non-numeric id in any address, junk in the query string of every page and endpoint, and junk
list values posted to every form a page offers."""

import json
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from banli.proposals.models import Item, Message
from tests.builders import make_item

pytestmark = pytest.mark.django_db

JUNK_QUERY = ("page=-1&page_size=abc&session=abc&unit=x&units=abc&ids=1&ids=x&item=x&category=abc&leader=abc&person=-5&reply_type=zz"
              "&grade=zz&date=2026-13-45&as_of=2026-02-30&from=abc&to=2026-00-01&sort=;drop&order=;drop&state=zz&kind=zzz&value=abc"
              "&year=abc&key=maybe&overdue=2&q=" + "长" * 300)


def api(user) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


# Nested JSON and its size -------------------------------------------------------------------

def test_json_nested_a_thousand_levels_is_refused_and_nothing_written(world, member):
    before = Item.objects.count()
    body = '{"title": ' + "[" * 1000 + "]" * 1000 + "}"
    r = api(member).post("/api/items/", body, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["code"] == "invalid" and "嵌套过深" in r.json()["message_zh"]
    assert Item.objects.count() == before


def test_json_nested_in_an_action_is_refused(world, member):
    item = make_item(world, "handling")
    before = Message.objects.count()
    deep = {"text": "问"}
    for _ in range(100):
        deep = {"x": deep}
    r = api(member).post(f"/api/items/{item.pk}/actions/post_message/", json.dumps(deep), content_type="application/json")
    assert r.status_code == 400 and "嵌套过深" in r.json()["message_zh"]
    assert Message.objects.count() == before


def test_brackets_inside_a_text_do_not_count_as_nesting(world, member):
    r = api(member).post("/api/items/", json.dumps({"title": "[" * 100 + "{" * 100}), content_type="application/json")
    assert r.status_code != 500
    assert "嵌套过深" not in r.content.decode()


def test_a_json_body_over_the_limit_is_refused_with_413(world, member, settings):
    settings.BANLI_JSON_MAX_BYTES = 10_000
    before = Item.objects.count()
    r = api(member).post("/api/items/", json.dumps({"title": "长" * 10_000}), content_type="application/json")
    assert r.status_code == 413 and r.json()["code"] == "too_large"
    assert Item.objects.count() == before


# Ids that are not numbers --------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/api/items/abc/", "/api/items/abc/actions/", "/api/items/abc/actions/register/", "/api/items/1x/",
    "/api/units/abc/", "/api/questions/abc/", "/api/notifications/abc/read/", "/api/deadlines/abc/",
    "/api/items/99999999999999999999999/", "/api/units/99999999999999999999999/",
    "/items/abc/", "/items/abc/edit/", "/items/1/files/abc/", "/assessment/abc/", "/questions/abc/answer/",
])
def test_a_non_numeric_id_is_not_found(world, cppcc_office, path):
    r = api(cppcc_office).get(path)
    assert r.status_code == 404, (path, r.status_code)
    if path.startswith("/api/"):
        assert r.json()["code"] == "not_found"


# Every address, with junk in its query ---------------------------------------------------------

def _patterns(resolver=None, prefix=""):
    """Every URL pattern under banli's own URLconf, as a path with its parameters named."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p.pattern, RoutePattern):
            route = str(p.pattern)
        elif isinstance(p.pattern, RegexPattern):
            route = p.pattern.regex.pattern.lstrip("^").rstrip("$")
            if "format" in route or "\\." in route:
                continue  # DRF's .json suffixes: the same views
            route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route).replace("\\", "")
        else:
            continue
        if isinstance(p, URLResolver):
            if route.startswith(("admin", "api-auth")):
                continue  # Django's and DRF's own pages
            yield from _patterns(p, prefix + route)
        elif isinstance(p, URLPattern):
            yield prefix + route


def _fill(route: str, item) -> str:
    values = {"item_id": item.pk, "year": 2026}

    def one(m):
        name = m.group(1).split(":")[-1]
        return str(values.get(name, 1 if m.group(1).startswith("int:") or name.endswith("id") or name == "pk" else "abc"))

    return "/" + re.sub(r"<([^>]+)>", one, route)


SKIP = ("logout/", "sw.js")


def _walk(client, item) -> list:
    errors, routes = [], list(_patterns())
    assert len(routes) > 150  # the walk reaches the pages and the API, not an empty list
    for route in routes:
        path = _fill(route, item)
        if path.endswith(SKIP):
            continue
        r = client.get(f"{path}?{JUNK_QUERY}")
        if r.status_code >= 500:
            errors.append((path, r.status_code))
    return errors


@pytest.mark.parametrize("who", ["cppcc_office", "member", "lead_liaison"])
def test_every_address_with_junk_in_its_query_answers_without_a_server_error(world, who):
    item = make_item(world, "handling")
    assert _walk(api(getattr(world, who)), item) == []


# Every form a page offers, with junk list values ---------------------------------------------

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
FIELD = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", re.I)
JUNK_VALUES = ["abc", "1x", "-1", "99999999999999999999999", "2026-13-45", "\u200b"]


def _forms(html: str, page: str):
    for attrs, body in FORM.findall(html):
        if not re.search(r'method="post"', attrs, re.I):
            continue
        action = re.search(r'action="([^"]*)"', attrs)
        target = unescape(action.group(1)) if action and action.group(1) else page
        names = sorted(set(FIELD.findall(body)) - {"csrfmiddlewaretoken"})
        yield target, names


PAGES = ["/items/{item}/", "/items/", "/items/new/", "/items/bulk/", "/publication/", "/reply-templates/",
         "/questions/", "/inbox/", "/deadlines/", "/assessment/", "/imports/"]


@pytest.mark.parametrize("who", ["cppcc_office", "lead_liaison", "member", "gov_office"])
def test_every_form_posted_with_junk_list_values_answers_without_a_server_error(world, who):
    item = make_item(world, "handling")
    c = api(getattr(world, who))
    errors, posted = [], 0
    for page in PAGES:
        page = page.format(item=item.pk)
        r = c.get(page)
        if r.status_code != 200 or "text/html" not in r["Content-Type"]:
            continue
        for target, names in _forms(r.content.decode(), page):
            if "logout" in target or "/lang/" in target:
                continue
            data = {n: JUNK_VALUES for n in names}
            answer = c.post(target, data)
            posted += 1
            if answer.status_code >= 500:
                errors.append((page, target, answer.status_code))
    assert posted > 0
    assert errors == []
