"""The backup archive's layout, shared by backup and restore.

One tar file, so that a backup is one thing to copy off the server, to check and to keep:

    manifest.json              what it is (below)
    database/banli.sqlite3     SQLite: a consistent copy made with the online backup API
    database/banli.pgdump      PostgreSQL: pg_dump --format=custom
    media/<path>               every file under MEDIA_ROOT (attachments, self-assessment files, ...)

Plain tar by default: the attachments are PDF, DOCX and images, already compressed, and gzip
would only spend CPU; a name ending in .tar.gz or .tgz gives a gzip-compressed archive.

The manifest says when the backup was made, by which version of Banli and with which migrations
applied, on which database engine, and the SHA-256 and size of every other file in the archive.
Restore checks all of it before it touches anything."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

from banli.errors import BanliError

FORMAT = 1  # the manifest's layout; bumped if the archive's layout ever changes
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database/banli.sqlite3", "postgresql": "database/banli.pgdump"}
MEDIA_PREFIX = "media/"
CHUNK = 1 << 20


def refused(code: str, zh: str, en: str) -> BanliError:
    return BanliError(f"backup_{code}", zh, en)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def banli_version() -> str:
    pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
    try:
        return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def applied_migrations(alias: str = "default") -> list[list[str]]:
    """Every migration applied to the database, as [app, name] pairs in a stable order."""
    return sorted([app, name] for app, name in MigrationRecorder(connections[alias]).applied_migrations())


def engine(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in DATABASE_FILES:
        raise refused("engine", f"不支持备份 {vendor} 数据库，只支持 SQLite 和 PostgreSQL。",
                      f"Cannot back up a {vendor} database: only SQLite and PostgreSQL.")
    return vendor


def safe_member_name(name: str) -> bool:
    """A name restore may write: relative, no '..', under database/ or media/, or the manifest."""
    p = PurePosixPath(name)
    if p.is_absolute() or ".." in p.parts or name != p.as_posix():
        return False
    return name == MANIFEST or name in DATABASE_FILES.values() or (name.startswith(MEDIA_PREFIX) and len(p.parts) > 1)
