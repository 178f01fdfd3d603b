"""SMS gateways: a small registry. BANLI_SMS_BACKEND names one ("outbox", "http") or gives the
dotted path of a class with `name` and `send(message) -> str`."""

from django.conf import settings
from django.utils.module_loading import import_string

_GATEWAYS: dict[str, type] = {}


def register_gateway(cls):
    _GATEWAYS[cls.name] = cls
    return cls


def get_gateway():
    name = settings.BANLI_SMS_BACKEND
    cls = _GATEWAYS.get(name) or import_string(name)
    return cls()


from . import dev, http  # noqa: E402,F401  isort:skip  (register the built-in gateways)
