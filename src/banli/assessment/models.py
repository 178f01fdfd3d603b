"""A year's scheme (考核办法) and its indicators; what people enter by hand (the office's manual
indicators and adjustments, the assembly offices' evaluations, each unit's self-assessment); and
the frozen result of a finalised year. Figures themselves are never stored before finalising:
they are computed from the records (figures.py) whenever asked."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

User = settings.AUTH_USER_MODEL
POINTS = {"max_digits": 7, "decimal_places": 2}


class OverdueRule(models.TextChoices):
    EXCLUDE = "exclude", _("有超期的单位不得评为先进")
    DROP_TIER = "drop_tier", _("有超期的单位降一档")


class Scheme(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("考核中")
        FINAL = "final", _("已定稿")
        PUBLISHED = "published", _("已通报")

    year = models.PositiveSmallIntegerField("年度", unique=True)
    name = models.CharField("名称", max_length=100)
    style = models.CharField("考核方式", max_length=20, blank=True, help_text="由哪个预设生成：weighted / per_item / deduction")
    # Total = base + the indicators' points (deductions are negative), never below zero, never above cap.
    base = models.DecimalField("基础分", default=Decimal(0), **POINTS)
    cap = models.DecimalField("满分上限", null=True, blank=True, **POINTS)
    advanced_count = models.PositiveSmallIntegerField("先进单位数", default=12)
    tier_bonuses = models.JSONField("各档加分", default=list, help_text="一档、二档、三档……的加分，如 [0.3, 0.2, 0.1]")
    overdue_rule = models.CharField("超期单位", max_length=10, choices=OverdueRule.choices, default=OverdueRule.EXCLUDE)
    # Units below this total are criticised in the results notice (通报批评), as are units with
    # overdue events that the notice names with their count.
    pass_mark = models.DecimalField("合格分", default=Decimal(60), **POINTS)
    self_assessment_due = models.DateField("自评提交截止日期", null=True, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT)
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="复制自")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finalised_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    finalised_at = models.DateTimeField("定稿时间", null=True, blank=True)
    # The day the frozen figures were computed as of (the records after it do not count).
    finalised_as_of = models.DateField("计分截至日期", null=True, blank=True)
    published_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField("通报时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核办法"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年度{self.name}"

    @property
    def frozen(self) -> bool:
        return self.state != self.State.DRAFT


class Indicator(models.Model):
    """One line of the scheme: which figure (metric), how it turns into points (rule), its points,
    and whose assignments it counts (lead, co-handling, separate)."""

    class Rule(models.TextChoices):
        RATE = "rate", _("按比例得分")  # points × a rate or a normalised mean (0–1)
        PER_EVENT = "per_event", _("按次计分")  # each event ± points, within the indicator's points
        HOURS = "hours", _("按时长得分")  # full at ≤ good hours, none at ≥ bad, linear between
        ENTERED = "entered", _("人工评分")  # points entered by people, within the indicator's points
        PER_ITEM = "per_item", _("单件考核平均")  # the mean of the items' scores (0–100), scaled

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField("序号", default=0)
    code = models.SlugField("代码", max_length=40)
    name = models.CharField("指标", max_length=60)
    metric = models.CharField("数据来源", max_length=30)
    rule = models.CharField("计分规则", max_length=10, choices=Rule.choices)
    points = models.DecimalField("分值", null=True, blank=True, **POINTS, help_text="满分；按次计分时为最多加（扣）分，空表示不设上限")
    per_event = models.DecimalField("每次分值", null=True, blank=True, **POINTS, help_text="按次计分：每次加（正）或扣（负）的分")
    roles = models.JSONField("适用", default=list, help_text="lead 主办、co 会办、separate 分办；空表示不区分")
    params = models.JSONField("参数", default=dict, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核指标"
        ordering = ["scheme", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="indicator_code_unique_in_scheme")]

    def __str__(self):
        return self.name


class Entry(models.Model):
    """Points entered by people for one unit: the office's manual indicators (领导重视、制度建设、
    检查指导), the assembly offices' evaluations and the office's adjustments. The latest entry for
    (indicator, unit, by whom) is in force; the ones before stay, with the audit trail."""

    class Kind(models.TextChoices):
        MANUAL = "manual", _("办公室评分")
        EVALUATION = "evaluation", _("提案委/代表工委评价")
        ADJUSTMENT = "adjustment", _("加减分")

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="entries")
    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="entries")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    assembly = models.CharField("会别", max_length=8, blank=True)  # an evaluation's assembly office
    points = models.DecimalField("分值", **POINTS)
    reason = models.TextField("理由")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    withdrawn = models.BooleanField("已撤销", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "考核评分记录"
        ordering = ["id"]
        indexes = [models.Index(fields=["scheme", "unit"])]
        constraints = [models.CheckConstraint(condition=~Q(kind="adjustment") | Q(indicator__isnull=True), name="adjustment_has_no_indicator")]


class SelfAssessment(models.Model):
    """总结自评: a unit's own account of its year, submitted by its liaison before the scheme's date."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="self_assessments")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("自评内容")
    score = models.DecimalField("自评分", null=True, blank=True, **POINTS)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = verbose_name_plural = "总结自评"
        constraints = [models.UniqueConstraint(fields=["scheme", "unit"], name="one_self_assessment_per_unit")]


class SelfAssessmentFile(models.Model):
    self_assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="assessment/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)


class Result(models.Model):
    """A unit's frozen result once the office finalises the year: the total, the rank, the tier,
    and the explanation as it was shown (lines with figures, rules and points)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField("总分", **POINTS)
    rank = models.PositiveSmallIntegerField("名次")
    tier = models.PositiveSmallIntegerField("先进档次", default=0)  # 0: not advanced
    bonus = models.DecimalField("绩效加分", default=Decimal(0), **POINTS)
    overdue = models.PositiveIntegerField("超期次数", default=0)
    standing = models.CharField("评定说明", max_length=100, blank=True)  # e.g. 先进单位一档；有超期 1 次，不得评为先进
    lines = models.JSONField("计分明细", default=list)

    class Meta:
        verbose_name = verbose_name_plural = "考核结果"
        ordering = ["scheme", "rank"]
        constraints = [models.UniqueConstraint(fields=["scheme", "unit"], name="one_result_per_unit")]
