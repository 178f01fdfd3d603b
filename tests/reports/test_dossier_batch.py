"""Every dossier of a session as one ZIP, built in the background: the page that starts it (offices
only), the ZIP's files (one PDF and one Word file per item, named by number), the counters the
progress bar reads, and who may download. How it runs in the background (a thread without a
broker, a real Celery worker with one) is in test_dossier_worker.py."""

import io
import zipfile

import pytest
from django.test import Client

from banli.audit.models import AuditRecord
from banli.proposals import actions
from banli.reports import dossier_jobs
from banli.reports.actions import start_dossier_export
from banli.reports.dossier_jobs import run_dossier_job
from banli.reports.models import ReportJob
from tests.builders import make_item
from tests.reports.reading import docx_text, flat, pdf_text


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def session_items(world):
    """Two registered items and one rejected (unnumbered) in the current CPPCC session, one NPC item."""
    first = make_item(world, "handling", title="关于加快老旧小区加装电梯的建议")
    second = make_item(world, "registered", title="关于增设社区养老服务站的建议")
    rejected = make_item(world, "submitted", title="关于个人住房纠纷的提案")
    actions.reject(world.cppcc_office, rejected.pk, reason="属于个人诉求。")
    npc = make_item(world, "registered", assembly="npc")
    return first, second, rejected, npc


def test_the_zip_has_every_dossier_of_the_session_named_by_number(world, cppcc_office, gov_office):
    first, second, rejected, npc = session_items(world)
    c = login(cppcc_office)
    page = c.post("/reports/dossiers/", {"session": world.cppcc_session.pk})
    assert page.status_code == 302 and page["Location"] == "/reports/dossiers/"
    job = ReportJob.objects.get()
    assert (job.state, job.session, job.requested_by, job.kind) == ("queued", world.cppcc_session, cppcc_office, "dossiers")
    assert AuditRecord.objects.filter(action="export_dossiers", actor=cppcc_office, target_id=job.pk).exists()
    # A second click while it is still queued starts nothing new.
    c.post("/reports/dossiers/", {"session": world.cppcc_session.pk})
    assert ReportJob.objects.count() == 1

    # (In this test's transaction the commit hook never fires; run the job as the thread would.)
    assert run_dossier_job(job.pk)["state"] == "done"
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.error) == ("done", 3, 3, "")
    assert job.file.name.startswith("reports/") and job.finished_at >= job.started_at
    status = c.get(f"/reports/jobs/{job.pk}.json").json()
    assert status == {"id": job.pk, "state": "done", "state_label": "已生成", "done": 3, "total": 3, "percent": 100, "stalled": False,
                      "error": "", "download": f"/reports/jobs/{job.pk}/download/"}

    download = c.get(status["download"])
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert "filename*=utf-8''" in download["Content-Disposition"].lower()
    z = zipfile.ZipFile(io.BytesIO(download.getvalue()))
    names = sorted(z.namelist())
    stems = ["第0001号_关于加快老旧小区加装电梯的建议", "第0002号_关于增设社区养老服务站的建议", f"未编号-{rejected.pk}_关于个人住房纠纷的提案"]
    assert names == sorted([s + ".pdf" for s in stems] + [s + ".docx" for s in stems])
    assert not any(npc.title in n for n in names), "another session's item is not in the ZIP"
    for stem, item in zip(stems, (first, second, rejected)):
        text = flat(pdf_text(z.read(stem + ".pdf")))
        assert flat(item.title) in text and "一、提案基本情况" in text
        # The office's archive copy carries contact data.
        assert "13800000001" in text
        headings, _, _ = docx_text(z.read(stem + ".docx"))
        assert headings[0] == "一、提案基本情况"
    assert "不予立案" in flat(pdf_text(z.read(stems[2] + ".pdf")))

    # The government office may download it too; nobody else, not even another office.
    assert login(gov_office).get(status["download"]).status_code == 200
    for other in (world.npc_office, world.lead_liaison, world.member):
        assert login(other).get(status["download"]).status_code == 404
        assert login(other).get(f"/reports/jobs/{job.pk}.json").status_code == 404
    assert Client().get(status["download"]).status_code == 302


def test_only_offices_start_exports_and_only_for_their_sessions(world, cppcc_office, member, lead_liaison, district_leader):
    for user in (member, lead_liaison, district_leader):
        c = login(user)
        assert c.get("/reports/dossiers/").status_code == 403
        assert c.post("/reports/dossiers/", {"session": world.cppcc_session.pk}).status_code == 403
    assert Client().get("/reports/dossiers/")["Location"].startswith("/login/")
    c = login(cppcc_office)
    html = c.get("/reports/dossiers/").content.decode()
    assert f'value="{world.cppcc_session.pk}"' in html and f'value="{world.npc_session.pk}"' not in html
    for bad in (world.npc_session.pk, "x", "", 10**30):
        page = c.post("/reports/dossiers/", {"session": bad}, follow=True)
        assert "请选择您可以导出的会次。" in page.content.decode()
    assert not ReportJob.objects.exists()


def test_the_page_lists_jobs_with_their_progress(world, cppcc_office, gov_office, npc_office):
    mine = ReportJob.objects.create(session=world.cppcc_session, requested_by=cppcc_office, state="running", done=2, total=5)
    theirs = ReportJob.objects.create(session=world.npc_session, requested_by=npc_office)
    html = login(cppcc_office).get("/reports/dossiers/").content.decode()
    assert f'data-job="{mine.pk}" data-active="1"' in html and '<progress value="2" max="5">40%</progress>' in html
    assert f'data-job="{theirs.pk}"' not in html
    office = login(gov_office).get("/reports/dossiers/").content.decode()
    assert f'data-job="{mine.pk}"' in office and f'data-job="{theirs.pk}"' in office
    assert f"/reports/jobs/{mine.pk}/download/\" hidden" in office, "no download link before it is done"


def test_a_failure_is_recorded_on_the_job(world, cppcc_office, monkeypatch):
    make_item(world, "registered")
    job = start_dossier_export(cppcc_office, world.cppcc_session.pk)

    def broken(dossier):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(dossier_jobs, "dossier_pdf", broken)
    with pytest.raises(RuntimeError):
        run_dossier_job(job.pk)
    job.refresh_from_db()
    assert job.state == "failed" and "磁盘已满" in job.error and not job.file
    # Running it again (a task delivered twice) leaves a finished job as it is.
    assert run_dossier_job(job.pk)["state"] == "failed"
