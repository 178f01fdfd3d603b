from django.contrib import admin

from banli.admin_base import AuditedAdmin

from .calendar import package_covers
from .models import CalendarDay, CalendarYear


class YearFilter(admin.SimpleListFilter):
    title = "年度"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates("date", "year", order="DESC")
        return [(str(d.year), f"{d.year}年") for d in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ["date", "weekday", "is_working_day", "name", "note", "updated_at"]
    list_filter = [YearFilter, "is_working_day"]
    search_fields = ["name", "note"]
    ordering = ["date"]
    date_hierarchy = "date"

    @admin.display(description="星期", ordering="date")
    def weekday(self, obj):
        return f"周{obj.weekday_zh}"


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdmin):
    list_display = ["year", "complete", "source", "package_data", "entered_days", "updated_at"]
    list_filter = ["complete"]
    search_fields = ["source", "note"]
    ordering = ["-year"]

    @admin.display(description="内置日历已含", boolean=True)
    def package_data(self, obj):
        return package_covers(obj.year)

    @admin.display(description="已录入日期数")
    def entered_days(self, obj):
        return CalendarDay.objects.filter(date__year=obj.year).count()
