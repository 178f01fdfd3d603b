import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0004_session_reminder_escalation_and_no_feedback_settings"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PasswordState",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("must_change", models.BooleanField(default=False, verbose_name="须修改初始密码")),
                ("changed_at", models.DateTimeField(blank=True, null=True, verbose_name="本人最近修改密码时间")),
                ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="password_state",
                                              to=settings.AUTH_USER_MODEL, verbose_name="账号")),
            ],
            options={"verbose_name": "密码状态", "verbose_name_plural": "密码状态"},
        ),
    ]
