"""The search documents and each database's full-text index over them (see banli.search.models).

SQLite: an FTS5 table over the documents (external content: the text is stored once, in
search_searchdocument), split on spaces by unicode61 (which keeps a piece such as 养老 whole, and
never folds diacritics the pieces kept), with the triggers that keep it in step with every
insert, update and delete, inside the writing transaction. PostgreSQL: the 'simple' tsvector of
the tokens, stored beside them, with a GIN index per scope (see POSTGRES). Neither is known to
Django's model: banli.search.query names them."""

import django.db.models.deletion

import banli.search.models
from django.db import migrations, models


SQLITE = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(tokens, content='search_searchdocument', content_rowid='id',
       tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN
       INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END""",
    """CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN
       INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); END""",
    """CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchdocument BEGIN
       INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens);
       INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END""",
]
SQLITE_UNDO = ["DROP TRIGGER search_fts_update", "DROP TRIGGER search_fts_delete", "DROP TRIGGER search_fts_insert",
               "DROP TABLE search_fts"]
# The tsvector is stored (a generated column, so PostgreSQL keeps it with every write, in the same
# transaction): a phrase (加装电梯) needs the positions, which a GIN index does not hold, so every
# row the index proposes is checked against the tsvector, and ts_rank reads it too. Computed from
# the text on the fly (a functional index) that was a parse per matching row: measured at 100k
# items, 0.43 s for a phrase against 0.04 s stored. One partial index per scope: a search is
# always of one scope, and needs no second index to tell them apart.
POSTGRES = [
    """ALTER TABLE search_searchdocument ADD COLUMN vector tsvector
       GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, tokens)) STORED""",
    "CREATE INDEX search_document_staff ON search_searchdocument USING gin (vector) WHERE scope = 'staff'",
    "CREATE INDEX search_document_public ON search_searchdocument USING gin (vector) WHERE scope = 'public'",
]
POSTGRES_UNDO = ["DROP INDEX search_document_public", "DROP INDEX search_document_staff",
                 "ALTER TABLE search_searchdocument DROP COLUMN vector"]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, ()):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('proposals', '0007_item_published_at'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scope', models.CharField(choices=[('staff', '工作人员'), ('public', '公众')], max_length=6)),
                ('tokens', models.TextField()),
                ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='search_documents', to='proposals.item')),
            ],
        ),
        migrations.CreateModel(
            name='FtsRow',
            fields=[
                ('document', models.OneToOneField(db_column='rowid', db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='fts', serialize=False, to='search.searchdocument')),
                ('text', banli.search.models.FtsMatchField(db_column='search_fts')),
                ('rank', models.FloatField(db_column='rank')),
            ],
            options={
                'db_table': 'search_fts',
                'managed': False,
            },
        ),
        migrations.AddConstraint(
            model_name='searchdocument',
            constraint=models.UniqueConstraint(fields=('item', 'scope'), name='search_document_one_per_scope'),
        ),
        migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}), _run({"sqlite": SQLITE_UNDO, "postgresql": POSTGRES_UNDO})),
    ]
