"""Domain errors answered in one place, in the form the door expects: JSON for the API (under
/api/), the error page for a browser. A view raises BanliError and lets it go; only a view that
shows the message in the form it re-renders catches it.

DRF's views turn BanliError into the same JSON themselves (api/errors.py exception_handler); this
middleware answers for every other view."""

from django.http import JsonResponse
from django.shortcuts import render

from banli.errors import BanliError, invalid

API_PREFIX = "/api/"


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def error_page(request, err: BanliError):
    """A refusal or a missing record as a page in the user's language (404 looks like 'not yours')."""
    return render(request, "web/error.html", {"error": err}, status=err.status)


def error_response(request, err: BanliError):
    """The answer to a refusal: its JSON for the API, the page for a browser."""
    if is_api(request):
        return JsonResponse(err.as_dict(), status=err.status)
    return error_page(request, err)


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Security audit (issue 15.2): every refusal is recorded, whichever door answered 403,
        # here after the view has returned, so outside the transaction the refusal rolled back.
        if response.status_code == 403:
            from banli.audit.security import record_refusal

            record_refusal(request, response)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, BanliError):
            request.banli_refusal_code = exception.code  # for the refusal's audit row
            return error_response(request, exception)
        return None


class RejectNulBytesMiddleware:
    """Refuse NUL bytes in query strings before they reach a view. PostgreSQL cannot store or
    compare NUL in text, so a search for one would otherwise end in a server error; request bodies
    are covered by the forms' and serialisers' own validators. It comes after the session, language
    and user middleware, so that its page has the user's language and menu."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            return error_response(request, invalid(None, "查询条件含有无效字符。", "The query contains an invalid character."))
        return self.get_response(request)
