"""Every dossier of a session as one ZIP (one PDF and one Word file per item, named by the item's
number), built in the background while the page shows a progress bar.

Who starts and downloads is decided in access.py; the ZIP holds the items the requester may read,
with contact data as they may see it.

How it runs: `actions.start_dossier_export` records the job and, after its transaction commits,
hands it on (dispatch). With a Celery broker configured the task goes to a worker. Without one (the embedded default,
CELERY_TASK_ALWAYS_EAGER) Celery would run the task inside the request, so that the page would wait
minutes for a large session and show no progress; it runs in a thread of this process instead and
the page answers at once. Either way the counters are committed after every item, so the page
(in any process) reads the progress from the database. A thread dies with its process: a job
that stops moving is shown as stalled after models.STALLED_AFTER and can be started again."""

from __future__ import annotations

import logging
import os
import tempfile
import zipfile

from django.core.files import File
from django.db.models import F
from django.utils import timezone

from banli import background
from banli.proposals.access import actor_for, visible_items
from banli.proposals.selectors import item_detail

from .documents.dossier import build_dossier
from .documents.dossier_blocks import file_stem
from .documents.dossier_docx import dossier_docx
from .documents.dossier_pdf import dossier_pdf
from .models import ReportJob

log = logging.getLogger(__name__)

BUILD_TASK = "banli.build_dossier_zip"  # tasks.build_dossier_zip


# ---- handing a job on ---------------------------------------------------------------------------

def dispatch(job_id: int) -> None:
    background.dispatch(BUILD_TASK, run_dossier_job, job_id)


# ---- the work -----------------------------------------------------------------------------------

def _progress(job_id: int, **fields) -> None:
    # A plain UPDATE outside any transaction commits at once: another process sees it.
    ReportJob.objects.filter(pk=job_id).update(updated_at=timezone.now(), **fields)


def run_dossier_job(job_id: int) -> dict:
    """Build the ZIP of a job. A job already finished is left as it is, so a task delivered twice
    (acks_late after a lost worker) does not build it twice."""
    job = ReportJob.objects.select_related("requested_by", "session__term").get(pk=job_id)
    if not job.active:
        return {"job": job.pk, "state": job.state, "done": job.done, "total": job.total}
    user = job.requested_by
    actor = actor_for(user)
    ids = list(visible_items(user).filter(session=job.session).order_by(F("number").asc(nulls_last=True), "id")
               .values_list("pk", flat=True))
    _progress(job.pk, state=ReportJob.State.RUNNING, started_at=timezone.now(), total=len(ids), done=0, error="")
    fd, path = tempfile.mkstemp(suffix=".zip", prefix=f"banli-dossiers-{job.pk}-")
    try:
        with os.fdopen(fd, "wb") as out, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for n, pk in enumerate(ids, 1):
                item = item_detail(user, pk)
                if item is not None:  # still readable now
                    dossier = build_dossier(item, actor)
                    stem = file_stem(item)
                    zf.writestr(f"{stem}.pdf", dossier_pdf(dossier))
                    zf.writestr(f"{stem}.docx", dossier_docx(dossier))
                _progress(job.pk, done=n)
        with open(path, "rb") as fh:
            job.file.save(f"dossiers-{job.pk}.zip", File(fh), save=False)
        _progress(job.pk, state=ReportJob.State.DONE, file=job.file.name, finished_at=timezone.now())
    except Exception as exc:
        _progress(job.pk, state=ReportJob.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now())
        raise
    finally:
        os.unlink(path)
    return {"job": job.pk, "state": ReportJob.State.DONE, "done": len(ids), "total": len(ids)}
