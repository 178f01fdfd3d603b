"""Running an import: the plan again inside the transaction, then every row or none, with one
audit row naming the file (banli.imports.actions starts it; jobs.py runs a large one in the
background)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from banli.audit.service import record
from banli.errors import BanliError

from . import progress
from .models import ImportBatch
from .plan import Plan, plan_items
from .refplan import plan_reference
from .writing import write_items, write_reference


def make_plan(batch: ImportBatch) -> Plan:
    with batch.file.open("rb") as f:
        data = f.read()
    if batch.kind == ImportBatch.Kind.ITEMS:
        return plan_items(data, batch.session)
    return plan_reference(data)



class Refused(Exception):
    """The plan made inside the transaction has errors: nothing is written."""


def run(batch_id: int) -> dict:
    """Import a started batch: the plan again, then every row or none, with one audit row naming
    the file. A batch not running (done, or delivered twice) is left alone."""
    batch = ImportBatch.objects.select_related("session", "uploaded_by").get(pk=batch_id)
    if batch.state != ImportBatch.State.RUNNING:
        return batch.summary
    tick = progress.ticker(batch.pk)
    try:
        with transaction.atomic():
            plan = make_plan(batch)
            if not plan.ok:
                raise Refused(f"文件中有 {plan.error_count} 处错误，没有导入任何内容。")
            if batch.kind == ImportBatch.Kind.ITEMS:
                summary = write_items(batch, plan, tick)
            else:
                summary = write_reference(batch, plan, tick)
            # An import that matched every row changed nothing, and leaves no trace but its batch.
            if any(n for k, n in summary.items() if not k.endswith("_unchanged")):
                record(actor=batch.uploaded_by, action=f"import_{batch.kind}", target=batch, after=summary,
                       note=f"导入文件：{batch.name}（{batch.sha256[:12]}）")
            ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.DONE, summary=summary, done=len(plan.rows),
                                                           finished_at=timezone.now())
    except (Refused, BanliError) as e:
        _failed(batch, str(e) if isinstance(e, Refused) else e.zh)
        return {}
    except Exception as e:  # recorded for the page; the transaction rolled everything back
        _failed(batch, f"导入失败，没有导入任何内容：{e}")
        raise
    finally:
        progress.clear(batch.pk)
    return summary


def _failed(batch, message: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.FAILED, error=message[:2000], finished_at=timezone.now(), done=0)
