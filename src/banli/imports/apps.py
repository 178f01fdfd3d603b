from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "banli.imports"
    verbose_name = "批量导入"
