"""The inbox beyond the list (GET /api/notifications/ in views.py): the unread count, marking read,
and each person's own channel choice. Everyone sees and changes only their own rows; someone
else's notification answers exactly like a missing one."""

import re

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from banli.errors import not_found
from banli.notify.models import ChannelMinimum, Notification, NotificationPreference

MAX_ID = 2**63 - 1  # what the database holds; beyond it is simply "not found"
Count = inline_serializer("NotificationCount", {"unread": serializers.IntegerField()})
Marked = inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField(), "unread": serializers.IntegerField()})


def unread(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


class UnreadCountView(APIView):
    @extend_schema(responses=Count, summary="未读通知数")
    def get(self, request):
        return Response({"unread": unread(request.user)})


class MarkReadView(APIView):
    @extend_schema(request=None, responses=Marked, summary="标记一条通知为已读")
    def post(self, request, notification_id):
        if not 1 <= notification_id <= MAX_ID:
            raise not_found()
        mine = Notification.objects.filter(recipient=request.user, pk=notification_id)
        if not mine.exists():
            raise not_found()
        marked = mine.filter(read_at__isnull=True).update(read_at=timezone.now())
        return Response({"marked": marked, "unread": unread(request.user)})


class MarkAllReadView(APIView):
    @extend_schema(request=None, responses=Marked, summary="全部标记为已读")
    def post(self, request):
        marked = Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
        return Response({"marked": marked, "unread": 0})


class PreferenceSerializer(serializers.ModelSerializer):
    office_minimums = serializers.SerializerMethodField(help_text="办公室规定的最低渠道：类型 → 渠道，无论本人如何选择都会发送")

    class Meta:
        model = NotificationPreference
        fields = ["by_sms", "by_email", "phone", "email", "office_minimums"]

    def get_office_minimums(self, obj) -> dict[str, list[str]]:
        return {m.kind: sorted(m.channels()) for m in ChannelMinimum.objects.all() if m.channels()}

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
        pref = NotificationPreference.objects.filter(user=request.user).first() or NotificationPreference(user=request.user)
        return Response(PreferenceSerializer(pref).data)

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer, summary="修改我的通知渠道")
    def patch(self, request):
        s = PreferenceSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        pref, _ = NotificationPreference.objects.get_or_create(user=request.user)
        for field, value in s.validated_data.items():
            setattr(pref, field, value)
        pref.save()
        return Response(PreferenceSerializer(pref).data)
