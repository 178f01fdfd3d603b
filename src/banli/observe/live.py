"""/health/live answered before the session, the user, the CSRF check or the security middleware
run: "the process is up and its workers take requests" and nothing else, so that a probe or the
load test's baseline costs no query even when it carries a session cookie (a signed-in load-test
user's cookie would otherwise cost the session's and the user's rows). It still gets a request id,
an access line and its metrics: the middleware stands after those two."""

from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers

PATH = "/health/live"
ROUTE = "health-live"  # the URL's name in banli.observe.urls, for the metrics' route label


class LivenessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != PATH:
            return self.get_response(request)
        request.banli_route = ROUTE
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse({"status": "method not allowed"}, status=405)
            response["Allow"] = "GET, HEAD"
        else:
            response = JsonResponse({"status": "ok"})
        add_never_cache_headers(response)
        return response
