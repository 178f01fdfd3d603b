"""The inbox: the list, the unread count, marking read, and each person's own channel choice. Everyone sees and changes only their own rows; someone
else's notification answers exactly like a missing one."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from banli.notify import actions, selectors

from ..serializers.notify import Count, Marked, NotificationSerializer, PreferenceSerializer


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer

    def get_queryset(self):
        return selectors.inbox(self.request.user)


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
