"""The inbox: notifications, the unread count, and each person's own channel choice beside the
office's minimums."""

import re

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from banli.notify import selectors
from banli.notify.models import Notification, NotificationPreference

Count = inline_serializer("NotificationCount", {"unread": serializers.IntegerField()})
Marked = inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField(), "unread": serializers.IntegerField()})


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "item", "text", "created_at", "read_at"]


class PreferenceSerializer(serializers.ModelSerializer):
    office_minimums = serializers.SerializerMethodField(help_text="办公室规定的最低渠道：类型 → 渠道，无论本人如何选择都会发送")

    class Meta:
        model = NotificationPreference
        fields = ["by_sms", "by_email", "phone", "email", "office_minimums"]

    def get_office_minimums(self, obj) -> dict[str, list[str]]:
        return selectors.office_minimums()

    def validate_phone(self, value):
        value = value.strip()
        if value and not re.fullmatch(r"\+?[0-9][0-9 -]{4,19}", value):
            raise serializers.ValidationError("请填写有效的手机号码。")
        return value
