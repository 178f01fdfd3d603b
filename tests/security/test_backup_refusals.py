"""Issue 15.7: `manage.py restore` checks a backup whole before it overwrites anything, and says
in Chinese why it refuses: a file altered or missing, something the manifest does not list (a
path that would land outside MEDIA_ROOT), another database engine, migrations newer than the
code, a damaged archive, no confirmation. After each refusal the database and the files are as
they were. (The full round trip is in test_backup_roundtrip.py.)"""

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from banli.org.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(tmp_path, db):
    media = Path(settings.MEDIA_ROOT)
    (media / "attachments").mkdir(parents=True)
    (media / "attachments" / "报告.pdf").write_bytes(b"%PDF-1.4 original")
    path = tmp_path / "b.tar"
    call_command("backup", output=str(path))
    return path


def _members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}


def _write(path: Path, members: dict[str, bytes]) -> None:
    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _edit_manifest(path: Path, change) -> None:
    members = _members(path)
    manifest = json.loads(members["manifest.json"])
    change(manifest)
    members["manifest.json"] = json.dumps(manifest).encode()
    _write(path, members)


def _refused(path, *words):
    units = Unit.objects.count()
    media = sorted(p.relative_to(settings.MEDIA_ROOT) for p in Path(settings.MEDIA_ROOT).rglob("*"))
    with pytest.raises(CommandError) as e:
        call_command("restore", str(path), yes=True, no_safety_backup=True)
    for w in words:
        assert w in str(e.value)
    assert Unit.objects.count() == units
    assert sorted(p.relative_to(settings.MEDIA_ROOT) for p in Path(settings.MEDIA_ROOT).rglob("*")) == media
    return str(e.value)


def test_the_manifest_lists_every_file_with_its_checksum(archive):
    members = _members(archive)
    manifest = json.loads(members["manifest.json"])
    assert manifest["database"]["engine"] == connection.vendor
    assert manifest["banli_version"] and manifest["created_at"]
    assert ["proposals", "0001_initial"] in manifest["migrations"]
    assert set(manifest["files"]) == set(members) - {"manifest.json"}
    assert "media/attachments/报告.pdf" in manifest["files"]


def test_a_file_altered_in_the_backup_is_refused(archive):
    members = _members(archive)
    members["media/attachments/报告.pdf"] = b"%PDF-1.4 altered"
    _write(archive, members)
    assert "media/attachments/报告.pdf" in _refused(archive, "与清单不符")


def test_a_file_missing_from_the_backup_is_refused(archive):
    members = _members(archive)
    del members["media/attachments/报告.pdf"]
    _write(archive, members)
    _refused(archive, "与清单不符")


def test_a_path_outside_the_backup_layout_is_refused_and_not_written(archive, tmp_path):
    members = _members(archive)
    members["media/../../evil.txt"] = b"x"
    _write(archive, members)
    _refused(archive, "不应有的内容")
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()


def test_a_backup_of_another_engine_is_refused(archive):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    _edit_manifest(archive, lambda m: m["database"].update(engine=other))
    _refused(archive, f"这是 {other} 数据库的备份")


def test_a_backup_from_a_newer_banli_is_refused(archive):
    _edit_manifest(archive, lambda m: m["migrations"].append(["proposals", "9999_from_the_future"]))
    _refused(archive, "更新版本", "proposals.9999_from_the_future")


def test_a_damaged_or_foreign_file_is_refused(archive, tmp_path):
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    _refused(archive, "备份")
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar file at all" * 100)
    _refused(junk, "不是 Banli 备份")
    _refused(tmp_path / "nowhere.tar", "找不到备份文件")


def test_without_yes_and_no_one_to_ask_nothing_is_restored(archive):
    units = Unit.objects.count()
    with pytest.raises(CommandError, match="没有确认"):
        call_command("restore", str(archive), no_safety_backup=True)
    assert Unit.objects.count() == units


def test_check_only_verifies_and_restores_nothing(archive, capsys):
    (Path(settings.MEDIA_ROOT) / "attachments" / "报告.pdf").unlink()
    call_command("restore", str(archive), check_only=True)
    assert "备份校验通过" in capsys.readouterr().out
    assert not (Path(settings.MEDIA_ROOT) / "attachments" / "报告.pdf").exists()


def test_backup_into_a_missing_directory_is_refused(tmp_path):
    with pytest.raises(CommandError, match="目录不存在"):
        call_command("backup", output=str(tmp_path / "no" / "such" / "b.tar"))
