"""Background tasks of the reports. Each takes plain ids and does its own database work, so a
worker on another machine runs it as well as the in-process default (see dossier_jobs)."""

from celery import shared_task


@shared_task(name="banli.build_dossier_zip")
def build_dossier_zip(job_id: int) -> dict:
    """Every dossier of a session as one ZIP; the job's counters move after each item."""
    from .dossier_jobs import run_dossier_job

    return run_dossier_job(job_id)
