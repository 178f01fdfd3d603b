from django.db import models


class TaskRun(models.Model):
    """When a task run by Celery beat last finished, well or not, and when beat itself last
    started (name "beat"): what the health check reads to say whether the schedule is running.
    One row per name, written once per run (an upsert)."""

    name = models.CharField("任务", max_length=60, unique=True)
    first_seen_at = models.DateTimeField("首次记录")
    last_ok_at = models.DateTimeField("最近成功", null=True, blank=True)
    last_failed_at = models.DateTimeField("最近失败", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "定时任务运行记录"

    def __str__(self):
        return self.name
