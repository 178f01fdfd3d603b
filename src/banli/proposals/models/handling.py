"""Handling by the units: assignments, adjustments, extensions, consultations, co-opinions,
replies and their approvals, feedback, progress and closure."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.db.models import Q

from banli.org.models import FeedbackGrade, ReplyType, Unit

from .item import Item, Publication

User = settings.AUTH_USER_MODEL


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO = "co", _("会办")
    SEPARATE = "separate", _("分办")


class Assignment(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("待签收")
        ADJUSTING = "adjusting", _("申请调整中")
        SIGNED = "signed", _("已签收")
        ENDED = "ended", _("已调整撤出")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="assignments", verbose_name="提案/建议")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name="承办单位")
    role = models.CharField("办理方式", max_length=10, choices=AssignmentRole.choices)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    note = models.TextField("交办说明", blank=True)
    assigned_at = models.DateTimeField("交办时间")
    assigned_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="交办人")
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="签收人")
    ended_at = models.DateTimeField("撤出时间", null=True, blank=True)
    end_reason = models.TextField("撤出原因", blank=True)
    reply_due = models.DateField("答复期限", null=True, blank=True)
    # Which reply round this unit owes (2 while re-handling) and the last round it sent.
    reply_round = models.PositiveSmallIntegerField("应答复轮次", default=1)
    replied_round = models.PositiveSmallIntegerField("已答复轮次", default=0)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_early = models.BooleanField("提前办结", default=False)
    # Rule 3: a separate unit's reply is published on its own, so the decision is per replying
    # unit; Item.publication sums these up for lists (see actions.publication.summary).
    publication = models.CharField("公开状态", max_length=10, choices=Publication.choices, default=Publication.UNDECIDED)

    class Meta:
        verbose_name = verbose_name_plural = "交办"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "unit"], condition=~Q(state="ended"), name="one_active_assignment_per_unit"),
            models.UniqueConstraint(fields=["item"], condition=Q(role="lead") & ~Q(state="ended"), name="one_active_lead_per_item"),
        ]
        indexes = [
            models.Index(fields=["unit", "state"]),
            # The office's "decide on publication" card: replied units still undecided, few among many.
            models.Index(fields=["id"], condition=Q(publication="undecided", replied_round__gte=1) & ~Q(state="ended"),
                         name="assign_publication_undecided"),
            # The office's "adjustments to decide" card: a handful among every assignment ever made (issue 16).
            models.Index(fields=["id"], condition=Q(state="adjusting"), name="assign_adjusting"),
        ]

    def __str__(self):
        return f"{self.unit} ({self.get_role_display()})"

    @property
    def active(self) -> bool:
        return self.state != self.State.ENDED

    @property
    def answers(self) -> bool:
        """Lead and separate units write replies; co-handling units write opinions."""
        return self.role in (AssignmentRole.LEAD, AssignmentRole.SEPARATE)


class AdjustmentRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("待决定")
        APPROVED = "approved", _("同意调整")
        REFUSED = "refused", _("不同意调整")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="adjustments", verbose_name="交办")
    reason = models.TextField("理由")
    suggested_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="建议改由")
    suggested_unit_text = models.CharField("建议改由（其他）", max_length=60, blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decision_note = models.TextField("决定说明", blank=True)
    new_assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "调整申请"
        ordering = ["id"]


class ExtensionRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("未批准")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions", verbose_name="交办")
    requested_due = models.DateField("申请延至")
    reason = models.TextField("理由")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    previous_due = models.DateField("原期限", null=True, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "延期申请"
        ordering = ["id"]
        # The office's "extensions to approve" card, in id order: the pending few, not the history (issue 16).
        indexes = [models.Index(fields=["id"], condition=Q(state="pending"), name="extension_pending")]


class Consultation(models.Model):
    class Kind(models.TextChoices):
        BEFORE = "before", _("办前面商")
        DURING = "during", _("办中沟通")
        AFTER = "after", _("办后回访")

    class Form(models.TextChoices):
        VISIT = "visit", _("登门拜访")
        MEETING = "meeting", _("座谈会")
        SITE = "site", _("现场调研")
        PHONE = "phone", _("电话沟通")
        ONLINE = "online", _("网络沟通")

    FACE_TO_FACE = {Form.VISIT, Form.MEETING, Form.SITE}

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="consultations", verbose_name="提案/建议")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="consultations", verbose_name="单位")
    kind = models.CharField("环节", max_length=8, choices=Kind.choices)
    form = models.CharField("方式", max_length=8, choices=Form.choices)
    held_on = models.DateField("日期")
    participants = models.TextField("参加人员")
    proposer_views = models.TextField("委员/代表意见", blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "面商沟通记录"
        ordering = ["held_on", "id"]


class CoOpinion(models.Model):
    """会办意见 from a co-handling unit to the lead unit, or the office's waiver of it."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="co_opinion", verbose_name="会办交办")
    text = models.TextField("会办意见", blank=True)
    waived = models.BooleanField("已豁免", default=False)
    waiver_reason = models.TextField("豁免理由", blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "会办意见"
        constraints = [models.CheckConstraint(condition=Q(waived=True) | ~Q(text=""), name="co_opinion_has_text_or_waiver")]


class Reply(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PENDING_UNIT = "pending_unit", _("待单位领导审核")
        PENDING_LEADER = "pending_leader", _("待区领导阅批")
        APPROVED = "approved", _("已审核待发出")
        SENT = "sent", _("已答复")

    class Recommendation(models.TextChoices):
        PUBLISH = "publish", _("建议公开")
        WITHHOLD = "withhold", _("建议不公开")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="replies", verbose_name="提案/建议")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="replies", verbose_name="交办")
    round = models.PositiveSmallIntegerField("轮次", default=1)
    is_conversion = models.BooleanField("类型转换", default=False)
    reply_type = models.ForeignKey(ReplyType, on_delete=models.PROTECT, related_name="replies", verbose_name="答复类型")
    body = models.TextField("答复正文")
    promise = models.TextField("承诺事项与时限", blank=True)
    planned_date = models.DateField("计划完成日期", null=True, blank=True)
    reference_reason = models.TextField("留作参考理由", blank=True)
    signatory = models.CharField("签发人", max_length=30)
    contact_person = models.CharField("联系人", max_length=30)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    recommendation = models.CharField("公开建议", max_length=10, choices=Recommendation.choices, default=Recommendation.PUBLISH)
    withhold_reason = models.TextField("不公开理由", blank=True)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.DRAFT)
    drafted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField("发出时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "答复函"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(state="sent") | Q(sent_at__isnull=False), name="sent_reply_has_date"),
            models.CheckConstraint(condition=~Q(recommendation="withhold") | ~Q(withhold_reason=""), name="withhold_recommendation_has_reason"),
        ]
        # Replies awaiting a leader: few among many, found by state first (the to-do cards).
        indexes = [models.Index(fields=["item", "state"]), models.Index(fields=["state", "assignment"], name="reply_state_assignment"),
                   # The unit head's and the district leader's cards list the replies awaiting them in id
                   # order: without this the database walks every reply ever written by id (issue 16).
                   models.Index(fields=["state", "id"], condition=Q(state__in=["pending_unit", "pending_leader"]), name="reply_awaiting_approval")]


class ReplyApproval(models.Model):
    class Level(models.TextChoices):
        UNIT = "unit", _("单位主要领导")
        DISTRICT = "district", _("分管区领导")

    class Decision(models.TextChoices):
        APPROVED = "approved", _("同意")
        RETURNED = "returned", _("退回修改")

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="approvals")
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    decision = models.CharField("意见", max_length=10, choices=Decision.choices)
    comment = models.TextField("批示意见", blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "答复审核"
        ordering = ["id"]


class Feedback(models.Model):
    """委员反馈 on one sent reply. A lapsed window is recorded as such, never as a grade."""

    reply = models.OneToOneField(Reply, on_delete=models.PROTECT, related_name="feedback")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="feedbacks")
    lapsed = models.BooleanField("逾期未反馈", default=False)
    grade = models.ForeignKey(FeedbackGrade, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="满意度")
    agrees = models.BooleanField("同意答复", null=True, blank=True)
    comment = models.TextField("意见", blank=True)
    praise = models.BooleanField("表扬", default=False)
    # None: recorded by the daily scan when the window lapsed (the audit row says so too).
    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "委员反馈"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(lapsed=True) & Q(grade__isnull=True) & Q(agrees__isnull=True))
                | (Q(lapsed=False) & Q(grade__isnull=False) & Q(agrees__isnull=False)),
                name="feedback_graded_or_lapsed",
            )
        ]


class CoUnitGrade(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="co_grades")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    grade = models.ForeignKey(FeedbackGrade, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feedback", "unit"], name="one_co_grade_per_unit")]


class LeadCoGrade(models.Model):
    """The lead unit's grade of a co-handling unit's work on an item (主办单位对会办单位的评价),
    given by the lead's liaison once the lead's reply is sent. The latest is in force; the year-end
    assessment reads it beside the proposer's grade of the same unit (CoUnitGrade)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="lead_grades", verbose_name="会办单位交办")
    grade = models.ForeignKey(FeedbackGrade, on_delete=models.PROTECT, related_name="+", verbose_name="评价")
    comment = models.TextField("意见", blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "主办单位评价会办单位"
        ordering = ["id"]


class ProgressUpdate(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="progress_updates")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="progress_updates")
    text = models.TextField("进展情况")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "办理进展"
        ordering = ["id"]


class ClosureReport(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("待单位领导审核")
        APPROVED = "approved", _("已审核")
        RETURNED = "returned", _("已退回")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="closure_reports")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="closure_reports")
    text = models.TextField("办结情况")
    done_on = models.DateField("完成日期")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    filed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办结报告"
        ordering = ["id"]
        indexes = [models.Index(fields=["state", "assignment"], name="closure_state_assignment"),
                   # The unit head's card, in id order: the pending reports, not every report ever filed (issue 16).
                   models.Index(fields=["id"], condition=Q(state="pending"), name="closure_pending")]
