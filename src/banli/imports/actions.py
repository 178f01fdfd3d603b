"""The import's steps: upload (the file is kept and previewed: nothing else is written), start
(checked again, then run), and the run itself, all or nothing in one transaction with one audit
row naming the file. A large file runs in the background (jobs.py) while the page shows its
progress; a small one runs within the request."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from banli.errors import forbidden, invalid, not_found
from banli.org.models import Session
from banli.proposals.access import actor_for

from .jobs import dispatch
from .models import ImportBatch
from .plan import Plan, plan_items
from .reading import MAX_BYTES
from .refplan import plan_reference
from .running import make_plan, run

# A file up to this many rows is imported within the request (a few seconds at most); a larger one
# in the background with a progress bar. A setting, so that tests can choose the path.
INLINE_ROWS = 100


# ---- who may --------------------------------------------------------------------------------

def may_import(user, kind: str, session: Session | None = None) -> bool:
    """The government office imports anything; an assembly office imports its own assembly's items."""
    actor = actor_for(user)
    if actor.gov_office or actor.is_admin:
        return True
    return kind == ImportBatch.Kind.ITEMS and session is not None and session.assembly in actor.assembly_offices


def may_use_imports(user) -> bool:
    actor = actor_for(user)
    return bool(actor.gov_office or actor.is_admin or actor.assembly_offices)


def import_sessions(user):
    """The sessions this user may import items into, newest first."""
    actor = actor_for(user)
    qs = Session.objects.select_related("term").order_by("-opens_on", "-id")
    if actor.gov_office or actor.is_admin:
        return qs
    return qs.filter(assembly__in=actor.assembly_offices)


def visible_batches(user):
    actor = actor_for(user)
    qs = ImportBatch.objects.select_related("session", "uploaded_by")
    if actor.gov_office or actor.is_admin:
        return qs
    if actor.assembly_offices:
        return qs.filter(kind=ImportBatch.Kind.ITEMS, session__assembly__in=actor.assembly_offices)
    return qs.none()


def access_batch(user, batch_id) -> ImportBatch:
    try:
        return visible_batches(user).get(pk=int(batch_id))
    except (ImportBatch.DoesNotExist, TypeError, ValueError):
        raise not_found() from None


# ---- the steps ------------------------------------------------------------------------------

def upload(user, *, kind: str, upload_file, session_id=None) -> tuple[ImportBatch, Plan]:
    """Keep the file and preview it. A file that cannot be read at all is refused and not kept."""
    if kind not in ImportBatch.Kind.values:
        raise invalid("kind", "请选择导入的内容。", "Choose what to import.")
    session = None
    if kind == ImportBatch.Kind.ITEMS:
        session = import_sessions(user).filter(pk=session_id).first() if str(session_id or "").isdigit() else None
        if session is None:
            if not may_use_imports(user):
                raise forbidden()
            raise invalid("session", "请选择导入到哪个会次。", "Choose the session to import into.")
    if not may_import(user, kind, session):
        raise forbidden("只有区政府办公室可以导入单位和委员代表；提案委/代表工委可以导入本会别的提案/建议。",
                        "Only the government office imports reference data.")
    if upload_file is None:
        raise invalid("file", "请选择要上传的 Excel 文件。", "Choose an Excel file.")
    data = upload_file.read(MAX_BYTES + 1)
    plan = plan_items(data, session) if session is not None else plan_reference(data)  # refuses an unreadable file
    batch = ImportBatch.objects.create(
        kind=kind, session=session, file=ContentFile(data, name=f"{hashlib.sha256(data).hexdigest()[:16]}.xlsx"),
        name=(getattr(upload_file, "name", "") or "import.xlsx")[:200], sha256=hashlib.sha256(data).hexdigest(), size=len(data),
        uploaded_by=user, rows=len(plan.rows), errors=plan.error_count)
    return batch, plan


def start(user, batch_id) -> ImportBatch:
    """Confirm: checked again (the data may have changed since the preview), then run, in the
    request for a small file and in the background for a large one."""
    batch = access_batch(user, batch_id)
    if not may_import(user, batch.kind, batch.session):
        raise forbidden()
    if batch.state in (ImportBatch.State.RUNNING, ImportBatch.State.DONE):
        return batch  # started already: a second click does nothing
    plan = make_plan(batch)
    if not plan.ok:
        raise invalid("file", f"文件中还有 {plan.error_count} 处错误，没有导入任何内容。请修正后重新上传。",
                      f"The file still has {plan.error_count} errors; nothing was imported.")
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch.pk, state__in=(ImportBatch.State.PREVIEWED, ImportBatch.State.FAILED)).update(
            state=ImportBatch.State.RUNNING, started_at=timezone.now(), done=0, error="", rows=len(plan.rows))
    if not claimed:
        return ImportBatch.objects.get(pk=batch.pk)
    if len(plan.rows) <= getattr(settings, "BANLI_IMPORT_INLINE_ROWS", INLINE_ROWS):
        run(batch.pk)
    else:
        # After the claim commits: a worker in another process must see it running.
        transaction.on_commit(lambda: dispatch(batch.pk))
    batch.refresh_from_db()
    return batch
