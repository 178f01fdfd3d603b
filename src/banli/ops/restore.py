"""`manage.py restore PATH`: put back the database and the attachment files of one backup.

Everything is checked before anything is overwritten: the archive holds only what the manifest
lists, each file's SHA-256 and size match it, the database in it is whole, it was made on the
same database engine, and it has no migration this code does not know (a backup from a newer
Banli would leave the code reading tables it does not understand). A backup older than the code
is accepted; `manage.py migrate` then brings it up to date.

Then, unless told not to, the current state is backed up beside (nothing is lost if the wrong
archive was chosen), the database is restored (databases.load), and MEDIA_ROOT is replaced as a
whole by the backup's files: files uploaded after the backup go with the rows that named them."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from . import databases
from .archive import CHUNK, DATABASE_FILES, FORMAT, MANIFEST, MEDIA_PREFIX, engine, refused, safe_member_name
from .backup import BackupResult, make_backup


@dataclass
class Checked:
    """An archive whose contents matched its manifest, unpacked into `work`."""
    manifest: dict
    work: Path
    database: Path
    media: Path
    older: list[str] = field(default_factory=list)  # migrations of the code the backup predates


def read_archive(path: Path, work: Path, *, alias: str = "default") -> Checked:
    if not path.is_file():
        raise refused("no_file", f"找不到备份文件：{path}", f"No such backup file: {path}")
    try:
        tar = tarfile.open(path, "r:*")
    except (tarfile.TarError, OSError) as e:
        raise refused("not_archive", f"不是 Banli 备份文件（无法读取归档）：{e}", f"Not a Banli backup (unreadable archive): {e}")
    seen: dict[str, dict] = {}
    manifest = None
    media = work / "media"
    with tar:
        try:
            for member in tar:
                name = member.name
                if not member.isfile() or not safe_member_name(name) or name in seen:
                    raise refused("bad_member", f"备份中有不应有的内容：{name}", f"The backup holds something it should not: {name}")
                source = tar.extractfile(member)
                if name == MANIFEST:
                    manifest = _parse_manifest(source.read(1 << 24))
                    continue
                dest = work / name
                dest.parent.mkdir(parents=True, exist_ok=True)
                h, size = hashlib.sha256(), 0
                with dest.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        h.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                seen[name] = {"sha256": h.hexdigest(), "size": size}
        except (tarfile.TarError, EOFError, OSError) as e:
            raise refused("truncated", f"备份文件不完整或已损坏：{e}", f"The backup is incomplete or damaged: {e}")
    if manifest is None:
        raise refused("no_manifest", "备份中没有清单（manifest.json），不是 Banli 备份。", "The backup has no manifest.json: not a Banli backup.")
    listed = manifest["files"]
    wrong = sorted(n for n in set(listed) | set(seen) if listed.get(n) != seen.get(n))
    if wrong:
        raise refused("checksum", "备份已损坏或被改动，以下文件与清单不符：" + "、".join(wrong[:10]),
                      "The backup is damaged or was altered; these files do not match the manifest: " + ", ".join(wrong[:10]))
    vendor = engine(alias)
    theirs = manifest["database"]["engine"]
    if theirs != vendor:
        raise refused("engine", f"这是 {theirs} 数据库的备份，当前使用的是 {vendor}，不能恢复。",
                      f"This is a backup of a {theirs} database; this installation uses {vendor}.")
    database = work / DATABASE_FILES[vendor]
    if not database.is_file():
        raise refused("no_database", "备份中没有数据库文件。", "The backup holds no database.")
    checked = Checked(manifest, work, database, media, older=_migrations_check(manifest, alias))
    databases.check(alias, database)
    return checked


def _parse_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data)
        if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
            raise ValueError("format")
        if not isinstance(manifest["database"]["engine"], str) or not isinstance(manifest["migrations"], list):
            raise ValueError("fields")
        return manifest
    except (ValueError, KeyError, TypeError, AttributeError):
        raise refused("bad_manifest", "备份清单无法识别（格式不对或来自不兼容的版本）。",
                      "The backup's manifest is not one this version understands.")


def _migrations_check(manifest: dict, alias: str) -> list[str]:
    loader = MigrationLoader(connections[alias], ignore_no_migrations=True, load=True)
    known = set(loader.disk_migrations)
    theirs = {tuple(m) for m in manifest["migrations"]}
    # A migration of an app this code no longer installs (an old library's tables) is left alone;
    # one of an app it has but does not know is from a newer Banli.
    newer = sorted(f"{app}.{name}" for app, name in theirs - known if app in loader.migrated_apps)
    if newer:
        raise refused("newer", "备份来自更新版本的 Banli，当前代码不认识其中的数据库迁移：" + "、".join(newer[:10])
                      + "。请先升级 Banli 再恢复。",
                      "The backup comes from a newer Banli; this code does not know its migrations: "
                      + ", ".join(newer[:10]) + ". Upgrade Banli first.")
    return sorted(f"{app}.{name}" for app, name in known - theirs)


def describe(checked: Checked) -> str:
    m = checked.manifest
    files = sum(1 for n in m["files"] if n.startswith(MEDIA_PREFIX))
    return (f"备份时间 {m['created_at']}，Banli {m['banli_version']}，{m['database']['engine']} 数据库"
            f"（{m['database']['name']}），附件文件 {files} 个")


@dataclass
class RestoreResult:
    manifest: dict
    safety: BackupResult | None
    older: list[str]


def restore(checked: Checked, *, safety_path: Path | None, alias: str = "default") -> RestoreResult:
    """Overwrite the database and MEDIA_ROOT with a checked archive's."""
    safety = make_backup(safety_path, alias=alias) if safety_path else None
    media_root = Path(settings.MEDIA_ROOT)
    # The files first, into place beside MEDIA_ROOT (same disk: the renames below are instant)...
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{media_root.name}.restoring-", dir=media_root.parent))
    os.chmod(staged, media_root.stat().st_mode & 0o7777 if media_root.is_dir() else 0o755)
    if checked.media.is_dir():
        shutil.copytree(checked.media, staged, dirs_exist_ok=True)
    # ...then the database, which is the step that can still fail (a lock held too long)...
    try:
        databases.load(alias, checked.database)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    # ...and the files are swapped in.
    old = None
    if media_root.exists():
        old = media_root.with_name(f".{media_root.name}.replaced-{timezone.now():%Y%m%d%H%M%S%f}")
        os.replace(media_root, old)
    os.replace(staged, media_root)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return RestoreResult(checked.manifest, safety, checked.older)
