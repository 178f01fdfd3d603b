"""Documents gain their keys (banli.search.keys: the session's, and the units' on staff documents),
which the search asks the index for first. An index written before has none, and would find
nothing: it is rewritten here, in batches (banli.search.index.rebuild, the same code the
rebuild_search_index command runs; a database without items has nothing to rewrite)."""

from django.db import migrations


def rewrite(apps, schema_editor):
    from banli.proposals.models import Item
    from banli.search.index import rebuild

    if Item.objects.using(schema_editor.connection.alias).exists():
        rebuild()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_documents"), ("proposals", "0007_item_published_at")]

    operations = [migrations.RunPython(rewrite, migrations.RunPython.noop)]
