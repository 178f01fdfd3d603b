from django.contrib import admin, messages

from banli.admin_base import AuditedAdmin
from banli.admin_base import ReadOnlyAdmin as ReadOnly

from .models import ChannelMinimum, Notification, NotificationPreference, OutboxMessage
from .outbox import requeue


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnly):
    list_display = ["id", "created_at", "channel", "recipient", "address", "kind", "state", "attempts", "next_attempt_at", "sent_at", "via", "last_error"]
    list_filter = ["state", "channel", "kind", "via"]
    search_fields = ["address", "text", "recipient__username", "recipient__first_name"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    actions = ["send_again"]

    @admin.action(description="重新发送所选的失败消息", permissions=["requeue"])
    def send_again(self, request, queryset):
        n = requeue(list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"已重新排队 {n} 条消息。", messages.SUCCESS)

    def has_requeue_permission(self, request):
        return request.user.has_perm("notify.change_outboxmessage")


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = ["id", "created_at", "recipient", "kind", "text", "read_at"]
    list_filter = ["kind"]
    search_fields = ["text", "recipient__username"]
    list_select_related = ["recipient"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(AuditedAdmin):
    list_display = ["user", "by_sms", "by_email", "phone", "email"]
    list_filter = ["by_sms", "by_email"]
    search_fields = ["user__username", "user__first_name", "phone", "email"]
    autocomplete_fields = ["user"]


@admin.register(ChannelMinimum)
class ChannelMinimumAdmin(AuditedAdmin):
    list_display = ["kind", "sms", "email", "note"]
