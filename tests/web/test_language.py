"""Chinese by default, English on request: the browser's language, the language cookie, or the
switch on every page (POST /lang/). The translations themselves are filled in separately; these
tests hold the switching, and that refusals speak the chosen language."""

import re

import pytest
from django.conf import settings
from django.test import Client

from tests.builders import make_item
from tests.checks import unchanged
from tests.web.pages import alerts, login, text

pytestmark = pytest.mark.django_db


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)">', text(response)).group(1)


def test_chinese_by_default(world, member):
    r = login(member).get("/")
    assert html_lang(r) == "zh-CN"
    assert '<button name="language" value="en" lang="en">English</button>' in text(r)


@pytest.mark.parametrize("header,lang", [("en", "en"), ("en-US,en;q=0.9", "en"), ("zh-CN,zh;q=0.9", "zh-CN"), ("fr", "zh-CN")])
def test_the_browsers_language_is_followed(world, member, header, lang):
    r = login(member).get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert html_lang(r) == lang


def test_the_login_page_follows_the_browser_too(world):
    assert html_lang(Client().get("/login/", HTTP_ACCEPT_LANGUAGE="en")) == "en"


def test_the_language_cookie_wins(world, member):
    c = login(member)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in ("/", "/items/", "/questions/", "/inbox/"):
        r = c.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN")
        assert html_lang(r) == "en", url
    assert '<button name="language" value="zh-hans" lang="zh-CN">中文</button>' in text(c.get("/"))


def test_the_switch_sets_the_language_and_comes_back(world, member):
    c = login(member)
    r = c.post("/lang/", {"language": "en", "next": "/items/"})
    assert (r.status_code, r["Location"]) == (302, "/items/")
    assert r.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert html_lang(c.get("/items/")) == "en"
    c.post("/lang/", {"language": "zh-hans", "next": "/"})
    assert html_lang(c.get("/")) == "zh-CN"


def test_the_switch_works_before_logging_in(world):
    c = Client()
    c.post("/lang/", {"language": "en", "next": "/login/"})
    assert html_lang(c.get("/login/")) == "en"


@pytest.mark.parametrize("nxt", ["https://evil.example/", "//evil.example/"])
def test_the_switch_never_sends_anyone_off_site(world, member, nxt):
    r = login(member).post("/lang/", {"language": "en", "next": nxt})
    assert r.status_code == 302 and "evil" not in r["Location"]


def test_an_unknown_language_changes_nothing(world, member):
    c = login(member)
    r = c.post("/lang/", {"language": "xx", "next": "/"})
    assert settings.LANGUAGE_COOKIE_NAME not in r.cookies
    assert html_lang(c.get("/")) == "zh-CN"


def test_a_refusal_speaks_the_chosen_language(world, member, cppcc_office):
    item = make_item(world, "submitted")
    c = login(member)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with unchanged():
        r = c.post(f"/items/{item.pk}/do/register/")
    assert r.status_code == 403
    assert "You may not register." in alerts(r)
    other = login(world.other_member)
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = other.get(f"/items/{item.pk}/")
    assert r.status_code == 404 and "Not found, or not yours to see." in alerts(r)
