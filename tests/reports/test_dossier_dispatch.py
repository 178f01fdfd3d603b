"""With a broker, a dossier job goes to a worker by the task's name; the task the worker runs is
registered under that name (the producer does not import the worker's module, and it does not
import the producer back at run time)."""

from banli.celery import app
from banli.reports import dossier_jobs
from banli.reports.tasks import build_dossier_zip


def test_with_a_broker_the_job_is_sent_to_the_workers_task(settings, monkeypatch):
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, args=None, kwargs=None, **options: sent.append((name, list(args))))
    settings.CELERY_TASK_ALWAYS_EAGER = False
    dossier_jobs.dispatch(42)
    assert sent == [("banli.build_dossier_zip", [42])]
    assert build_dossier_zip.name == "banli.build_dossier_zip" and "banli.build_dossier_zip" in app.tasks
