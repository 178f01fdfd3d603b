"""The inbox beyond the list (GET /api/notifications/ in views.py): the unread count, marking read,
and each person's own channel choice. Everyone sees and changes only their own rows; someone
else's notification answers exactly like a missing one."""

import re

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from banli.notify import actions, selectors
from banli.notify.models import NotificationPreference

Count = inline_serializer("NotificationCount", {"unread": serializers.IntegerField()})
Marked = inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField(), "unread": serializers.IntegerField()})


class UnreadCountView(APIView):
    @extend_schema(responses=Count, summary="未读通知数")
    def get(self, request):
        return Response({"unread": selectors.unread_count(request.user)})


class MarkReadView(APIView):
    @extend_schema(request=None, responses=Marked, summary="标记一条通知为已读")
    def post(self, request, notification_id):
        marked = actions.mark_read(request.user, notification_id)
        return Response({"marked": marked, "unread": selectors.unread_count(request.user)})


class MarkAllReadView(APIView):
    @extend_schema(request=None, responses=Marked, summary="全部标记为已读")
    def post(self, request):
        marked = actions.mark_all_read(request.user)
        return Response({"marked": marked, "unread": 0})


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


class PreferenceView(APIView):
    """The person's own choice of SMS and e-mail; the office's minimums are shown beside it, as
    they apply whatever is chosen."""

    @extend_schema(responses=PreferenceSerializer, summary="我的通知渠道")
    def get(self, request):
        return Response(PreferenceSerializer(selectors.preference(request.user)).data)

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer, summary="修改我的通知渠道")
    def patch(self, request):
        s = PreferenceSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        pref = actions.save_preferences(request.user, **s.validated_data)
        return Response(PreferenceSerializer(pref).data)
