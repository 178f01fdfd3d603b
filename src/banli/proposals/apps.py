from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "banli.proposals"
    label = "proposals"
    verbose_name = "提案与建议"
