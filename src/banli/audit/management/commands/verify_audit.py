"""manage.py verify_audit: walk the audit trail's hash chain and name the first broken row.

Exit status 0 and "OK" with the count when the chain is whole; 1 and the row (id, time, action)
with why it broke otherwise. Streams in batches (--batch), so it runs in constant memory on any
size of trail; run it daily (cron) and after any restore."""

import time

from django.core.management.base import BaseCommand, CommandError

from banli.audit.chain import verify
from banli.audit.models import AuditRecord


def _anchored(anchor) -> bool:
    """The row an earlier run ended at is still there with the same hash (the chain being whole,
    every row before it is then unchanged too)."""
    pk, digest = anchor
    return AuditRecord.objects.filter(pk=pk, hash=digest).exists()


class Command(BaseCommand):
    help = "校验审计记录的哈希链（SM3），指出第一条断开的记录"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=10000, help="每次读取的记录数")
        parser.add_argument("--expect", metavar="ID:HASH", default="",
                            help="上次校验输出的最后一条记录（编号:哈希），核对它仍在链中且未变：删除最新记录也能发现")

    def handle(self, *args, batch, expect, **options):
        anchor = None
        if expect:
            pk, _, digest = expect.partition(":")
            if not pk.isdigit() or len(digest) != 64:
                raise CommandError("--expect 应写作 编号:哈希（上次校验输出的最后一条记录）")
            anchor = (int(pk), digest.lower())
        started = time.monotonic()
        result = verify(batch=max(1, batch))
        took = time.monotonic() - started
        if result.broken is not None:
            self.stderr.write(result.broken.describe())
            self.stderr.write(f"此前 {result.count} 条记录完好。")
            raise CommandError("审计链校验未通过", returncode=1)
        if anchor is not None and not _anchored(anchor):
            self.stderr.write(f"第 {anchor[0]} 号记录（上次校验的最后一条）已不在链中或已被改动：其后的记录可能被删除或替换。")
            raise CommandError("审计链校验未通过", returncode=1)
        self.stdout.write(f"OK：审计链完好，共 {result.count} 条记录（最后一条 {result.last_id or '无'} 号，"
                          f"哈希 {result.last_hash}），用时 {took:.1f} 秒。")
