"""Deadline rows (one per milestone per assignment, item, reply or message) and the permanent
overdue events that reports and the assessment count years later."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.db.models import Q

__all__ = ["Milestone", "OVERDUE_LABEL", "Deadline", "OverdueEvent", "ReminderLog"]


class Milestone(models.TextChoices):
    COSIGN = "cosign", _("联名确认")
    REGISTER = "register", _("立案审查")
    SIGN = "sign", _("签收")
    ADJUST_DECISION = "adjust_decision", _("调整决定")
    CONSULT = "consult", _("首次面商")
    CO_OPINION = "co_opinion", _("会办意见")
    REPLY = "reply", _("答复")
    SECOND_REPLY = "second_reply", _("重新办理答复")
    # The proposer's (委员's or 代表's) rating of a sent reply; not "委员反馈", which reads as the
    # unit's progress report (反馈进展) as well, and names only one of the two assemblies.
    FEEDBACK = "feedback", _("评价答复")
    PROGRESS = "progress", _("办理进展")
    PUBLICATION = "publication", _("公开决定")
    MESSAGE = "message", _("回复留言")
    QUESTION = "question", _("有问必答")


# The name an overdue milestone goes by in reports (超期接收, 超期面商 …).
OVERDUE_LABEL = {
    Milestone.COSIGN: "超期确认联名", Milestone.REGISTER: "超期立案审查", Milestone.SIGN: "超期接收",
    Milestone.ADJUST_DECISION: "超期决定调整", Milestone.CONSULT: "超期面商", Milestone.CO_OPINION: "超期会办",
    Milestone.REPLY: "超期答复", Milestone.SECOND_REPLY: "超期重新答复", Milestone.FEEDBACK: "超期未评价",
    Milestone.PROGRESS: "超期报送进展", Milestone.PUBLICATION: "超期决定公开", Milestone.MESSAGE: "超期回复消息",
    Milestone.QUESTION: "超期答复提问",
}


class Deadline(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("未到期")
        MET = "met", _("已完成")
        LATE = "late", _("已超期")
        WAIVED = "waived", _("已免除")

    # Stable identity of the milestone, e.g. "sign:42" or "progress:42:3": sync upserts by it.
    key = models.CharField(max_length=60, unique=True)
    kind = models.CharField("环节", max_length=20, choices=Milestone.choices)
    item = models.ForeignKey("proposals.Item", null=True, blank=True, on_delete=models.CASCADE, related_name="deadlines")
    assignment = models.ForeignKey("proposals.Assignment", null=True, blank=True, on_delete=models.CASCADE, related_name="deadlines")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="deadlines", verbose_name="责任单位")
    question = models.ForeignKey("proposals.Question", null=True, blank=True, on_delete=models.CASCADE, related_name="deadlines")
    starts_on = models.DateField("起算日期")
    due_on = models.DateField("到期日期", db_index=True)
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.OPEN)
    met_on = models.DateField("完成日期", null=True, blank=True)
    waived_reason = models.CharField("免除原因", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "办理时限"
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["state", "due_on"]), models.Index(fields=["unit", "state"]),
            # A liaison's to-do: the unit's open milestones of one kind, soonest first. Written as
            # an OR, not state__in, because SQLite does not use a partial index for `state = 'open'`
            # whose condition says IN.
            models.Index(fields=["unit", "kind", "state", "due_on"], condition=Q(state="open") | Q(state="late"), name="deadline_unit_open_kind"),
            # The list's late=1 (issue 16): the items with a late milestone, read from the late rows
            # alone, and "is this item late?" answered by one entry instead of all its milestones.
            models.Index(fields=["item"], condition=Q(state="late"), name="deadline_late_item"),
            # The deadlines list of the office: every open milestone, late first then soonest, and
            # their count, from the index alone (the item and kind its filters test are in it). At 1M
            # items the count read 38,000 rows scattered over the history's 30M: 149 ms.
            models.Index(fields=["state", "due_on", "id"], include=["item", "kind"], condition=Q(state="open") | Q(state="late"),
                         name="deadline_open_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(state="met") | Q(met_on__isnull=False), name="met_deadline_has_date"),
            models.CheckConstraint(condition=~Q(state="waived") | ~Q(waived_reason=""), name="waived_deadline_has_reason"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_on}"


class OverdueEvent(models.Model):
    """A milestone that went past its due date. Permanent: it stays when the step is done late,
    with the done date and the working days late."""

    deadline = models.OneToOneField(Deadline, on_delete=models.PROTECT, related_name="overdue")
    kind = models.CharField("超期类型", max_length=20, choices=Milestone.choices)
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="overdue_events")
    item = models.ForeignKey("proposals.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="overdue_events")
    due_on = models.DateField("到期日期")
    done_on = models.DateField("完成日期", null=True, blank=True)
    days_late = models.PositiveIntegerField("超期工作日", default=0)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "超期记录"
        ordering = ["-due_on", "id"]
        indexes = [models.Index(fields=["unit", "kind"])]

    @property
    def label(self) -> str:
        return OVERDUE_LABEL[self.kind]


class ReminderLog(models.Model):
    """One row per milestone per day a reminder went out: the scan's memory, so that running
    it twice on a day sends nothing twice."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    on_date = models.DateField()
    stage = models.CharField(max_length=12)  # before5, before1, due, late, escalated
    recipients = models.PositiveSmallIntegerField(default=0)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deadline", "on_date"], name="one_reminder_per_deadline_per_day")]
