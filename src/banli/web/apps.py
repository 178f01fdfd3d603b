from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "banli.web"
    label = "web"
    verbose_name = "页面"
