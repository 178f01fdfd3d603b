from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditRecord(models.Model):
    """Who did what, when, to which record, with the values before and after. Never edited.

    Chained (banli.audit.chain): `hash` is the SM3 of the row's content and of `prev_hash`, the
    hash of the row before it. Written only through banli.audit.service (record, record_many),
    which set `at`, the id and both hashes."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="操作人")
    action = models.CharField("操作", max_length=40)
    item = models.ForeignKey("proposals.Item", null=True, on_delete=models.PROTECT, related_name="audit_records", verbose_name="提案/建议")
    target_type = models.CharField("对象类型", max_length=40)
    target_id = models.BigIntegerField("对象编号", null=True)
    before = models.JSONField("变更前", default=dict, blank=True)
    after = models.JSONField("变更后", default=dict, blank=True)
    note = models.TextField("说明", blank=True)
    prev_hash = models.CharField("前一条的哈希", max_length=64, blank=True, default="")
    hash = models.CharField("哈希（SM3）", max_length=64, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "审计记录"
        ordering = ["id"]
        indexes = [models.Index(fields=["item", "id"]), models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
