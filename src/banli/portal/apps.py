from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "banli.portal"
    verbose_name = "办理结果公开"

    def ready(self):
        from . import reference

        reference.connect()
