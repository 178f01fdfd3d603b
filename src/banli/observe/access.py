"""Who sees the details of the health check and the metrics: a caller presenting
BANLI_HEALTH_TOKEN (Authorization: Bearer <token>, what Prometheus sends with its `authorization`
setting), or one on the machine itself (loopback). Everyone else gets the status only.

REMOTE_ADDR is read in the view, after ClientAddressMiddleware: behind the proxy it is the client's
address, not the proxy's own loopback one, so the proxy does not make every caller local."""

import hmac
import ipaddress

from django.conf import settings


def is_loopback(request) -> bool:
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def has_token(request) -> bool:
    token = settings.BANLI_HEALTH_TOKEN
    if not token:
        return False
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def may_see_details(request) -> bool:
    return has_token(request) or is_loopback(request)
