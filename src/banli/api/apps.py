from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "banli.api"
    label = "api"

    def ready(self):
        # API tokens die with the password they were issued under (issue 15).
        from . import token_revocation

        token_revocation.connect()
