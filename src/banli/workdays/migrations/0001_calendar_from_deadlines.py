"""The working-day calendar moves from the deadlines app to its own app, below org and proposals.

Nothing moves in the database: the tables keep their names (deadlines_calendarday,
deadlines_calendaryear), this app takes the two models into its state, and deadlines 0004 lets
them go from its own. The content types are renamed rather than recreated, so that the permissions
given on them (and the admin's history) stay attached. On a new database, deadlines 0001 creates
the tables first."""

import django.core.validators
from django.db import migrations, models

MODELS = ("calendarday", "calendaryear")


def adopt_content_types(apps, schema_editor):
    _rename_content_types(apps, schema_editor, "deadlines", "workdays")


def return_content_types(apps, schema_editor):
    _rename_content_types(apps, schema_editor, "workdays", "deadlines")


def _rename_content_types(apps, schema_editor, old, new):
    types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
    for model in MODELS:
        # A new database has neither yet (they are made after migrating); never make two.
        if not types.filter(app_label=new, model=model).exists():
            types.filter(app_label=old, model=model).update(app_label=new)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("deadlines", "0001_calendar"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CalendarDay',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(unique=True, verbose_name='日期')),
                        ('is_working_day', models.BooleanField(help_text='勾选：该日上班（如调休上班日）；不勾选：该日放假。', verbose_name='上班')),
                        ('name', models.CharField(blank=True, help_text='例如：春节、国庆节、调休上班', max_length=50, verbose_name='名称')),
                        ('note', models.TextField(blank=True, verbose_name='备注')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                    ],
                    options={
                        'verbose_name': '节假日与调休',
                        'verbose_name_plural': '节假日与调休',
                        'ordering': ['date'],
                        'db_table': 'deadlines_calendarday',
                    },
                ),
                migrations.CreateModel(
                    name='CalendarYear',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(unique=True, validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='年度')),
                        ('complete', models.BooleanField(default=True, help_text='该年度国务院办公厅放假通知的全部放假日和调休上班日均已录入。未勾选时，该年度仍按周一至周五计算并提示。', verbose_name='已完整录入')),
                        ('source', models.CharField(blank=True, help_text='例如：国办发明电〔2026〕7号', max_length=200, verbose_name='依据')),
                        ('note', models.TextField(blank=True, verbose_name='备注')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                    ],
                    options={
                        'verbose_name': '节假日年度',
                        'verbose_name_plural': '节假日年度',
                        'ordering': ['-year'],
                        'db_table': 'deadlines_calendaryear',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(adopt_content_types, return_content_types),
    ]
