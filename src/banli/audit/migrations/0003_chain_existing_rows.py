"""Chain the rows written before the chain existed, in id order (the order they were written)."""

from django.db import migrations

from banli.audit.chain import FIELDS, GENESIS, digest

BATCH = 2000


def chain_existing(apps, schema_editor):
    AuditRecord = apps.get_model("audit", "AuditRecord")
    prev_id, prev_hash = 0, GENESIS
    while True:
        rows = list(AuditRecord.objects.filter(id__gt=prev_id).order_by("id").values_list(*FIELDS)[:BATCH])
        if not rows:
            return
        updates = []
        for values in rows:
            row = dict(zip(FIELDS, values))
            row["prev_hash"] = prev_hash
            prev_hash = digest(row)
            updates.append(AuditRecord(id=row["id"], prev_hash=row["prev_hash"], hash=prev_hash))
            prev_id = row["id"]
        AuditRecord.objects.bulk_update(updates, ["prev_hash", "hash"])


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain")]

    operations = [migrations.RunPython(chain_existing, migrations.RunPython.noop)]
