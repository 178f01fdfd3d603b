from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "banli.ops"
    label = "ops"
    verbose_name = "备份与恢复"
