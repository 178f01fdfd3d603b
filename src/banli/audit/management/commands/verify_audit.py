"""manage.py verify_audit: walk the audit trail's hash chain and name the first broken row.

Exit status 0 and "OK" with the count when the chain is whole; 1 and the row (id, time, action)
with why it broke otherwise. Streams in batches (--batch), so it runs in constant memory on any
size of trail; run it daily (cron) and after any restore."""

import time

from django.core.management.base import BaseCommand, CommandError

from banli.audit.chain import verify


class Command(BaseCommand):
    help = "校验审计记录的哈希链（SM3），指出第一条断开的记录"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=10000, help="每次读取的记录数")

    def handle(self, *args, batch, **options):
        started = time.monotonic()
        result = verify(batch=max(1, batch))
        took = time.monotonic() - started
        if result.broken is not None:
            self.stderr.write(result.broken.describe())
            self.stderr.write(f"此前 {result.count} 条记录完好。")
            raise CommandError("审计链校验未通过", returncode=1)
        self.stdout.write(f"OK：审计链完好，共 {result.count} 条记录（最后一条 {result.last_id or '无'} 号，"
                          f"哈希 {result.last_hash}），用时 {took:.1f} 秒。")
