from django.apps import AppConfig


class DraftingConfig(AppConfig):
    name = "banli.drafting"
    label = "drafting"
    verbose_name = "答复起草"
