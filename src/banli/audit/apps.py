from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "banli.audit"
    label = "audit"
    verbose_name = "审计记录"
