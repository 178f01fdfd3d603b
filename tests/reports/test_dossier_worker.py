"""How the dossier ZIP is built in the background, with committed data seen from other connections
(transactional tests, in a module of their own: pytest-django runs them after the others): in a
thread of the web process when no broker is configured (the embedded default), and on a real
Celery worker on Redis (production)."""

import io
import os
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from banli.reports import dossier_jobs
from banli.reports.models import ReportJob
from tests.builders import build_world, make_item
from tests.deadlines.test_celery_worker import BROKER, database_url, redis_answers

ROOT = Path(__file__).resolve().parents[2]

# serialized_rollback: the flush after a transactional test would otherwise take the migrated
# reference data (reply types, grades, categories) from the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_without_a_broker_the_page_answers_at_once_and_the_bar_moves(monkeypatch):
    """The embedded default: the job runs in a thread after the commit; its counters, committed
    after every item, are read by the JSON endpoint from another connection while it runs."""
    assert settings.CELERY_TASK_ALWAYS_EAGER
    world = build_world()
    for n in range(3):
        make_item(world, "registered", title=f"关于第{n + 1}件事项的建议")
    real_pdf = dossier_jobs.dossier_pdf

    def slow_pdf(dossier):
        time.sleep(0.3)  # long enough for the page to see each step
        return real_pdf(dossier)

    monkeypatch.setattr(dossier_jobs, "dossier_pdf", slow_pdf)
    c = login(world.gov_office)
    page = c.post("/reports/dossiers/", {"session": world.cppcc_session.pk})
    assert page.status_code == 302
    job = ReportJob.objects.get()
    assert job.state in ("queued", "running") and job.done < 3, "the page answered before the ZIP was built"
    seen = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status = c.get(f"/reports/jobs/{job.pk}.json").json()
        seen.append((status["state"], status["done"], status["total"]))
        if status["state"] in ("done", "failed"):
            break
        time.sleep(0.05)
    for thread in threading.enumerate():
        if thread.name == f"dossier-job-{job.pk}":
            thread.join(10)
    assert seen[-1] == ("done", 3, 3), seen
    assert any(state == "running" and 0 < done < 3 for state, done, _ in seen), f"no progress seen in between: {seen}"
    zipped = zipfile.ZipFile(io.BytesIO(c.get(status["download"]).getvalue()))
    assert len(zipped.namelist()) == 6


@pytest.mark.skipif(not redis_answers(), reason="no Redis answers on 127.0.0.1:6379, and the real-worker test needs one")
def test_with_a_broker_a_real_celery_worker_builds_the_zip():
    world = build_world()
    make_item(world, "handling")
    make_item(world, "registered", title="关于增设社区养老服务站的建议")
    job = ReportJob.objects.create(session=world.cppcc_session, requested_by=world.cppcc_office)

    queue = f"banli-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": database_url(), "BANLI_CELERY_BROKER": BROKER, "PYTHONPATH": str(ROOT / "src"),
           "BANLI_MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "banli", "worker", "--pool=solo", "-Q", queue, "-l", "warning",
         "--without-heartbeat", "--without-mingle", "--without-gossip", "-n", f"{queue}@%h"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        from celery import Celery

        sender = Celery("banli-test", broker=BROKER, backend=BROKER)
        outcome = sender.send_task("banli.build_dossier_zip", args=[job.pk], queue=queue).get(timeout=120)
    finally:
        worker.terminate()
        log = worker.communicate(timeout=30)[0].decode(errors="replace")
    assert outcome == {"job": job.pk, "state": "done", "done": 2, "total": 2}, log
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == ("done", 2, 2)
    names = zipfile.ZipFile(job.file.path).namelist()
    assert sorted(names) == ["第0001号_关于加快老旧小区加装电梯的建议.docx", "第0001号_关于加快老旧小区加装电梯的建议.pdf",
                             "第0002号_关于增设社区养老服务站的建议.docx", "第0002号_关于增设社区养老服务站的建议.pdf"]
