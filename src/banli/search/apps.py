from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "banli.search"
    verbose_name = "全文检索"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .index import fill_if_empty

        post_migrate.connect(fill_if_empty, sender=self, dispatch_uid="banli.search.fill_if_empty")
