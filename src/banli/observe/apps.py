from django.apps import AppConfig


class ObserveConfig(AppConfig):
    """Health, metrics, structured logs (issue 16.2)."""

    name = "banli.observe"
    label = "observe"
    verbose_name = "运行监测"

    def ready(self):
        from . import runs

        runs.connect()
