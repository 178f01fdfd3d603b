"""Response headers an assessor checks that neither Django's SecurityMiddleware nor django-csp set.

- Cache-Control: a signed-in user's answers (pages, API, documents, exports, attachments) hold
  members' contact data and unpublished replies, and an office PC or a phone may be shared, or a
  proxy in between may keep copies: none of them is stored anywhere ("no-store, private"). The
  public site (/public/) shows the same published text to everyone and keeps its own caching;
  static files are answered by WhiteNoise before this middleware and keep theirs.
- Permissions-Policy: the pages use no camera, microphone or location; a script that got in could
  not ask for them either.

HSTS, nosniff, Referrer-Policy and Cross-Origin-Opener-Policy come from SecurityMiddleware,
X-Frame-Options from XFrameOptionsMiddleware, Content-Security-Policy from django-csp (settings).

Also here, ClientAddressMiddleware: behind the proxy, REMOTE_ADDR is the proxy's own address; the
audit's security events and the login lockout need the client's."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers

# Published pages only: the same for every reader, signed in or not (banli.portal.cache).
PUBLIC_PREFIXES = ("/public/",)


def shows_private_data(request) -> bool:
    """A signed-in reader by session, or by API token: DRF authenticates a token inside the view
    and sets request.user there, so it is read after the view has answered."""
    if request.path_info.startswith(PUBLIC_PREFIXES):
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META


def _drf_html(request, response) -> bool:
    renderer = getattr(response, "accepted_renderer", None)
    return getattr(renderer, "format", None) == "api" or request.path_info.startswith("/api-auth/")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if shows_private_data(request):
            # max-age=0, no-cache, no-store, must-revalidate, private (and an Expires in the past).
            add_never_cache_headers(response)
        if _drf_html(request, response):
            # DRF's own pages (the browsable API and its login, tools for a developer) carry style
            # attributes in DRF's templates; they get inline styles, never inline script.
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        if settings.BANLI_PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.BANLI_PERMISSIONS_POLICY)
        return response


class ClientAddressMiddleware:
    """Behind the proxy (settings.BANLI_PROXY_COUNT > 0, on in production), the client's address is
    the one the nearest proxy appended to X-Forwarded-For (nginx: $proxy_add_x_forwarded_for):
    the BANLI_PROXY_COUNT-th entry from the right. Entries further left were written by the client
    and are never believed. Without a proxy REMOTE_ADDR is left as the connection's."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.hops = settings.BANLI_PROXY_COUNT

    def __call__(self, request):
        if self.hops:
            forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
            if len(forwarded) >= self.hops:
                request.META["REMOTE_ADDR"] = forwarded[-self.hops]
        return self.get_response(request)

