"""Publication is decided per replying unit (rule 3: in separate handling each unit's reply is
published on its own). Add the fields, then fill them from the item-level decision: every
replying unit of an item takes the item's state, decision records and the publication milestone
go to its first replying unit (for a lead item, its only one)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill(apps, schema_editor):
    Item = apps.get_model("proposals", "Item")
    Assignment = apps.get_model("proposals", "Assignment")
    PublicationRecord = apps.get_model("proposals", "PublicationRecord")
    Deadline = apps.get_model("deadlines", "Deadline")
    replying = Assignment.objects.filter(role__in=("lead", "separate"), replied_round__gte=1).exclude(state="ended").order_by("id")
    first = {}
    for a in replying.only("id", "item_id"):
        first.setdefault(a.item_id, a.pk)
    for item_id, publication in Item.objects.exclude(publication="undecided").values_list("id", "publication"):
        replying.filter(item_id=item_id).update(publication=publication)
    for item_id, a_id in first.items():
        PublicationRecord.objects.filter(item_id=item_id, assignment__isnull=True).exclude(kind="consent").update(assignment_id=a_id)
        Deadline.objects.filter(key=f"publication:{item_id}").update(key=f"publish:{a_id}", assignment_id=a_id)


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0003_time_limit_units'),
        ('proposals', '0004_todo_indexes'),
        ('deadlines', '0003_todo_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='assignment',
            name='publication',
            field=models.CharField(choices=[('undecided', '待定'), ('published', '已公开'), ('withheld', '不公开'), ('revoked', '已撤销公开')], default='undecided', max_length=10, verbose_name='公开状态'),
        ),
        migrations.AddField(
            model_name='publicationrecord',
            name='assignment',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='publication_records', to='proposals.assignment', verbose_name='交办'),
        ),
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(condition=models.Q(('publication', 'undecided'), ('replied_round__gte', 1), models.Q(('state', 'ended'), _negated=True)), fields=['id'], name='assign_publication_undecided'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
