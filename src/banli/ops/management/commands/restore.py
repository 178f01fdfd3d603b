"""manage.py restore PATH [--yes]: check a backup made by `manage.py backup` and put its database
and attachment files back (see banli/ops/restore.py). It overwrites both, so it asks first unless
--yes; it backs up the current state beside the archive first unless --no-safety-backup."""

import logging
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from banli.errors import BanliError
from banli.ops.backup import default_name
from banli.ops.restore import describe, read_archive, restore

log = logging.getLogger("banli.ops")

class Command(BaseCommand):
    help = "从 manage.py backup 生成的归档恢复数据库和附件文件（会覆盖现有数据）"

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份归档文件")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接恢复")
        parser.add_argument("--safety-backup", help="恢复前先把当前数据备份到此处（默认：与归档同一目录，文件名带时间）")
        parser.add_argument("--no-safety-backup", action="store_true", help="恢复前不备份当前数据")
        parser.add_argument("--check-only", action="store_true", help="只校验备份，不恢复")

    def handle(self, *args, path, yes=False, safety_backup=None, no_safety_backup=False, check_only=False, **options):
        archive = Path(path)
        try:
            with tempfile.TemporaryDirectory(prefix=".banli-restore-", dir=archive.parent if archive.parent.is_dir() else None) as work:
                checked = read_archive(archive, Path(work))
                self.stdout.write(f"备份校验通过：{describe(checked)}。")
                if check_only:
                    return
                if not yes and not self._confirmed():
                    raise CommandError("未恢复：没有确认。要恢复请输入 yes，或加 --yes。")
                safety = None
                if not no_safety_backup:
                    safety = Path(safety_backup) if safety_backup else archive.parent / f"before-restore-{default_name(timezone.now())}"
                result = restore(checked, safety_path=safety)
                log.warning("database and media restored from %s (backup of %s)", archive, checked.manifest["created_at"])
        except BanliError as e:
            raise CommandError(e.zh)
        if result.safety:
            self.stdout.write(f"恢复前的数据已备份到：{result.safety.path}")
        self.stdout.write("恢复完成：数据库和附件文件已与备份一致。")
        if result.older:
            self.stdout.write(f"备份早于当前代码（缺少 {len(result.older)} 个数据库迁移）：请运行 manage.py migrate。")
        self.stdout.write("建议接着运行 manage.py verify_audit 校验审计链。")

    def _confirmed(self) -> bool:
        if not sys.stdin.isatty():
            return False
        self.stdout.write("恢复将覆盖当前数据库和全部附件文件。请确认 Banli 已暂停使用。")
        return input("输入 yes 继续：").strip().lower() == "yes"
