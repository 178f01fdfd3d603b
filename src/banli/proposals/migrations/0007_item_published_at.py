"""Item.published_at: on the public site since (the office's latest decision to publish one of its
replies still public), the public list's filter and order. Filled from the decision records."""

from django.db import migrations, models


def fill(apps, schema_editor):
    Item = apps.get_model("proposals", "Item")
    PublicationRecord = apps.get_model("proposals", "PublicationRecord")
    latest = {}
    for item_id, at in (PublicationRecord.objects.filter(kind="publish", assignment__publication="published")
                        .exclude(assignment__state="ended").values_list("item_id", "at")):
        if item_id not in latest or latest[item_id] < at:
            latest[item_id] = at
    for item_id, at in latest.items():
        Item.objects.filter(pk=item_id).update(published_at=at)


class Migration(migrations.Migration):

    dependencies = [
        ('proposals', '0006_leadcograde'),
    ]

    operations = [
        migrations.AddField(
            model_name='item',
            name='published_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='公开时间'),
        ),
        migrations.AddIndex(
            model_name='item',
            index=models.Index(condition=models.Q(('published_at__isnull', False)), fields=['-published_at', '-id'], name='item_public_newest'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
