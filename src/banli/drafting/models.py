from django.conf import settings
from django.db import models

from banli.org.models import ReplyType


class ReplyTemplate(models.Model):
    """答复模板: a letter the office keeps for one reply type, with placeholders for the item's
    fields (banli.drafting.placeholders). Never deleted: a template no longer wanted is made
    inactive, so the audit rows that name it still point at it."""

    reply_type = models.ForeignKey(ReplyType, on_delete=models.PROTECT, related_name="templates", verbose_name="答复类型")
    name = models.CharField("模板名称", max_length=60)
    body = models.TextField("模板正文")
    active = models.BooleanField("启用", default=True)
    position = models.PositiveSmallIntegerField("排序", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "答复模板"
        ordering = ["reply_type__position", "reply_type__code", "position", "id"]
        constraints = [
            # Two active templates of one type with the same name could not be told apart in the picker.
            models.UniqueConstraint(fields=["reply_type", "name"], condition=models.Q(active=True), name="one_active_template_name_per_type"),
        ]

    def __str__(self):
        return f"{self.reply_type.code} {self.name}"
