"""SMS gateways. BANLI_SMS_BACKEND names one of GATEWAYS or gives the dotted path of a class of
its own with `name` and `send(message) -> str`. The table names the built-in ones by path, so a
gateway's module is imported only when it is the one chosen, and no module registers itself."""

from django.conf import settings
from django.utils.module_loading import import_string

GATEWAYS = {
    "outbox": "banli.notify.channels.sms.dev.OutboxGateway",  # development: sends nothing
    "http": "banli.notify.channels.sms.http.HttpGateway",
}


def get_gateway():
    name = settings.BANLI_SMS_BACKEND
    return import_string(GATEWAYS.get(name, name))()
