"""The dossier export asks one rule (banli.reports.access) through one action and one selector,
whichever door: the page (/reports/dossiers/, /reports/jobs/<id>.json) and the API
(/api/reports/dossiers/, /api/reports/jobs/<id>/) refuse the same people the same way, and show
the same progress to those they let in."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from banli.reports.models import ReportJob
from tests.builders import make_item
from tests.checks import assert_audit, unchanged

pytestmark = pytest.mark.django_db

# Everyone but the government office and the assembly offices: no export, through either door.
FORBIDDEN = ["member", "deputy", "lead_liaison", "lead_head", "co_liaison", "district_leader", "outsider_liaison", "admin_user"]


def page(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def api(user) -> APIClient:
    c = APIClient()
    c.force_login(user)
    return c


@pytest.mark.parametrize("persona", FORBIDDEN)
def test_who_may_not_export_is_refused_by_both_doors(world, persona):
    user = getattr(world, persona)
    body = {"session": world.cppcc_session.pk}
    with unchanged():
        r_api = api(user).post("/api/reports/dossiers/", body, format="json")
        r_page = page(user).post("/reports/dossiers/", body)
    assert (r_api.status_code, r_page.status_code) == (403, 403)
    assert r_api.json()["code"] == "forbidden"
    assert not ReportJob.objects.exists()


def test_an_office_starts_through_the_api_and_both_doors_show_the_same_progress(world, cppcc_office, gov_office, npc_office):
    make_item(world, "registered")
    r = api(cppcc_office).post("/api/reports/dossiers/", {"session": world.cppcc_session.pk}, format="json")
    assert r.status_code == 202
    job = ReportJob.objects.get()
    assert (job.requested_by, job.session, job.state) == (cppcc_office, world.cppcc_session, "queued")
    assert_audit("export_dossiers", actor=cppcc_office, target=job, after={"session": world.cppcc_session.pk})
    assert r.json() == page(cppcc_office).get(f"/reports/jobs/{job.pk}.json").json() == api(cppcc_office).get(f"/api/reports/jobs/{job.pk}/").json()
    # Asking again while it is queued returns the same job, through either door.
    assert api(cppcc_office).post("/api/reports/dossiers/", {"session": world.cppcc_session.pk}, format="json").json()["id"] == job.pk
    page(cppcc_office).post("/reports/dossiers/", {"session": world.cppcc_session.pk})
    assert ReportJob.objects.count() == 1
    # The government office follows every job; another office, like anyone else, gets "not found".
    assert api(gov_office).get(f"/api/reports/jobs/{job.pk}/").status_code == 200
    for other in (npc_office, world.member, world.lead_liaison):
        r_api = api(other).get(f"/api/reports/jobs/{job.pk}/")
        r_page = page(other).get(f"/reports/jobs/{job.pk}.json")
        assert (r_api.status_code, r_page.status_code) == (404, 404)
        assert r_api.json()["code"] == r_page.json()["code"] == "not_found"


@pytest.mark.parametrize("session", ["npc", "x", None, 10**30])
def test_a_session_the_office_may_not_export_is_refused_by_both_doors(world, cppcc_office, session):
    value = {"npc": world.npc_session.pk}.get(session, session)
    with unchanged():
        r = api(cppcc_office).post("/api/reports/dossiers/", {} if value is None else {"session": value}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "session"
    assert "请选择您可以导出的会次。" in page(cppcc_office).post("/reports/dossiers/", {"session": value or ""}, follow=True).content.decode()
    assert not ReportJob.objects.exists()


def test_a_job_id_beyond_what_the_database_holds_is_not_found(world, gov_office):
    assert api(gov_office).get(f"/api/reports/jobs/{2**64}/").status_code == 404
    assert page(gov_office).get(f"/reports/jobs/{2**64}.json").status_code == 404


def test_nobody_logged_out_starts_or_follows_a_job(world):
    assert APIClient().post("/api/reports/dossiers/", {"session": world.cppcc_session.pk}, format="json").status_code in (401, 403)
    assert APIClient().get("/api/reports/jobs/1/").status_code in (401, 403)
    assert not ReportJob.objects.exists()
