"""The body of every API error (banli.api.errors and banli.errors.BanliError.as_dict): documented
once, so each operation's 4xx answers in the schema say what a client gets."""

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="机器可读的错误代码，如 invalid、not_found、forbidden")
    message = serializers.CharField(help_text="按请求语言的说明（默认中文）")
    message_zh = serializers.CharField(help_text="中文说明")
    message_en = serializers.CharField(help_text="English message")
    field = serializers.CharField(required=False, help_text="出错的输入项（如有）")
    fields = serializers.JSONField(required=False, help_text="各输入项的错误（输入有误时）")
