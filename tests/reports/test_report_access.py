"""Who reads the reports: the government office, the administrator and the district leaders for
both assemblies; an assembly office for its own assembly only; members, deputies and units not at
all (403 on the page, the documents and the API alike); someone not logged in is sent to log in
(page) or refused with 401/403 (API)."""

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.builders import new_draft, register, submit
from tests.web.pages import login, text

pytestmark = pytest.mark.django_db

PAGES = ["/reports/", "/reports/yearly.docx", "/reports/report.xlsx", "/reports/units.xlsx"]
API = ["/api/reports/yearly/", "/api/reports/units/"]
CONTENT_TYPES = {"/reports/": "text/html", "/reports/yearly.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "/reports/report.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "/reports/units.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
DENIED = ["member", "cosigner", "other_member", "deputy", "lead_liaison", "lead_head", "co_liaison", "co_head", "outsider_liaison",
          "spare_liaison"]


def queries(world, assembly) -> list[str]:
    """The session, the term and the year of one assembly."""
    session = world.cppcc_session if assembly == "cppcc" else world.npc_session
    year = timezone.localdate().year
    return [f"kind=session&value={session.pk}", f"kind=term&value={session.term_id}", f"kind=year&value={year}&assembly={assembly}"]


def api_client(user) -> APIClient:
    c = APIClient()
    c.force_login(user)
    return c


@pytest.fixture
def items(world):
    """One registered item in each assembly, so that there is something to count."""
    for assembly in ("cppcc", "npc"):
        register(world, submit(world, new_draft(world, assembly=assembly)))


def assert_reads(user, world, assembly, *, documents=True):
    api = api_client(user)
    for q in queries(world, assembly):
        for url in API:
            r = api.get(f"{url}?{q}")
            assert r.status_code == 200, (user.username, url, q, r.content)
            body = r.json()
            period = body["current"]["period"] if "current" in body else body["period"]
            assert period["assembly"] == assembly
    pages = login(user)
    q = queries(world, assembly)[0]
    for url in PAGES if documents else PAGES[:1]:
        r = pages.get(f"{url}?{q}")
        assert r.status_code == 200, (user.username, url, r.status_code)
        assert r["Content-Type"].startswith(CONTENT_TYPES[url])


def assert_refused(user, world, assembly):
    api = api_client(user)
    for q in queries(world, assembly):
        for url in API:
            r = api.get(f"{url}?{q}")
            assert r.status_code == 403, (user.username, url, q, r.status_code)
            assert r.json()["code"] == "forbidden" and "received" not in r.json()
    pages = login(user)
    for url in PAGES:
        r = pages.get(f"{url}?{queries(world, assembly)[0]}")
        assert r.status_code == 403, (user.username, url, r.status_code)
        assert r["Content-Type"].startswith("text/html")  # an error page, not a document
        assert "data-figure" not in text(r)


@pytest.mark.parametrize("persona", ["gov_office", "admin_user", "district_leader", "other_leader"])
def test_the_office_the_administrator_and_district_leaders_read_both_assemblies(world, items, persona):
    user = getattr(world, persona)
    # Documents once (they take a while to draw); the page and the API for both assemblies.
    assert_reads(user, world, "cppcc", documents=persona == "gov_office")
    assert_reads(user, world, "npc", documents=persona == "admin_user")


def test_an_assembly_office_reads_its_own_assembly_only(world, items):
    assert_reads(world.cppcc_office, world, "cppcc", documents=False)
    assert_refused(world.cppcc_office, world, "npc")
    assert_reads(world.npc_office, world, "npc")
    assert_refused(world.npc_office, world, "cppcc")
    # Without a period: the current session of their own assembly.
    for user, assembly in ((world.cppcc_office, "cppcc"), (world.npc_office, "npc"), (world.gov_office, "cppcc")):
        body = api_client(user).get("/api/reports/yearly/").json()
        assert body["current"]["period"]["assembly"] == assembly
        assert body["current"]["received"] == 1


@pytest.mark.parametrize("persona", DENIED)
def test_members_deputies_and_units_read_no_report(world, items, persona):
    user = getattr(world, persona)
    for assembly in ("cppcc", "npc"):
        assert_refused(user, world, assembly)
    # Nor the default period.
    assert api_client(user).get("/api/reports/yearly/").status_code == 403
    assert login(user).get("/reports/").status_code == 403


def test_someone_not_logged_in_is_sent_to_log_in(world, items):
    q = queries(world, "cppcc")[0]
    for url in PAGES:
        r = Client().get(f"{url}?{q}")
        assert r.status_code == 302 and r["Location"].startswith("/login/?next="), url
    for url in API:
        r = APIClient().get(f"{url}?{q}")
        assert r.status_code in (401, 403) and r.json()["code"] == "not_authenticated", url


def test_a_bad_period_is_refused_with_a_reason_in_both_languages(world, items):
    api = api_client(world.gov_office)
    for q, field in (("kind=week&value=1", "kind"), ("kind=session&value=999999", "value"), ("kind=term&value=abc", "value"),
                     (f"kind=year&value={timezone.localdate().year}", "assembly"), ("kind=year&value=1800&assembly=cppcc", "value")):
        r = api.get(f"/api/reports/yearly/?{q}")
        assert r.status_code == 400, (q, r.content)
        body = r.json()
        assert body["code"] == "invalid" and body.get("field") == field and body["message_zh"] and body["message_en"], (q, body)
    r = login(world.gov_office).get("/reports/?kind=week&value=1")
    assert r.status_code == 400 and "data-figure" not in text(r)
