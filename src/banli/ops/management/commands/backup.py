"""manage.py backup [--output PATH]: the database and the attachment files in one archive (see
banli/ops/backup.py), safe to run while Banli is in use. Run it nightly and before each upgrade,
and copy the archive off the server (README, "Backup and restore")."""

import logging

from django.core.management.base import BaseCommand, CommandError

from banli.errors import BanliError
from banli.ops.backup import make_backup


log = logging.getLogger("banli.ops")


class Command(BaseCommand):
    help = "备份数据库和附件文件，写成一个归档文件（.tar；名称以 .tar.gz 结尾则压缩）"

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="归档文件路径，或存放它的目录（默认：当前目录，文件名带时间）")

    def handle(self, *args, output=None, **options):
        try:
            result = make_backup(output)
        except BanliError as e:
            raise CommandError(e.zh)
        log.info("backup written to %s", result.path)
        self.stdout.write(f"备份完成：{result.path}（{result.size / 1e6:.1f} MB；"
                          f"{result.manifest['database']['engine']} 数据库，附件文件 {result.files} 个）")
