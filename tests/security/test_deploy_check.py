"""Production mode (issue 15.3): BANLI_PRODUCTION=1 turns on what `check --deploy` asks for, and the
development mode (`make run`) still serves plain http.

The production settings are read once, at import, from the environment: each case here starts a
fresh Python process with that environment, as an operator's server would."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
KEY = "k3y-" + "Zq8vN2rT5wXy7bC1dF4gH6jK9mP0sL3u" * 2  # random-looking, 68 characters
HOST = "banli.example.gov.cn"


def _env(**extra) -> dict:
    # Not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (set in this process when they run first): check --deploy refuses it.
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANLI_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(PYTHONPATH=f"{REPO / 'src'}", DJANGO_SETTINGS_MODULE="banli.settings",
               BANLI_PRODUCTION="1", BANLI_SECRET_KEY=KEY, BANLI_ALLOWED_HOSTS=HOST)
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def _run(args: list[str], **extra) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=REPO, env=_env(**extra), capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_in_production():
    """What the issue found: four warnings and no setting to fix them. In production mode: none."""
    done = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "System check identified no issues" in out, out
    assert "WARNING" not in out and "security.W" not in out, out


def test_check_deploy_security_checks_are_clean_in_production():
    """The transport and cookie checks alone (the --tag security part of the same command), so
    that a warning of another kind elsewhere does not hide what this part is about."""
    done = _run(["manage.py", "check", "--deploy", "--tag", "security", "--fail-level", "WARNING"])
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "security.W" not in out, out


# In a fresh process: the production settings, then a login page asked for over http and over
# https as the proxy reports it (X-Forwarded-Proto). GET /login/ reads no table.
PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.test import Client
names = ["DEBUG", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
         "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
         "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE",
         "SECURE_REFERRER_POLICY", "SECURE_CROSS_ORIGIN_OPENER_POLICY", "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF"]
out = {"settings": {n: getattr(settings, n) for n in names}}
c = Client(HTTP_HOST="%s")
plain = c.get("/login/")
out["http"] = {"status": plain.status_code, "location": plain.get("Location")}
secure = c.get("/login/", HTTP_X_FORWARDED_PROTO="https")
cookie = secure.cookies.get("csrftoken")
out["https"] = {"status": secure.status_code, "headers": dict(secure.headers),
                "csrf_cookie": {k: cookie[k] for k in ("secure", "httponly", "samesite")} if cookie else None}
from rest_framework.settings import api_settings
out["api_renderers"] = [r.__name__ for r in api_settings.DEFAULT_RENDERER_CLASSES]
print(json.dumps(out))
""" % HOST


def _probe(**extra) -> dict:
    done = _run(["-c", PROBE], DATABASE_URL="sqlite:////nonexistent-dir/never.sqlite3", **extra)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_production_mode_turns_on_https_only_headers_and_cookies():
    got = _probe()
    s = got["settings"]
    assert s["DEBUG"] is False
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_HSTS_PRELOAD"] is False  # the domain's owner decides
    assert s["SESSION_COOKIE_SECURE"] is s["CSRF_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is s["CSRF_COOKIE_HTTPONLY"] is True
    assert s["SESSION_COOKIE_SAMESITE"] == s["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert s["SECURE_REFERRER_POLICY"] == "same-origin"
    assert s["X_FRAME_OPTIONS"] == "DENY"

    # Plain http is sent to https, on the same host and path.
    assert got["http"] == {"status": 301, "location": f"https://{HOST}/login/"}
    # Over https (the proxy says so): the page, HSTS, and a cookie the browser keeps to https.
    h = got["https"]
    assert h["status"] == 200
    assert h["headers"]["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert h["headers"]["X-Frame-Options"] == "DENY"
    assert h["headers"]["X-Content-Type-Options"] == "nosniff"
    assert h["headers"]["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in h["headers"]["Content-Security-Policy"]
    assert h["csrf_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    # The API answers a browser in JSON: no browsable-API pages (their logout link is inline script).
    assert got["api_renderers"] == ["JSONRenderer"]


def test_each_part_can_be_changed_by_its_own_variable():
    """The operator whose proxy redirects to https itself turns the app's redirect off; a domain
    submitted to the browsers' preload list turns preload on."""
    got = _probe(BANLI_SSL_REDIRECT="0", BANLI_HSTS_PRELOAD="1", BANLI_HSTS_SECONDS="63072000")
    assert got["settings"]["SECURE_SSL_REDIRECT"] is False
    assert got["http"]["status"] == 200
    assert got["https"]["headers"]["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains; preload"


@pytest.mark.parametrize("extra, says", [
    ({"BANLI_SECRET_KEY": None}, "BANLI_SECRET_KEY must be set"),
    ({"BANLI_SECRET_KEY": "banli-dev-insecure-key-change-me"}, "at least 50 characters"),
    ({"BANLI_SECRET_KEY": "short-but-set"}, "at least 50 characters"),
    ({"BANLI_SECRET_KEY": "django-insecure-" + "x1y2z3" * 10}, "at least 50 characters"),
    ({"BANLI_DEBUG": "1"}, "BANLI_DEBUG must be off"),
])
def test_production_refuses_to_start_with_a_weak_key_or_debug(extra, says):
    done = _run(["-c", "import banli.settings"], **extra)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and says in done.stderr, done.stderr[-2000:]


def test_development_mode_serves_plain_http(client, settings):
    """`make run` (no BANLI_PRODUCTION): the login page over plain http, no HSTS, cookies that
    work without https. The test settings are the development settings."""
    assert settings.PRODUCTION is False
    assert settings.SECURE_SSL_REDIRECT is False and settings.SECURE_HSTS_SECONDS == 0
    assert settings.SESSION_COOKIE_SECURE is False and settings.SECURE_PROXY_SSL_HEADER is None
    response = client.get("/login/")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
    assert response.cookies["csrftoken"]["secure"] == ""
