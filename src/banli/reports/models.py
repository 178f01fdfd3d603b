"""Report jobs: long exports (every dossier of a session as one ZIP) built in the background, with
the counters a progress bar reads while they run."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A job that has not moved for this long was cut off (a restarted server, a lost worker).
STALLED_AFTER = timezone.timedelta(minutes=10)


class ReportJob(models.Model):
    class Kind(models.TextChoices):
        DOSSIERS = "dossiers", _("一案一册批量导出")

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已生成")
        FAILED = "failed", _("失败")

    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.DOSSIERS)
    session = models.ForeignKey("org.Session", on_delete=models.PROTECT, related_name="report_jobs", verbose_name="会次")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="report_jobs", verbose_name="申请人")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    file = models.FileField("文件", upload_to="reports/", blank=True)
    error = models.TextField("错误信息", blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # Moved on every counter update: how the page tells a running job from a stalled one.
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "报表任务"
        ordering = ["-id"]
        indexes = [models.Index(fields=["requested_by", "state"])]
        constraints = [
            models.CheckConstraint(condition=Q(done__lte=F("total")), name="report_job_done_within_total"),
            models.CheckConstraint(condition=~Q(state="done") | ~Q(file=""), name="done_report_job_has_file"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.session_id} #{self.pk}"

    @property
    def active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def stalled(self) -> bool:
        return self.active and self.updated_at is not None and timezone.now() - self.updated_at > STALLED_AFTER

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return self.done * 100 // self.total if self.total else 0
