from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class WorkdaysConfig(AppConfig):
    """The working-day calendar: below every app that counts time limits (org, proposals, deadlines)."""

    name = "banli.workdays"
    label = "workdays"
    verbose_name = "工作日历"

    def ready(self):
        # The cache reads the tables; the tables know nothing of the cache. A saved or deleted row
        # clears it (bulk_create and update() send no signals: the cache's expiry covers those).
        from .calendar import tables_changed
        from .models import CalendarDay, CalendarYear

        for model in (CalendarDay, CalendarYear):
            post_save.connect(tables_changed, sender=model, dispatch_uid=f"banli-calendar-{model.__name__}-save")
            post_delete.connect(tables_changed, sender=model, dispatch_uid=f"banli-calendar-{model.__name__}-delete")
        # Each request and each task compares the shared version of the tables once (calendar.py).
        from celery.signals import task_prerun
        from django.core.signals import request_started

        from .calendar import check_shared_version_next

        request_started.connect(check_shared_version_next, dispatch_uid="banli-calendar-request")
        task_prerun.connect(check_shared_version_next, dispatch_uid="banli-calendar-task")
