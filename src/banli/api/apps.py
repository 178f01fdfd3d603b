from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "banli.api"
    label = "api"
