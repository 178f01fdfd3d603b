"""Headers an assessor reads off the answers (issue 15.3): nothing a signed-in user is shown is kept
by a browser or a proxy (Cache-Control: no-store), while the public site and static files keep
their caching; the Content-Security-Policy, framing, sniffing, referrer, opener and permissions
headers on every page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from banli.proposals import actions as A
from tests.builders import make_item
from tests.web.pages import login

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _never_stored(response) -> None:
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private", "no-cache", "max-age=0"} <= cache_control, response["Cache-Control"]
    assert "public" not in cache_control


def _stored_allowed(response) -> None:
    assert "no-store" not in response.get("Cache-Control", ""), response.get("Cache-Control")
    assert "private" not in response.get("Cache-Control", "")


def test_what_a_liaison_reads_is_never_stored(world, member, lead_liaison):
    """The item page, the item in the API, an Excel export and an attachment: each carries
    members' data or an unpublished reply."""
    item = make_item(world, "handling", co=False)
    att = A.add_attachment(member, item.pk, file=SimpleUploadedFile("调研报告.pdf", PDF, content_type="application/pdf"))
    c = login(lead_liaison)
    answers = {
        "item page": c.get(f"/items/{item.pk}/"),
        "API item": c.get(f"/api/items/{item.pk}/"),
        "Excel export": c.get("/items/export.xlsx"),
        "attachment": c.get(f"/items/{item.pk}/files/{att.pk}/"),
        "to-do page": c.get("/"),
    }
    for name, response in answers.items():
        assert response.status_code == 200, name
        _never_stored(response)
    assert answers["Excel export"]["Content-Type"].startswith("application/vnd.openxmlformats")
    assert answers["attachment"]["Content-Disposition"].startswith("attachment;")


def test_a_refusal_to_a_signed_in_user_is_not_stored_either(world, lead_liaison, outsider_liaison):
    item = make_item(world, "handling", co=False)
    response = login(outsider_liaison).get(f"/api/items/{item.pk}/")
    assert response.status_code == 404
    _never_stored(response)


def test_the_public_site_keeps_its_caching(world):
    """Published text is the same for everyone: no no-store, for a visitor or a signed-in reader."""
    for client in (Client(), login(world.member)):
        response = client.get("/public/")
        assert response.status_code == 200
        _stored_allowed(response)


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_keep_their_caching(world):
    """WhiteNoise answers /static/ before this middleware, signed in or not."""
    response = login(world.lead_liaison).get("/static/web/banli.css")
    assert response.status_code == 200
    _stored_allowed(response)
    assert "max-age" in response["Cache-Control"]


def test_every_page_carries_the_assessors_headers(world):
    """On the login page (anonymous) and a signed-in page alike."""
    for client, path in ((Client(), "/login/"), (login(world.member), "/")):
        response = client.get(path)
        assert response.status_code == 200, path
        csp = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["form-action"] == "'self'"
        assert directives["base-uri"] == "'self'"
        assert response["X-Frame-Options"] == "DENY"  # the login page is never framed
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        permissions = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()"):
            assert feature in permissions


def test_no_page_template_has_inline_script_or_style():
    """What the CSP would block, caught before a browser sees it: inline <script> (other than a
    JSON data block), event-handler attributes, javascript: links and style attributes."""
    import re
    from pathlib import Path

    import banli

    root = Path(banli.__file__).parent
    offenders = []
    for path in sorted(root.rglob("templates/**/*.html")):
        html = path.read_text()
        for m in re.finditer(r"<script\b([^>]*)>", html):
            if "src=" not in m.group(1) and 'type="application/json"' not in m.group(1):
                offenders.append(f"{path.relative_to(root)}: inline <script>")
        for pattern, what in ((r"\son[a-z]+\s*=", "event-handler attribute"), (r"javascript:", "javascript: link"),
                              (r"\sstyle\s*=", "style attribute"), (r"<style\b", "<style> element")):
            if re.search(pattern, html, re.I):
                offenders.append(f"{path.relative_to(root)}: {what}")
    assert not offenders, offenders


def test_rendered_pages_carry_no_inline_script_or_style(world, gov_office, lead_liaison):
    """What the templates make with data in them: the report page's charts (matplotlib SVG, whose
    styles are presentation attributes now), the next-item link of a step's message, the publication
    queue and the dossier export page."""
    import re

    make_item(world, "replied", consent_publish=True)
    pages = {path: login(gov_office).get(path) for path in ("/reports/", "/publication/", "/reports/dossiers/", "/")}
    pages["liaison to-do"] = login(lead_liaison).get("/")
    assert "<svg" in pages["/reports/"].content.decode()
    for name, response in pages.items():
        html = response.content.decode()
        assert response.status_code == 200, name
        assert not re.search(r"\sstyle\s*=|<style\b|\son[a-z]+\s*=\s*\"|javascript:", html), name
        scripts = [m.group(1) for m in re.finditer(r"<script\b([^>]*)>", html)]
        assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts), (name, scripts)


@override_settings(BANLI_PROXY_COUNT=1)
def test_behind_the_proxy_the_client_address_is_the_one_the_proxy_saw(world):
    """The proxy appends the address it saw to X-Forwarded-For; what the client wrote before it is
    not believed. The security event of a failed login records the client's address."""
    from tests.checks import assert_audit

    c = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")  # 10.0.0.2: the proxy
    c.post("/login/", {"username": world.member.username, "password": "not-the-password"})
    assert_audit("security.login_failed", after={"ip": "203.0.113.7", "username": world.member.username})


def test_without_a_proxy_x_forwarded_for_is_ignored(world):
    """The development mode (no proxy): a client cannot choose the address it is recorded under."""
    from tests.checks import assert_audit

    c = Client(REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR="203.0.113.7")
    c.post("/login/", {"username": world.member.username, "password": "not-the-password"})
    assert_audit("security.login_failed", after={"ip": "192.0.2.9"})


def test_an_api_answer_to_a_token_is_never_stored(world, member):
    """A script or app with an API token (no session): the token's answers, and the token itself
    when it is handed out, are not kept either."""
    from tests.builders import PASSWORD

    created = Client().post("/api/token/", {"username": member.username, "password": PASSWORD}, content_type="application/json")
    assert created.status_code == 200, created.content
    _never_stored(created)
    response = Client().get("/api/items/", HTTP_AUTHORIZATION=f"Token {created.json()['token']}")
    assert response.status_code == 200
    _never_stored(response)
