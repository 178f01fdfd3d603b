from django.apps import AppConfig


class PaperConfig(AppConfig):
    name = "banli.paper"
    label = "paper"
    verbose_name = "公文"
