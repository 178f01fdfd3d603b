from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "banli.reports"
    label = "reports"
    verbose_name = "统计与报告"

    def ready(self):
        from django.db.models.signals import post_save

        from banli.audit.models import AuditRecord

        from .cache import audit_row_written

        # Every recorded change leaves an audit row: the kept figures (cache.py) go stale with it.
        post_save.connect(audit_row_written, sender=AuditRecord, dispatch_uid="banli.reports.cache.records")
