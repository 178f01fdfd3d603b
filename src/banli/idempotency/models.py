from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """A creating step someone has taken under a key of their choosing (the API's Idempotency-Key
    header, the page's hidden field), written in the transaction that created the record, so a
    retry finds either both or neither. Kept for settings.BANLI_IDEMPOTENCY_HOURS."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField("键", max_length=100)
    step = models.CharField("步骤", max_length=60)
    # SHA-256 of the step, what it acts on and its inputs: the same key with another body is refused.
    fingerprint = models.CharField("请求摘要", max_length=64)
    # What the first call created (app_label.model and id), from which a retry's answer is rebuilt.
    target_type = models.CharField("结果类型", max_length=60, blank=True)
    target_id = models.BigIntegerField("结果编号", null=True, blank=True)
    status = models.PositiveSmallIntegerField("状态码", default=200)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "幂等键"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self):
        return f"{self.user_id}:{self.key} → {self.target_type}#{self.target_id}"
