"""Writes of the reports app: starting a background export. The work itself (building the ZIP)
is in dossier_jobs.py and runs after the commit."""

from django.db import transaction

from banli.audit.service import record
from banli.errors import BanliError
from banli.params import MAX_ID

from .access import check_dossier_export, export_sessions
from .dossier_jobs import dispatch
from .models import ReportJob


def start_dossier_export(user, session_id) -> ReportJob:
    """Record a job for the session and start it once the record is committed. Asking again while
    the same user's job for that session is still moving returns that job."""
    check_dossier_export(user)
    try:
        sid = int(session_id)
    except (TypeError, ValueError):
        sid = 0
    session = export_sessions(user).filter(pk=sid).first() if 0 < sid <= MAX_ID else None
    if session is None:
        raise BanliError("invalid", "请选择您可以导出的会次。", "Choose a session you may export.", field="session")
    with transaction.atomic():
        running = [j for j in ReportJob.objects.filter(
            requested_by=user, session=session, kind=ReportJob.Kind.DOSSIERS, state__in=(ReportJob.State.QUEUED, ReportJob.State.RUNNING))
            if not j.stalled]
        if running:
            return running[0]
        job = ReportJob.objects.create(kind=ReportJob.Kind.DOSSIERS, session=session, requested_by=user)
        record(actor=user, action="export_dossiers", target=job, after={"session": session.pk})
        transaction.on_commit(lambda: dispatch(job.pk))
    return job
