from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "banli.org"
    label = "org"
    verbose_name = "组织与基础数据"
