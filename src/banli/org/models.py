"""Reference data: assemblies, terms and sessions, categories, units, people, roles, and the
editable tables (reply types, feedback grades) that each jurisdiction sets for itself."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from banli.workdays.calendar import add_period


class Assembly(models.TextChoices):
    CPPCC = "cppcc", _("政协")
    NPC = "npc", _("人大")


# Wording on every screen and document follows the assembly of the item.
WORDING = {
    Assembly.CPPCC: {"item": "提案", "person": "委员", "office": "区政协提案委", "assembly": "区政协"},
    Assembly.NPC: {"item": "建议", "person": "代表", "office": "区人大代表工委", "assembly": "区人大"},
}
WORDING_EN = {
    Assembly.CPPCC: {"item": "proposal", "person": "member", "office": "CPPCC proposals committee", "assembly": "district CPPCC"},
    Assembly.NPC: {"item": "suggestion", "person": "deputy", "office": "congress deputies office", "assembly": "district congress"},
}


class Term(models.Model):
    """届: e.g. 第六届 of the district CPPCC."""

    assembly = models.CharField("会别", max_length=8, choices=Assembly.choices)
    ordinal = models.PositiveSmallIntegerField("届次")
    name = models.CharField("名称", max_length=40)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "届"
        constraints = [models.UniqueConstraint(fields=["assembly", "ordinal"], name="term_unique_ordinal")]
        ordering = ["assembly", "ordinal"]

    def __str__(self):
        return f"{self.get_assembly_display()}{self.name}"


class Session(models.Model):
    """次会议 within a term, with its year. ordinal 0 is the interim (闭会期间) of the term."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="sessions", verbose_name="届")
    assembly = models.CharField("会别", max_length=8, choices=Assembly.choices, editable=False)
    ordinal = models.PositiveSmallIntegerField("会次")
    name = models.CharField("名称", max_length=40)
    year = models.PositiveSmallIntegerField("年度")
    opens_on = models.DateField("开幕日期")
    is_current = models.BooleanField("当前会次", default=False)
    # Registered items are numbered per session (第0012号); the counter is locked while numbering.
    last_number = models.PositiveIntegerField("已用编号", default=0, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "会次"
        constraints = [
            models.UniqueConstraint(fields=["term", "ordinal"], name="session_unique_ordinal"),
            models.UniqueConstraint(fields=["assembly"], condition=Q(is_current=True), name="one_current_session_per_assembly"),
        ]
        ordering = ["-year", "assembly", "ordinal"]

    def save(self, *args, **kwargs):
        self.assembly = self.term.assembly
        super().save(*args, **kwargs)

    def __str__(self):
        return f"{self.term}{self.name}"


class Category(models.Model):
    """类别: a two-level tree per assembly."""

    assembly = models.CharField("会别", max_length=8, choices=Assembly.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="上级类别")
    name = models.CharField("名称", max_length=40)
    position = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "类别"
        ordering = ["assembly", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "parent", "name"], name="category_unique_name"),
            # NULL parents never collide in a plain unique constraint: top-level names need their own.
            models.UniqueConstraint(fields=["assembly", "name"], condition=Q(parent__isnull=True), name="top_category_unique_name"),
        ]

    def __str__(self):
        return f"{self.parent.name}/{self.name}" if self.parent_id else self.name

    @property
    def top(self):
        return self.parent if self.parent_id else self


class UnitKind(models.TextChoices):
    BUREAU = "bureau", "委办局"
    TOWN = "town", "街镇"
    OTHER = "other", "其他"


class Unit(models.Model):
    """承办单位."""

    name = models.CharField("名称", max_length=60, unique=True)
    short_name = models.CharField("简称", max_length=20, blank=True)
    kind = models.CharField("类型", max_length=8, choices=UnitKind.choices, default=UnitKind.BUREAU)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_units", verbose_name="主要领导")
    supervising_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="portfolio_units", verbose_name="分管区领导"
    )
    phone = models.CharField("联系电话", max_length=30, blank=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "承办单位"
        ordering = ["kind", "id"]

    def __str__(self):
        return self.name


class UnitLiaison(models.Model):
    """A liaison's term of service at a unit: changes of liaison count in the assessment."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="liaisons", verbose_name="单位")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="liaison_posts", verbose_name="联络员")
    started_on = models.DateField("起始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办理联络员"
        ordering = ["unit", "-started_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")), name="liaison_dates_ordered"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.user}"


class StaffRole(models.Model):
    """Roles that are not tied to a unit or to being a proposer."""

    class Kind(models.TextChoices):
        ASSEMBLY_OFFICE = "assembly_office", "提案委/代表工委"
        GOV_OFFICE = "gov_office", "区府办"
        DISTRICT_LEADER = "district_leader", "区领导"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles", verbose_name="用户")
    kind = models.CharField("角色", max_length=20, choices=Kind.choices)
    assembly = models.CharField("会别", max_length=8, choices=Assembly.choices, blank=True, help_text="仅提案委/代表工委需要")
    title = models.CharField("职务", max_length=40, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "岗位角色"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "assembly"], name="staffrole_unique"),
            models.CheckConstraint(condition=~Q(kind="assembly_office") | ~Q(assembly=""), name="assembly_office_has_assembly"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()}"


class Person(models.Model):
    """A proposer: a member (委员) or deputy (代表), or a collective (党派团体、界别、专委会) acting
    through an authorised account."""

    assembly = models.CharField("会别", max_length=8, choices=Assembly.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="people", verbose_name="账号")
    is_collective = models.BooleanField("集体", default=False)
    name = models.CharField("姓名/名称", max_length=60)
    sector = models.CharField("界别/代表团", max_length=40, blank=True)
    party = models.CharField("党派", max_length=30, blank=True)
    employer = models.CharField("工作单位", max_length=80, blank=True)
    # Contact data: shown only to the office and to units handling the person's items.
    phone = models.CharField("电话", max_length=30, blank=True)
    address = models.CharField("地址", max_length=120, blank=True)
    active = models.BooleanField("在任", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "委员/代表"
        ordering = ["assembly", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "assembly"], condition=Q(user__isnull=False), name="one_person_per_user_and_assembly"),
        ]
        indexes = [models.Index(fields=["assembly", "name"])]

    def __str__(self):
        return self.name


class NamedInTwoLanguages:
    """Reference data the office enters with an English name beside the Chinese one (a reply
    type, a grade): it is interface wording, so an English page shows the English name."""

    @property
    def shown_name(self) -> str:
        english = (translation.get_language() or "").startswith("en")
        return (self.name_en or self.name) if english else self.name


class ReplyType(NamedInTwoLanguages, models.Model):
    """答复类型. The rules a type carries are data, as each jurisdiction has its own scheme."""

    class Closure(models.TextChoices):
        REPORT = "report", "办结报告（领导审核）"
        PLAN = "plan", "计划完成后办结报告"
        FEEDBACK = "feedback", "答复送达且反馈到位或逾期"

    code = models.CharField("代码", max_length=4, unique=True)
    name = models.CharField("名称", max_length=30)
    name_en = models.CharField("英文名称", max_length=40, blank=True)
    needs_planned_date = models.BooleanField("须填计划完成日期", default=False)
    needs_reason = models.BooleanField("须说明理由", default=False)
    needs_leader_approval = models.BooleanField("须分管区领导阅批", default=False)
    closure = models.CharField("办结方式", max_length=10, choices=Closure.choices, default=Closure.REPORT)
    progress_every_months = models.PositiveSmallIntegerField("进展报送间隔（月）", null=True, blank=True)
    position = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "答复类型"
        ordering = ["position", "code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class FeedbackGrade(NamedInTwoLanguages, models.Model):
    """委员反馈评价等次."""

    code = models.CharField("代码", max_length=10, unique=True)
    name = models.CharField("名称", max_length=10)
    name_en = models.CharField("英文名称", max_length=20, blank=True)
    score = models.DecimalField("分值", max_digits=5, decimal_places=2, default=0)
    sends_to_rehandling = models.BooleanField("转重新办理", default=False)
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "反馈等次"
        ordering = ["position"]

    def __str__(self):
        return self.name


class PeriodUnit(models.TextChoices):
    WORKING_DAYS = "working_days", "工作日"
    DAYS = "days", "自然日"
    MONTHS = "months", "月"


# Each time limit: (amount field, unit field, default unit). The amount fields keep the names of
# their default unit; the unit beside each decides how it is counted.
LIMITS = {
    "cosign": ("cosign_working_days", PeriodUnit.WORKING_DAYS),
    "register": ("register_working_days", PeriodUnit.WORKING_DAYS),
    "sign": ("sign_working_days", PeriodUnit.WORKING_DAYS),
    "adjust_decision": ("adjust_decision_working_days", PeriodUnit.WORKING_DAYS),
    "consult": ("consult_working_days", PeriodUnit.WORKING_DAYS),
    "co_opinion": ("co_opinion_months", PeriodUnit.MONTHS),
    "reply": ("reply_months", PeriodUnit.MONTHS),
    "reply_max": ("reply_max_months", PeriodUnit.MONTHS),
    "feedback": ("feedback_working_days", PeriodUnit.WORKING_DAYS),
    "rehandle": ("rehandle_months", PeriodUnit.MONTHS),
    "publication": ("publication_working_days", PeriodUnit.WORKING_DAYS),
    "message": ("message_working_days", PeriodUnit.WORKING_DAYS),
}


def _unit_field(default):
    return models.CharField("计算方式", max_length=12, choices=PeriodUnit.choices, default=default)


class SessionPolicy(models.Model):
    """The per-session settings that DOMAIN.md marks *default*. Created with the defaults the first
    time a session needs it; an administrator edits it in the admin. Each limit has an amount and
    how it is counted (working days, calendar days or calendar months)."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="policy", verbose_name="会次")
    cosign_working_days = models.PositiveSmallIntegerField("联名确认时限", default=3)
    cosign_unit = _unit_field(PeriodUnit.WORKING_DAYS)
    register_working_days = models.PositiveSmallIntegerField("立案审查时限", default=10)
    register_unit = _unit_field(PeriodUnit.WORKING_DAYS)
    sign_working_days = models.PositiveSmallIntegerField("签收或申请调整时限", default=5)
    sign_unit = _unit_field(PeriodUnit.WORKING_DAYS)
    adjust_decision_working_days = models.PositiveSmallIntegerField("调整决定时限", default=5)
    adjust_decision_unit = _unit_field(PeriodUnit.WORKING_DAYS)
    consult_working_days = models.PositiveSmallIntegerField("签收后首次面商时限", default=15)
    consult_unit = _unit_field(PeriodUnit.WORKING_DAYS)
    co_opinion_months = models.PositiveSmallIntegerField("会办意见时限", default=1)
    co_opinion_unit = _unit_field(PeriodUnit.MONTHS)
    reply_months = models.PositiveSmallIntegerField("答复时限", default=3)
    reply_unit = _unit_field(PeriodUnit.MONTHS)
    reply_max_months = models.PositiveSmallIntegerField("延期后最长时限", default=6)
    reply_max_unit = _unit_field(PeriodUnit.MONTHS)
    feedback_working_days = models.PositiveSmallIntegerField("委员反馈时限", default=15)
    feedback_unit = _unit_field(PeriodUnit.WORKING_DAYS)
    rehandle_months = models.PositiveSmallIntegerField("重新办理答复时限", default=1)
    rehandle_unit = _unit_field(PeriodUnit.MONTHS)
    publication_working_days = models.PositiveSmallIntegerField("公开决定时限", default=20)
    publication_unit = _unit_field(PeriodUnit.WORKING_DAYS)
    message_working_days = models.PositiveSmallIntegerField("回复留言时限", default=3)
    message_unit = _unit_field(PeriodUnit.WORKING_DAYS)
    # The daily scan's schedule (DOMAIN §5, rule 9), read per deadline from its item's session. The
    # two advance reminders keep the stage codes before5 / before1 (ReminderLog, the notification
    # kinds reminder_before5 / reminder_before1 that 通知渠道下限 may name) whatever days are set.
    remind_first_working_days = models.PositiveSmallIntegerField(
        "到期前第一次提醒（工作日）", default=5, help_text="到期前第几个工作日第一次提醒；0 表示不发")
    remind_second_working_days = models.PositiveSmallIntegerField(
        "到期前第二次提醒（工作日）", default=1, help_text="到期前第几个工作日再次提醒；0 表示不发")
    escalate_after_working_days = models.PositiveSmallIntegerField(
        "超期升级提醒（超期工作日）", default=5, help_text="超期达到该工作日数起，同时提醒承办单位主要领导和区府办")
    no_feedback_after_working_days = models.PositiveSmallIntegerField(
        "逾期未反馈登记（超期工作日）", default=5,
        help_text="委员反馈期限届满后每个工作日再次催问，达到该工作日数后由系统登记“未反馈”（不代为评价）")

    class Meta:
        verbose_name = verbose_name_plural = "会次办理时限设置"

    def __str__(self):
        return f"{self.session} 时限设置"

    def clean(self):
        from django.core.exceptions import ValidationError

        first, second = self.remind_first_working_days, self.remind_second_working_days
        if first and second and first <= second:
            raise ValidationError({"remind_first_working_days": "第一次提醒应早于第二次提醒（工作日数更大）。"})

    def due(self, name: str, start):
        """The due date of the limit `name` (a key of LIMITS) counted from `start` (a date, or a
        datetime taken in local time)."""
        if hasattr(start, "tzinfo") and hasattr(start, "hour"):
            start = timezone.localtime(start).date()
        amount_field, _ = LIMITS[name]
        return add_period(start, getattr(self, amount_field), getattr(self, f"{name}_unit"))

    def describe(self, name: str) -> str:
        amount_field, _ = LIMITS[name]
        return f"{getattr(self, amount_field)}{PeriodUnit(getattr(self, f'{name}_unit')).label}"

    @classmethod
    def for_session(cls, session) -> "SessionPolicy":
        policy, _ = cls.objects.get_or_create(session=session)
        return policy


class PasswordState(models.Model):
    """Whether a person's password is theirs (等保2.0: an initial password is changed at first login,
    and a password is changed at intervals when the site asks for it). An account without a row
    has never had a password set by the office: it counts from the day it joined."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_state", verbose_name="账号")
    must_change = models.BooleanField("须修改初始密码", default=False)
    changed_at = models.DateTimeField("本人最近修改密码时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "密码状态"

    def __str__(self):
        return f"{self.user} 密码状态"
