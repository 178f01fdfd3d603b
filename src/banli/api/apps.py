from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "banli.api"
    label = "api"

    def ready(self):
        # API tokens die with the password they were issued under, and the admin shows no token key
        # nor any phone's secret (issue 15.1).
        from .auth import admin, revocation  # noqa: F401

        revocation.connect()
