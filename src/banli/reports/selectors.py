"""Reads of the dossier export jobs, for the page and the API alike; who may see what is decided
in access.py."""

from django.db.models import QuerySet

from banli.errors import not_found

from .access import access_job, export_sessions, visible_jobs
from .models import ReportJob
from .periods import session_label


def session_choices(user) -> list[tuple[int, str]]:
    """(id, label) of each session this user may export, the current ones first."""
    return [(s.pk, session_label(s)) for s in export_sessions(user)]


def recent_jobs(user, limit: int = 30) -> QuerySet[ReportJob]:
    return visible_jobs(user)[:limit]


def job_status(user, job_id) -> dict:
    """One job's progress, as the progress bar and API clients read it."""
    job = access_job(user, job_id)
    return {
        "id": job.pk, "state": job.state, "state_label": str(job.get_state_display()), "done": job.done, "total": job.total,
        "percent": job.percent, "stalled": job.stalled, "error": job.error,
        "download": f"/reports/jobs/{job.pk}/download/" if job.state == job.State.DONE else None,
    }


def finished_job(user, job_id) -> ReportJob:
    """A job whose ZIP this user may download now; not finished yet reads as not found."""
    job = access_job(user, job_id)
    if job.state != job.State.DONE or not job.file:
        raise not_found()
    return job


def download_name(job: ReportJob) -> str:
    return f"{session_label(job.session)}一案一册.zip"
