from django.contrib import admin

from banli.admin_base import AuditedAdmin

from .models import LIMITS, Category, FeedbackGrade, Person, ReplyType, Session, SessionPolicy, StaffRole, Term, Unit, UnitLiaison

admin.site.site_header = "Banli 提案办理系统 · 管理"
admin.site.site_title = "Banli 管理"


class LiaisonInline(admin.TabularInline):
    model = UnitLiaison
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name", "kind", "leader", "supervising_leader", "active"]
    list_filter = ["kind", "active", "supervising_leader"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["leader", "supervising_leader"]
    inlines = [LiaisonInline]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["ordinal", "name", "year", "opens_on", "is_current"]


@admin.register(Term)
class TermAdmin(AuditedAdmin):
    list_display = ["__str__", "assembly", "ordinal", "starts_on", "ends_on"]
    inlines = [SessionInline]


SCAN_SETTINGS = ["remind_first_working_days", "remind_second_working_days", "escalate_after_working_days", "no_feedback_after_working_days"]


class PolicyInline(admin.StackedInline):
    model = SessionPolicy
    can_delete = False
    # Each time limit beside how it is counted; then the daily scan's reminders and escalation.
    fieldsets = [
        ("办理时限", {"fields": [(amount, f"{name}_unit") for name, (amount, _) in LIMITS.items()]}),
        ("提醒与催问", {"fields": SCAN_SETTINGS}),
    ]


@admin.register(Session)
class SessionAdmin(AuditedAdmin):
    list_display = ["__str__", "assembly", "year", "is_current", "last_number"]
    list_filter = ["assembly", "is_current"]
    readonly_fields = ["last_number"]
    inlines = [PolicyInline]


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["__str__", "assembly", "parent", "position", "active"]
    list_filter = ["assembly", "active"]
    search_fields = ["name"]


@admin.register(ReplyType)
class ReplyTypeAdmin(AuditedAdmin):
    list_display = ["code", "name", "needs_planned_date", "needs_reason", "needs_leader_approval", "closure", "progress_every_months", "active"]


@admin.register(FeedbackGrade)
class FeedbackGradeAdmin(AuditedAdmin):
    list_display = ["code", "name", "score", "sends_to_rehandling", "position"]


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["name", "assembly", "is_collective", "sector", "party", "employer", "active"]
    list_filter = ["assembly", "is_collective", "active", "party"]
    search_fields = ["name", "sector", "employer"]
    autocomplete_fields = ["user"]


@admin.register(StaffRole)
class StaffRoleAdmin(AuditedAdmin):
    list_display = ["user", "kind", "assembly", "title"]
    list_filter = ["kind", "assembly"]
    autocomplete_fields = ["user"]
