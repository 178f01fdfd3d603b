"""Notifications keep the sentence they fill and its values (rendered in the reader's language);
the daily digest's one row per person per day.

Existing rows keep their text and get no params: the inbox matches their text against the
sentences when it shows them (banli.notify.messages.render), so they read in English too, and
nothing has to rewrite a table that may hold millions of rows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("notify", "0002_outbox_preferences_channel_minimums"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="params",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="Digest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(verbose_name="日期")),
                ("through_id", models.BigIntegerField(verbose_name="汇总至通知编号")),
                ("count", models.PositiveIntegerField(verbose_name="通知条数")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("recipient", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="digests",
                                                to=settings.AUTH_USER_MODEL, verbose_name="收件人")),
            ],
            options={
                "verbose_name": "每日通知汇总",
                "verbose_name_plural": "每日通知汇总",
                "ordering": ["-id"],
                "constraints": [models.UniqueConstraint(fields=("recipient", "day"), name="one_digest_per_person_per_day")],
            },
        ),
    ]
