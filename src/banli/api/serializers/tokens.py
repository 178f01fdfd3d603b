"""API tokens (views/tokens.py): what POST /api/token/ takes and answers."""

from rest_framework import serializers


class TokenRequest(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(max_length=16, required=False, allow_blank=True,
                                help_text="双因素认证的 6 位验证码或一个备用验证码；须启用双因素认证的岗位必填。")


class TokenAnswer(serializers.Serializer):
    token = serializers.CharField(help_text="只在此时显示一次；请求时放在 Authorization: Token <token>。")
    expiry = serializers.DateTimeField(help_text="过期时间；过期后须重新获取。")
