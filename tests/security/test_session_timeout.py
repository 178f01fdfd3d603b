"""Idle and absolute session timeouts (等保2.0: 登录连接超时自动退出), with a moved clock: past
BANLI_SESSION_IDLE_MINUTES without a request, or BANLI_SESSION_MAX_HOURS after logging in, the
person is logged out, told why on the login page, and brought back where they were after logging in
again; the API answers 401; each expiry is a security event. The last use is written at most
once a minute."""

import pytest
from django.conf import settings
from django.test import Client

from banli.audit.models import AuditRecord
from banli.web import session_timeout
from tests.builders import PASSWORD
from tests.web.pages import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        t = 1_800_000_000.0

        def move(self, minutes):
            self.t += minutes * 60

    c = Clock()
    monkeypatch.setattr(session_timeout, "now", lambda: c.t)
    return c


def logged_in(world) -> Client:
    c = Client()
    assert c.post("/login/", {"username": "member", "password": PASSWORD}).status_code == 302
    return c


def expiries():
    return list(AuditRecord.objects.filter(action="security.session_expired").order_by("pk"))


def test_the_settings():
    assert (settings.BANLI_SESSION_IDLE_MINUTES, settings.BANLI_SESSION_MAX_HOURS) == (30, 12)
    assert settings.SESSION_COOKIE_AGE == 12 * 3600


def test_idle_for_longer_than_the_limit_logs_out(world, clock):
    c = logged_in(world)
    clock.move(29)
    assert c.get("/items/").status_code == 200  # 29 minutes idle: still in, and the clock starts again
    clock.move(29)
    assert c.get("/items/?page=1").status_code == 200
    clock.move(31)
    r = c.get("/items/?page=2")
    assert (r.status_code, r["Location"]) == (302, "/login/?next=/items/%3Fpage%3D2")
    assert "_auth_user_id" not in c.session
    assert "长时间未操作，已自动退出，请重新登录" in text(c.get(r["Location"]))
    (event,) = expiries()
    assert event.actor_id == world.member.pk and event.after["reason"] == "idle" and event.after["minutes"] == 31
    # Logging in again brings the person back where they were.
    r = c.post(r["Location"], {"username": "member", "password": PASSWORD, "next": "/items/?page=2"})
    assert r["Location"] == "/items/?page=2" and c.get("/items/").status_code == 200


def test_busy_all_day_still_ends_at_the_absolute_limit(world, clock, settings):
    settings.BANLI_SESSION_MAX_HOURS = 2  # as 12, with fewer requests
    c = logged_in(world)
    for _ in range(2 * 60 // 20):
        clock.move(20)
        assert c.get("/").status_code == 200
    clock.move(1)
    r = c.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert "2 小时" in text(c.get(r["Location"]))
    assert expiries()[-1].after["reason"] == "absolute"


def test_the_api_answers_401(world, clock):
    c = logged_in(world)
    assert c.get("/api/items/").status_code == 200
    clock.move(31)
    r = c.get("/api/items/")
    assert r.status_code == 401 and r.json()["code"] == "session_expired" and "重新登录" in r.json()["message_zh"]
    assert c.get("/api/items/").status_code in (401, 403)  # and stays logged out


def test_the_last_use_is_written_at_most_once_a_minute(world, clock):
    c = logged_in(world)
    seen = c.session[session_timeout.SEEN]
    clock.move(0.5)
    c.get("/")
    assert c.session[session_timeout.SEEN] == seen
    clock.move(0.6)
    c.get("/")
    assert c.session[session_timeout.SEEN] == clock.t


def test_the_limits_are_settings(world, clock, settings):
    settings.BANLI_SESSION_IDLE_MINUTES = 5
    c = logged_in(world)
    clock.move(6)
    assert c.get("/").status_code == 302
