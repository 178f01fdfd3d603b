"""Background tasks of the reports. Each takes plain ids and does its own database work, so a
worker on another machine runs it as well as the in-process default (see dossier_jobs)."""

from celery import shared_task

from .dossier_jobs import BUILD_TASK, run_dossier_job


@shared_task(name=BUILD_TASK)
def build_dossier_zip(job_id: int) -> dict:
    """Every dossier of a session as one ZIP; the job's counters move after each item."""
    return run_dossier_job(job_id)
