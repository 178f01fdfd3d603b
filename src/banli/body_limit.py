"""Oversized request bodies refused early (issue 15.4: a 200 MB upload was read whole before it
was refused).

- BodyLimitMiddleware, first in MIDDLEWARE, reads the headers only: a Content-Length above the
  limit is answered 413 at once, before anything reads the body (no session, no CSRF check, no
  parser has run). The limit is BANLI_BODY_MAX_BYTES for a multipart body (the uploads: the
  largest file plus the form around it, or a self-assessment's few files) and BANLI_FORM_MAX_BYTES
  for anything else (a form or JSON: the longest text a person types is a reply letter of 20,000
  characters, some 200 KB form-encoded).
- BoundedUploadHandler, first in FILE_UPLOAD_HANDLERS, counts the bytes as Django's multipart
  parser streams them and stops at the limit: a body whose length is not declared, or declared
  falsely, is read no further than the limit either. It raises TooLarge (Django answers a
  SuspiciousOperation 400 and logs it to django.security), which the middleware turns into the
  same 413 as above, so that the parse is abandoned, no view runs on partial data, nothing is kept.

The 413 is JSON under /api/ (the API's error shape) and a small page elsewhere, in the browser's
language; it cannot be the usual error page, since no session or user is known this early."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation

from banli.errors import BanliError

MB = 1024 * 1024


def body_limit(content_type: str) -> int:
    if content_type.startswith("multipart/"):
        return getattr(settings, "BANLI_BODY_MAX_BYTES", 50 * MB)
    return getattr(settings, "BANLI_FORM_MAX_BYTES", 1 * MB)


def _size(n: int) -> str:
    return f"{n // MB} MB" if n >= MB else f"{n // 1024} KB"


def too_large_error(limit: int) -> BanliError:
    size = _size(limit)
    return BanliError("too_large", f"提交的内容过大（最多 {size}），未予接收。请缩小或拆分文件后重试。",
                      f"The request is too large (at most {size}) and was not accepted. Make the file smaller or split it, and try again.",
                      status=413)


def too_large_response(request, limit: int):
    err = too_large_error(limit)
    with translation.override(translation.get_language_from_request(request)):
        if request.path_info.startswith("/api/"):
            return JsonResponse(err.as_dict(), status=413)
        html = render_to_string("web/too_large.html", {"message": err.message, "LANGUAGE_CODE": translation.get_language()})
    return HttpResponse(html, status=413)


class TooLarge(RequestDataTooBig):
    """Raised by the upload handler past the limit; the middleware answers 413."""


class BodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = body_limit(request.META.get("CONTENT_TYPE", ""))
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django itself then reads nothing of the body
        if length > limit:
            return too_large_response(request, limit)
        response = self.get_response(request)
        stopped = getattr(request, "_banli_body_too_large", None)
        return too_large_response(request, stopped) if stopped else response


class BoundedUploadHandler(FileUploadHandler):
    """Counts the file bytes of a multipart body as they stream in; past the limit, stops."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = body_limit("multipart/")
        self.seen = 0
        return None  # the other handlers go on and keep the file as usual

    def receive_data_chunk(self, raw_data, start):
        self.seen += len(raw_data)
        if self.seen > self.limit:
            if self.request is not None:
                self.request._banli_body_too_large = self.limit
            raise TooLarge(f"Upload body over {self.limit} bytes")
        return raw_data

    def file_complete(self, file_size):
        return None
