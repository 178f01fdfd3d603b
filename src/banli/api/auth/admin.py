"""The admin pages of the API tokens and the two-factor devices, in place of the libraries' own.

Knox's own page lists each token's digest and searches by the key's first characters, and
django-otp's pages show each phone's secret key (and its QR code): none of that is for anyone's
eyes, the administrators' included. Here a token shows whose it is, when it was made and when it
expires, and can only be revoked (deleted); the devices are not in the admin at all (the office
resets a person's second factor on their page in 系统管理, which is audited).

Imported by the API app's ready(), which runs after the admin's autodiscovery (django.contrib.admin
comes first in INSTALLED_APPS), so the libraries' own registrations are there to replace."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from banli.audit.security import security_event

for model in (AuthToken, TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created", "expiry")
    list_filter = ("expiry",)
    search_fields = ("user__username", "user__first_name")
    ordering = ("-created",)
    fields = ("user", "created", "expiry")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # a token is issued by POST /api/token/ only, to its owner, once

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        self.delete_queryset(request, AuthToken.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        for token in queryset.select_related("user"):
            security_event("token_revoked", request=request, username=token.user.get_username(), reason="admin")
        queryset.delete()
