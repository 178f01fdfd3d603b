"""Publication, supervision (key items, instructions, urging, mediation) and communication
(messages, Q&A, attachments)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from banli.org.models import Person, Unit

from .handling import Assignment, Consultation
from .item import Item

User = settings.AUTH_USER_MODEL


class PublicationRecord(models.Model):
    class Kind(models.TextChoices):
        CONSENT = "consent", _("委员/代表意愿")
        PUBLISH = "publish", _("决定公开")
        WITHHOLD = "withhold", _("决定不公开")
        REVOKE = "revoke", _("撤销公开")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="publication_records")
    # The replying unit whose reply the decision concerns; empty for the proposer's consent.
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="publication_records",
                                   verbose_name="交办")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    consent = models.BooleanField(null=True)
    reason = models.TextField("理由", blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "公开记录"
        ordering = ["id"]


class KeyItemMark(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="key_marks")
    marked = models.BooleanField(default=True)
    leader = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class LeaderInstruction(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="instructions")
    leader = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("批示内容")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "领导批示"
        ordering = ["id"]


class UrgeNotice(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="urges")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="urges")
    text = models.TextField("催办内容")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "催办通知"
        ordering = ["id"]


class Mediation(models.Model):
    """Mediation meeting called by the office with the assembly office during re-handling."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="mediations")
    held_on = models.DateField("日期")
    participants = models.TextField("参加人员")
    outcome = models.TextField("协调结果")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class Side(models.TextChoices):
    PROPOSER = "proposer", _("委员/代表")
    UNIT = "unit", _("承办单位")
    OFFICE = "office", _("区府办")
    ASSEMBLY_OFFICE = "assembly_office", _("提案委/代表工委")


class Message(models.Model):
    """沟通互动 on an item. A proposer's message to a unit must be answered by that unit."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=16, choices=Side.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="author's unit")
    to_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="answers")
    body = models.TextField("内容")
    at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["to_unit", "answered_at"])]


class MessageReadMark(models.Model):
    """How far a person has read an item's messages: one watermark per person and item, so that
    unread markers cost one row, not one row per message."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="read_marks")
    last_read_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "item"], name="one_read_mark_per_user_item")]


class Question(models.Model):
    """有问必答: a proposer's question to the office or a unit, outside any item."""

    asker = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="questions")
    asked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="questions", help_text="空=区府办")
    subject = models.CharField("主题", max_length=120)
    body = models.TextField("问题")
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    # When the asker opened the answer: an answered question stays "unread" for them until then.
    answer_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "有问必答"
        ordering = ["-id"]


def attachment_path(instance, filename):
    return f"attachments/{instance.item_id}/{filename}"


class Attachment(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="attachments")
    consultation = models.ForeignKey(Consultation, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
