from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "banli.deadlines"
    label = "deadlines"
    verbose_name = "办理时限"

    def ready(self):
        from .timer import start_if_configured

        start_if_configured()
