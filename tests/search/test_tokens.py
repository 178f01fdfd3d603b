"""Each database splits a document back into exactly the pieces it was made of: SQLite's FTS5
(unicode61) and PostgreSQL's 'simple' configuration alike, Chinese, Latin, digits and all."""

import pytest
from django.db import connection

from banli.search.models import SearchDocument
from banli.search.pieces import pieces
from tests.builders import make_item

pytestmark = pytest.mark.django_db

TEXT = "关于5G基站、WiFi6与ＡＢＣ１２３的café建议：二〇二五年停车场1e5 007"


def database_tokens(doc) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab USING fts5vocab(main, search_fts, instance)")
            cursor.execute("SELECT term FROM temp.search_vocab WHERE doc = %s ORDER BY offset", [doc.pk])
            return [t for (t,) in cursor.fetchall()]
        # The stored tsvector (the generated column `vector`), position by position.
        cursor.execute("SELECT v.lexeme, unnest(v.positions) p FROM search_searchdocument d, unnest(d.vector) v WHERE d.id = %s ORDER BY p",
                       [doc.pk])
        return [t for t, _ in cursor.fetchall()]


def test_the_database_keeps_every_piece_whole(world):
    item = make_item(world, state="draft", title=TEXT, reason="", suggestions="")
    doc = SearchDocument.objects.get(item=item, scope="staff")
    # Then the document's keys (banli.search.keys): its session, no unit yet (a draft).
    assert database_tokens(doc) == pieces(TEXT) * 2 + pieces(item.reason) + pieces(item.suggestions) + [f"zzs{item.session_id}"]
