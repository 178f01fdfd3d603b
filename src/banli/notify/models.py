from django.conf import settings
from django.db import models
from django.db.models import Q


class Channel(models.TextChoices):
    INAPP = "inapp", "站内通知"
    SMS = "sms", "短信"
    EMAIL = "email", "电子邮件"


class Notification(models.Model):
    """In-app notification: the inbox. Written directly (in-app is always on); SMS and e-mail go
    through OutboxMessage rows queued beside it."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    item = models.ForeignKey("proposals.Item", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=300)
    # What varies in the text, and the sentence it fills (banli.notify.messages): the page renders
    # the sentence in the reader's language. Null for a text no sentence matches (shown as written).
    params = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.rendered

    @property
    def rendered(self) -> str:
        from .messages import render

        return render(self.kind, self.text, self.params)


class OutboxMessage(models.Model):
    """One SMS or e-mail to one person. Queued in the transaction that tells them, delivered later by
    deliver_due(); nothing is lost while a gateway is down, and the office sees what failed."""

    class State(models.TextChoices):
        QUEUED = "queued", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outbox_messages", verbose_name="收件人")
    # Resolved when queued: a later change of number applies to later messages, not to this one.
    address = models.CharField("号码/地址", max_length=254, blank=True)
    kind = models.CharField("类型", max_length=40)
    text = models.TextField("内容")
    item = models.ForeignKey("proposals.Item", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="提案/建议")
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    via = models.CharField("发送方式", max_length=40, blank=True, help_text="网关或后端；outbox 表示开发用后端，未真正发出")
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "发件箱"
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]
        constraints = [
            models.CheckConstraint(condition=~Q(channel=Channel.INAPP), name="outbox_not_inapp"),
            models.CheckConstraint(condition=~Q(state="queued") | Q(next_attempt_at__isnull=False), name="outbox_queued_has_next_attempt"),
            models.CheckConstraint(condition=~Q(state="sent") | Q(sent_at__isnull=False), name="outbox_sent_has_time"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.address or self.recipient_id}: {self.text[:30]}"


class NotificationPreference(models.Model):
    """What one person chose, and where to reach them. No row means: in-app only, numbers from the
    person's record (Person.phone) and the account's e-mail."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference", verbose_name="用户")
    by_sms = models.BooleanField("接收短信", default=False)
    by_email = models.BooleanField("接收电子邮件", default=False)
    phone = models.CharField("手机号码", max_length=30, blank=True, help_text="留空则用委员/代表档案中的电话")
    email = models.EmailField("电子邮箱", blank=True, help_text="留空则用账号的电子邮箱")

    class Meta:
        verbose_name = verbose_name_plural = "通知偏好"

    def __str__(self):
        return str(self.user)


class ChannelMinimum(models.Model):
    """The office's floor for one kind of message, whatever the person chose (e.g. 催办 by SMS)."""

    kind = models.CharField("通知类型", max_length=40, unique=True,
                            help_text="动作或提醒的代码，例如 urge（催办）、assigned（交办）、replied（答复）")
    sms = models.BooleanField("必须发短信", default=False)
    email = models.BooleanField("必须发电子邮件", default=False)
    note = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知渠道下限"
        ordering = ["kind"]

    def __str__(self):
        return self.kind

    def channels(self) -> set[str]:
        return {c for c, on in ((Channel.SMS, self.sms), (Channel.EMAIL, self.email)) if on}


class Digest(models.Model):
    """The day's summary sent to one person by SMS and e-mail (banli.notify.digest): one row per
    person per day, so a second pass on the same day sends nothing. It covers the person's
    notifications up to `through_id`; the next digest starts after it."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests", verbose_name="收件人")
    day = models.DateField("日期")
    through_id = models.BigIntegerField("汇总至通知编号")
    count = models.PositiveIntegerField("通知条数")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "每日通知汇总"
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="one_digest_per_person_per_day")]

    def __str__(self):
        return f"{self.recipient_id} {self.day}"
