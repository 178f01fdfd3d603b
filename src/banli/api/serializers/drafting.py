"""Reply drafting (答复起草): what a unit's reply form opens with, the office's reply templates, and a
template filled in for one item. The same reads the item page shows (banli.drafting.selectors);
saving the draft is the draft_reply action (POST /api/items/<id>/actions/draft_reply/)."""

from rest_framework import serializers

from banli.drafting.selectors import FORM_FIELDS


class ReplyTemplateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reply_type = serializers.CharField(source="reply_type.code", help_text="答复类型代码")
    name = serializers.CharField()
    body = serializers.CharField(help_text="模板正文，含 {title} 等占位符")
    active = serializers.BooleanField()
    position = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class ReplyTemplateInput(serializers.Serializer):
    """The shape only; the action checks the type, the name and every placeholder."""

    reply_type = serializers.CharField(max_length=4)
    name = serializers.CharField(max_length=60)
    body = serializers.CharField(max_length=20000, help_text="可用占位符见 GET /api/reply-templates/placeholders/")
    position = serializers.IntegerField(required=False, default=0, min_value=0, max_value=999)


class ReplyTemplateEditInput(ReplyTemplateInput):
    active = serializers.BooleanField(required=False, help_text="false 停用，true 重新启用")


class PlaceholderSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="如 title，写作 {title}")
    zh = serializers.CharField(help_text="中文写法，如 标题，写作 {标题}")
    description = serializers.CharField()
    description_en = serializers.CharField()


class RenderedTemplateSerializer(serializers.Serializer):
    template = serializers.IntegerField(source="template.pk")
    reply_type = serializers.CharField(help_text="模板的答复类型代码：填入表单的答复类型")
    body = serializers.CharField(help_text="已填入本件编号、标题、提出人、承办单位和日期的答复正文")


class ApprovalNoteSerializer(serializers.Serializer):
    level = serializers.CharField(help_text="unit 单位主要领导；district 分管区领导")
    by = serializers.SerializerMethodField()
    at = serializers.DateTimeField()
    comment = serializers.CharField()

    def get_by(self, ap) -> str:
        return ap.by.get_full_name() or ap.by.username


class PreviousReplySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField()
    reply_type = serializers.CharField(source="reply_type.code")
    body = serializers.CharField()
    sent_at = serializers.DateTimeField()


class ObjectionSerializer(serializers.Serializer):
    grade = serializers.CharField(source="grade.code", default=None, allow_null=True)
    agrees = serializers.BooleanField(allow_null=True)
    comment = serializers.CharField()
    lapsed = serializers.BooleanField()
    at = serializers.DateTimeField()


class OpenReplySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    round = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class ReplyFormSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(source="assignment.pk")
    action = serializers.CharField(help_text="保存时调用的操作：draft_reply 或 convert_reply_type")
    editable = serializers.BooleanField(help_text="此刻能否保存（草稿在审核中时为 false）")
    source = serializers.CharField(allow_blank=True, help_text="draft 已保存的草稿；returned 被退回的草稿；in_approval 审核中；"
                                                               "previous 上次答复（重新办理或转换类型）；空：新表单")
    values = serializers.DictField(child=serializers.CharField(allow_blank=True),
                                   help_text="表单各栏的值：" + "、".join(FORM_FIELDS))
    reply = OpenReplySerializer(allow_null=True, help_text="未发出的答复（草稿或审核中）")
    returned = ApprovalNoteSerializer(allow_null=True, help_text="领导的退回意见（草稿被退回、尚未再次提交时）")
    previous = PreviousReplySerializer(allow_null=True, help_text="重新办理：委员/代表不满意的上次答复")
    objection = ObjectionSerializer(allow_null=True, help_text="重新办理：委员/代表对上次答复的评价和意见")
