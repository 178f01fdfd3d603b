"""Case data is read-only here: every change goes through an action and leaves an audit row."""

from django.contrib import admin

from banli.admin_base import ReadOnlyAdmin
from banli.audit.models import AuditRecord

from .models import Item


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ["display_number", "title", "assembly", "session", "state", "reply_type", "is_key"]
    list_filter = ["assembly", "state", "session", "is_key"]
    search_fields = ["title"]
    list_select_related = ["session__term", "reply_type"]


@admin.register(AuditRecord)
class AuditAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "item", "target_type", "target_id"]
    list_filter = ["action"]
    list_select_related = ["actor", "item"]
