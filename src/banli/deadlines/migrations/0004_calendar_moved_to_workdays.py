"""The working-day calendar now belongs to the workdays app (see workdays 0001): its models leave
this app's state, and their tables stay where they are, now the workdays app's."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("deadlines", "0003_todo_indexes"),
        ("workdays", "0001_calendar_from_deadlines"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="CalendarDay"),
                migrations.DeleteModel(name="CalendarYear"),
            ],
            database_operations=[],
        ),
    ]
