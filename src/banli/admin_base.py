from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Case records and what was said to whom: looked at in the admin, never edited by hand
    (every change goes through an action and leaves an audit row)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
