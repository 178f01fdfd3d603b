"""The office's publication queue (公开审核): the rows banli.proposals.publication_queue reads, the
same the page shows, and the batch of decisions with what became of each row. The inputs check
only the shape; whether a row may be published (consent, a reason to withhold) is the action's."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from banli.inputs import id_field
from banli.proposals.publication_queue import MAX_BATCH

CONSENT_LABELS = {True: _("同意公开"), False: _("不同意公开"), None: _("未表态")}


class QueueReplySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField(help_text="答复轮次（2 为重新办理后的答复）")
    reply_type = serializers.CharField(source="reply_type.code")
    reply_type_name = serializers.CharField(source="reply_type.name")
    sent_at = serializers.DateTimeField()


class QueueRowSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(source="assignment.pk", help_text="交办记录编号：决定时以此指明答复单位")
    item = serializers.IntegerField(source="item.pk")
    item_number = serializers.CharField(source="item.display_number")
    item_title = serializers.CharField(source="item.title")
    assembly = serializers.CharField(source="item.assembly")
    proposer_name = serializers.CharField(source="item.proposer.name")
    unit = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.name")
    role = serializers.CharField(source="assignment.role", help_text="lead 主办，separate 分办")
    reply = QueueReplySerializer(allow_null=True, help_text="该单位现行的答复（最近发出的一份）")
    group = serializers.SerializerMethodField(help_text="yes：委员/代表同意公开；no：不同意或未表态（加强审核）")
    consent = serializers.BooleanField(allow_null=True, help_text="委员/代表是否同意公开；未表态为空")
    consent_label = serializers.SerializerMethodField()
    recommendation = serializers.CharField(allow_null=True, help_text="承办单位建议：publish 公开，withhold 不公开")
    recommendation_label = serializers.SerializerMethodField()
    withhold_reason = serializers.CharField(allow_blank=True)
    due_on = serializers.DateField(allow_null=True, help_text="决定期限（公开决定的期限记录）")
    limit_days = serializers.IntegerField(allow_null=True, help_text="时限：答复发出至期限的工作日数")
    days_left = serializers.IntegerField(allow_null=True, help_text="距期限的工作日数（当天到期为 0）；超期时为空")
    days_late = serializers.IntegerField(allow_null=True, help_text="超期的工作日数；未超期时为空")
    late = serializers.BooleanField()

    def get_group(self, row) -> str:
        return "yes" if row.consented else "no"

    def get_consent_label(self, row) -> str:
        return str(CONSENT_LABELS[row.consent])

    def get_recommendation_label(self, row) -> str:
        return str(row.reply.get_recommendation_display()) if row.reply else ""


class RecentDecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.IntegerField(source="item_id")
    item_number = serializers.CharField(source="item.display_number")
    item_title = serializers.CharField(source="item.title")
    assignment = serializers.IntegerField(source="assignment_id", allow_null=True)
    unit_name = serializers.CharField(source="assignment.unit.name", default="")
    kind = serializers.CharField(help_text="publish 决定公开，withhold 决定不公开，revoke 撤销公开")
    kind_label = serializers.CharField(source="get_kind_display")
    reason = serializers.CharField(allow_blank=True)
    by_name = serializers.SerializerMethodField()
    at = serializers.DateTimeField()

    def get_by_name(self, rec) -> str:
        return (rec.by.get_full_name() or rec.by.username) if rec.by else ""


class PublicationQueueSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="符合条件的待决定答复数")
    consented_total = serializers.IntegerField()
    not_consented_total = serializers.IntegerField()
    truncated = serializers.BooleanField(help_text="为真时 rows 只列出期限最早的一部分，请用条件筛选")
    rows = QueueRowSerializer(many=True, help_text="期限最早的在前（超期的领先）")
    recent = RecentDecisionSerializer(many=True, help_text="区府办最近的公开决定，新的在前")


# --- the batch --------------------------------------------------------------------------------


class DecisionInput(serializers.Serializer):
    assignment = id_field(help_text="交办记录编号（队列中的 assignment）")
    publish = serializers.BooleanField(help_text="true 公开，false 不公开")
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="", help_text="理由；不公开时必填")


class DecisionBatchInput(serializers.Serializer):
    decisions = DecisionInput(many=True, allow_empty=False, max_length=MAX_BATCH)


class OutcomeSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(source="assignment_id")
    item = serializers.IntegerField(source="item.pk", default=None, allow_null=True)
    item_title = serializers.CharField(source="item.title", default="")
    unit_name = serializers.CharField(source="assignment.unit.name", default="")
    publish = serializers.BooleanField()
    ok = serializers.BooleanField()
    changed = serializers.BooleanField(help_text="false：成功但此前已是该决定，未作改动；或失败")
    record = serializers.IntegerField(source="record.pk", default=None, allow_null=True, help_text="写入的公开记录")
    error = serializers.SerializerMethodField(help_text="失败的原因，与其他接口的错误同形：code、message、message_zh、message_en")

    def get_error(self, o) -> dict | None:
        return o.error.as_dict() if o.error else None


class DecisionBatchResultSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    failed = serializers.IntegerField()
    results = OutcomeSerializer(many=True)
