"""Issue 15.7: `manage.py backup` then `manage.py restore` gives back the database and the
attachment files exactly as they were at the backup, on whichever database the suite runs
(SQLite: the online backup API; PostgreSQL: pg_dump / pg_restore).

Identical is checked table by table: every row of every table (the audit trail, sessions, the
search index's tables and django_migrations included) and the sequences that number new rows,
and every file under MEDIA_ROOT byte for byte. Transactional (the backup reads committed data
from outside the test's connection): a file of its own."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections

from banli.audit.models import AuditRecord
from banli.proposals import actions
from banli.proposals.models import Attachment, Item
from tests.builders import make_item

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n% Banli backup test\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def _plain(value):
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def db_fingerprint() -> dict[str, tuple[int, str]]:
    """Each table's row count and a hash of all its rows (in a fixed order), and the sequences."""
    out = {}
    with connection.cursor() as c:
        tables = connection.introspection.table_names(c)
        if connection.vendor == "sqlite":
            tables.append("sqlite_sequence")
        for table in tables:
            c.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(tuple(_plain(v) for v in row)) for row in c.fetchall())
            out[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        if connection.vendor == "postgresql":
            c.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()")
            out["(sequences)"] = (0, repr(sorted(c.fetchall())))
    return out


def media_fingerprint() -> dict[str, str]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_backup_and_restore_give_back_the_database_and_the_files_as_they_were(world, tmp_path, capsys):
    item = make_item(world, "handling")
    att = actions.add_attachment(world.member, item.pk, file=SimpleUploadedFile("调研报告.pdf", PDF, content_type="application/pdf"))
    actions.post_message(world.member, item.pk, body="请告知办理进展。")
    assert AuditRecord.objects.filter(item=item).count() > 3
    before_db, before_files = db_fingerprint(), media_fingerprint()
    assert len(before_files) == 1 and before_db[Attachment._meta.db_table][0] == 1

    archive = tmp_path / "backups" / "banli.tar"
    archive.parent.mkdir()
    call_command("backup", output=str(archive))
    assert archive.stat().st_mode & 0o077 == 0, "the archive holds personal data: owner only"

    # Things change after the backup: a file lost from disk, new items, messages and audit rows,
    # an edited row, a new upload.
    Path(att.file.path).unlink()
    other = make_item(world, "handling")
    actions.add_attachment(world.member, other.pk, file=SimpleUploadedFile("新材料.pdf", PDF + b"more", content_type="application/pdf"))
    actions.post_message(world.member, item.pk, body="又一条留言。")
    Item.objects.filter(pk=item.pk).update(title="备份后改过的标题")
    assert db_fingerprint() != before_db and media_fingerprint() != before_files

    # Another connection stays open through the restore, as the running application's would.
    other = connections.create_connection("default")
    title_sql = f"SELECT title FROM {Item._meta.db_table} WHERE id = %s"
    with other.cursor() as c:
        c.execute(title_sql, [item.pk])
        assert c.fetchone()[0] == "备份后改过的标题"

    capsys.readouterr()
    call_command("restore", str(archive), yes=True, safety_backup=str(tmp_path / "backups" / "before.tar"))
    out = capsys.readouterr().out
    assert "恢复完成" in out

    after_db = db_fingerprint()
    assert [t for t in sorted(before_db.keys() | after_db.keys()) if before_db.get(t) != after_db.get(t)] == []
    assert media_fingerprint() == before_files
    with other.cursor() as c:  # and sees the restored data
        c.execute(title_sql, [item.pk])
        assert c.fetchone()[0] == item.title
    other.close()
    assert Path(Attachment.objects.get().file.path).read_bytes() == PDF
    # The state just before the restore was kept, and is itself a valid backup.
    call_command("restore", str(tmp_path / "backups" / "before.tar"), check_only=True)
    # The restored audit trail still verifies (the chain was copied whole).
    call_command("verify_audit")
