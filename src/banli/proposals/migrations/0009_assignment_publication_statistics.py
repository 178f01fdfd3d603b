# Issue 16: the office's "decide on publication" card counts replied, undecided, live assignments.
# PostgreSQL multiplies the three conditions' selectivities as if they were independent and expects
# ten times the real rows (32,087 for 2,449 at 100k items), so it hashes every item instead of
# looking up the few: 10,700 buffers and a scan that grows with the years. Statistics over the
# three columns together (most common combinations) give the estimate its real size (1,445 a
# worker), and the plan becomes a lookup per assignment. SQLite has no such statistics.

from django.db import migrations

CREATE = "CREATE STATISTICS IF NOT EXISTS assign_publication_stats (mcv) ON publication, replied_round, state FROM proposals_assignment"
DROP = "DROP STATISTICS IF EXISTS assign_publication_stats"


def run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)
            if sql is CREATE:
                schema_editor.execute("ANALYZE proposals_assignment")
    return apply


class Migration(migrations.Migration):

    dependencies = [
        ("proposals", "0008_pending_state_indexes"),
    ]

    operations = [
        migrations.RunPython(run(CREATE), run(DROP), elidable=False),
    ]
