"""An import (批量导入): a file the office uploaded, what its preview found, and how the import
went. The file is kept: the audit row names it, and a job that runs later reads it again."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    class Kind(models.TextChoices):
        ITEMS = "items", _("提案/建议")
        REFERENCE = "reference", _("单位和委员代表")

    class State(models.TextChoices):
        PREVIEWED = "previewed", _("待确认")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已导入")
        FAILED = "failed", _("失败")

    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    session = models.ForeignKey("org.Session", null=True, blank=True, on_delete=models.PROTECT, related_name="imports", verbose_name="会次")
    file = models.FileField("文件", upload_to="imports/%Y/")
    name = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("校验值", max_length=64)
    size = models.PositiveIntegerField("大小")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上传人")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PREVIEWED)
    rows = models.PositiveIntegerField("行数", default=0)
    errors = models.PositiveIntegerField("错误数", default=0)
    done = models.PositiveIntegerField("已处理", default=0)
    # What the import did: {"created": n, "unchanged": n, "updated": n}, by kind of record.
    summary = models.JSONField("结果", default=dict, blank=True)
    error = models.TextField("错误信息", blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "批量导入"
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(done__lte=F("rows")), name="import_done_within_rows")]

    def __str__(self):
        return self.name
