from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "banli.notify"
    label = "notify"
    verbose_name = "通知"
