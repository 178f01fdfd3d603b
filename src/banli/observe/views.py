"""/health/live, /health/ and /metrics (issue 16.2).

/health/live answers 200 without touching the database, Redis or the session: the proxy's and the
load test's "is the process up" (and the load test's baseline for a trivial request).
/health/ runs the checks (banli.observe.checks): 200 when all are ok or warn, 503 when one fails;
an anonymous caller sees the overall status only, a caller with the token or on loopback each
check with its figures.
/metrics is Prometheus's text format, for the token or loopback only (banli.observe.metrics)."""

from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from . import checks
from .access import may_see_details


def _no_store(response):
    add_never_cache_headers(response)
    return response


@require_GET
def live(request):
    # Answered by banli.observe.live.LivenessMiddleware before the view; here for the URL's name
    # and for a project that leaves the middleware out.
    return _no_store(JsonResponse({"status": "ok"}))


@require_GET
def health(request):
    results = checks.run_all()
    status = checks.worst(c.status for c in results)
    body = {"status": status}
    if may_see_details(request):
        body["checks"] = {c.name: c.as_dict() for c in results}
    return _no_store(JsonResponse(body, status=503 if status == checks.FAIL else 200, json_dumps_params={"ensure_ascii": False}))


@require_GET
def metrics(request):
    if not may_see_details(request):
        # The same answer as any address that is not there: nothing says a scraper would be welcome.
        return _no_store(HttpResponse(status=404))
    from .metrics import exposition

    body, content_type = exposition()
    return _no_store(HttpResponse(body, content_type=content_type))
