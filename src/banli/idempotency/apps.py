from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "banli.idempotency"
    verbose_name = "幂等键"
    default_auto_field = "django.db.models.BigAutoField"
