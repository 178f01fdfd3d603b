"""The item (提案/建议), its states and its co-signers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.db.models import Q

from banli.org.models import Assembly, Category, Person, ReplyType, Session, Unit

User = settings.AUTH_USER_MODEL


class ItemState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审查")
    REGISTERED = "registered", _("已立案")
    ASSIGNED = "assigned", _("已交办")
    HANDLING = "handling", _("办理中")
    REPLIED = "replied", _("已答复")
    EVALUATED = "evaluated", _("已评价")
    REHANDLING = "rehandling", _("重新办理")
    CLOSED = "closed", _("已办结")
    NOT_REGISTERED = "not_registered", _("不立案")
    MERGED = "merged", _("已并案")
    CONVERTED = "converted", _("已转意见建议")
    WITHDRAWN = "withdrawn", _("已撤回")


STATE_EN = {
    "draft": "draft", "submitted": "submitted", "registered": "registered", "assigned": "assigned",
    "handling": "handling", "replied": "replied", "evaluated": "evaluated", "rehandling": "re-handling",
    "closed": "closed", "not_registered": "not registered", "merged": "merged", "converted": "converted",
    "withdrawn": "withdrawn",
}
ENDED_STATES = {ItemState.NOT_REGISTERED, ItemState.MERGED, ItemState.CONVERTED, ItemState.WITHDRAWN}


class Publication(models.TextChoices):
    UNDECIDED = "undecided", _("待定")
    PUBLISHED = "published", _("已公开")
    WITHHELD = "withheld", _("不公开")
    REVOKED = "revoked", _("已撤销公开")


class Item(models.Model):
    assembly = models.CharField("会别", max_length=8, choices=Assembly.choices)
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="items", verbose_name="会次")
    number = models.PositiveIntegerField("编号", null=True, blank=True)
    title = models.CharField("标题", max_length=200)
    reason = models.TextField("案由", blank=True)
    suggestions = models.TextField("建议", blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="items", verbose_name="类别")
    proposer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="items", verbose_name="领衔人")
    suggested_units = models.ManyToManyField(Unit, blank=True, related_name="suggested_for", verbose_name="建议承办单位")
    consent_publish = models.BooleanField("同意公开", null=True, blank=True)
    urgent = models.BooleanField("紧急", default=False)
    state = models.CharField("状态", max_length=16, choices=ItemState.choices, default=ItemState.DRAFT, db_index=True)
    state_reason = models.TextField("状态说明", blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_items", verbose_name="并入")
    converted_to = models.CharField("转为", max_length=20, blank=True)
    withdrawal_reason = models.TextField("撤回申请理由", blank=True)
    withdrawal_requested = models.BooleanField("申请撤回中", default=False)
    is_key = models.BooleanField("重点提案", default=False)
    key_leader = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="key_items", verbose_name="牵头督办领导")
    # The type of the reply in force (latest sent lead/separate reply); kept for list filters.
    reply_type = models.ForeignKey(ReplyType, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="答复类型")
    publication = models.CharField("公开状态", max_length=10, choices=Publication.choices, default=Publication.UNDECIDED)
    # On the public site since (the office's latest decision to publish one of its replies), empty
    # while no reply of it is public: the public list's filter and order, kept by the publication
    # actions (banli.portal.rules says what is public).
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    registered_at = models.DateTimeField("立案时间", null=True, blank=True)
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "提案/建议"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], condition=Q(number__isnull=False), name="item_number_unique_in_session"),
            models.CheckConstraint(condition=~Q(state="merged") | Q(merged_into__isnull=False), name="merged_item_names_target"),
            models.CheckConstraint(condition=~Q(state="closed") | Q(replied_at__isnull=False), name="closed_item_was_replied"),
            models.CheckConstraint(condition=Q(is_key=False) | Q(key_leader__isnull=False), name="key_item_has_leader"),
        ]
        indexes = [
            models.Index(fields=["session", "state"]),
            models.Index(fields=["assembly", "state"]),
            models.Index(fields=["category"]),
            # The office's to-do cards: a handful of rows among 100k each, found without a scan.
            models.Index(fields=["state"], condition=Q(publication="undecided"), name="item_publication_undecided"),
            models.Index(fields=["assembly"], condition=Q(withdrawal_requested=True), name="item_withdrawal_requested"),
            # The office's publication card leaves out ended items' replies: their ids, read whole
            # (index only) and hashed, instead of a probe into every replied item (issue 16).
            models.Index(fields=["id"], condition=Q(state__in=["converted", "merged", "not_registered", "withdrawn"]), name="item_ended"),
            # The public list, newest publication first, among the published only.
            models.Index(fields=["-published_at", "-id"], condition=Q(published_at__isnull=False), name="item_public_newest"),
        ]

    def __str__(self):
        return self.display_number + " " + self.title

    @property
    def display_number(self) -> str:
        return f"第{self.number:04d}号" if self.number else "（未编号）"


class CoSigner(models.Model):
    class State(models.TextChoices):
        INVITED = "invited", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        DECLINED = "declined", _("已谢绝")
        DROPPED = "dropped", _("未确认已移除")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="cosigners", verbose_name="提案/建议")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cosigned", verbose_name="联名人")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.INVITED)
    invited_at = models.DateTimeField("邀请时间", auto_now_add=True)
    responded_at = models.DateTimeField("回应时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "联名人"
        constraints = [models.UniqueConstraint(fields=["item", "person"], name="cosigner_once_per_item")]
        ordering = ["id"]
