"""`manage.py backup`: the database and the attachment files together, in one archive
(layout in archive.py).

The database is copied first, then the files. A file uploaded meanwhile is in the archive without
its row (harmless: nothing points at it); a row in the copy always has its file, since the file is
written before its row commits. The archive is written under a temporary name and renamed when
complete, readable by its owner only (it holds members' contact data), so a backup that was
interrupted never looks like one."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from . import databases
from .archive import (
    DATABASE_FILES, FORMAT, MANIFEST, MEDIA_PREFIX, applied_migrations, banli_version, engine, refused,
)


@dataclass
class BackupResult:
    path: Path
    manifest: dict

    @property
    def files(self) -> int:
        return sum(1 for name in self.manifest["files"] if name.startswith(MEDIA_PREFIX))

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def default_name(now: dt.datetime | None = None) -> str:
    now = timezone.localtime(now or timezone.now())
    return f"banli-backup-{now:%Y%m%d-%H%M%S}.tar"


def target_path(output: str | os.PathLike | None) -> Path:
    """--output may name the archive, or a directory to put a time-stamped archive in."""
    path = Path(output) if output else Path.cwd()
    if path.is_dir() or (output and str(output).endswith(os.sep)):
        path = path / default_name()
    return path


def make_backup(output: str | os.PathLike | None = None, *, alias: str = "default") -> BackupResult:
    path = target_path(output)
    if not path.parent.is_dir():
        raise refused("no_dir", f"目录不存在：{path.parent}", f"No such directory: {path.parent}")
    vendor = engine(alias)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix=".banli-backup-", dir=path.parent) as work:
        db_file = Path(work) / "database"
        databases.dump(alias, db_file)
        sources = [(DATABASE_FILES[vendor], db_file)]
        if media_root.is_dir():
            sources += [(MEDIA_PREFIX + f.relative_to(media_root).as_posix(), f)
                        for f in sorted(media_root.rglob("*")) if f.is_file() and not f.is_symlink()]
        partial = Path(work) / "archive"
        files = {}
        mode = "w:gz" if path.name.endswith((".tar.gz", ".tgz")) else "w"
        with tarfile.open(partial, mode) as tar:
            for name, f in sources:
                files[name] = _add(tar, name, f)
            # Last, so that it holds the checksums of the bytes actually written.
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "banli_version": banli_version(),
                "database": {"engine": vendor, "name": databases.display_name(alias)},
                "migrations": applied_migrations(alias),
                "media_root": str(media_root),
                "files": files,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    return BackupResult(path, manifest)


class _Hashing(io.RawIOBase):
    """A file read through once, hashing what tarfile copies into the archive."""

    def __init__(self, f):
        self.f, self.h = f, hashlib.sha256()

    def readable(self):
        return True

    def read(self, n=-1):
        data = self.f.read(n)
        self.h.update(data)
        return data


def _add(tar: tarfile.TarFile, name: str, path: Path) -> dict:
    info = tar.gettarinfo(str(path), arcname=name)
    info.uname = info.gname = ""
    with path.open("rb") as f:
        # gettarinfo's size is the file's size now: a file still growing is copied up to it, and
        # the checksum is of those bytes.
        reader = _Hashing(f)
        tar.addfile(info, reader)
    return {"sha256": reader.h.hexdigest(), "size": info.size}
