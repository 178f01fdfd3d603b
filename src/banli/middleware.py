"""Refuse NUL bytes in query strings before they reach a view. PostgreSQL cannot store or compare
NUL in text, so a search for one would otherwise end in a server error; request bodies are
covered by the forms' and serialisers' own validators."""

from django.http import JsonResponse

from banli.errors import invalid


class RejectNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            err = invalid(None, "查询条件含有无效字符。", "The query contains an invalid character.")
            return JsonResponse(err.as_dict(), status=400)
        return self.get_response(request)
