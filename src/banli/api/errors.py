"""Every API error is JSON with a machine-readable code and a message (Chinese by default), and
a 4xx status. BanliError, DRF's own errors and Django's 404 all pass through here; so do a path
under /api/ that matches no endpoint and a server error there (the project's handler404 and
handler500, which leave the pages their HTML answers)."""

from django.core.exceptions import PermissionDenied, ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from banli.errors import BanliError, not_found
from banli.middleware import is_api


def _first_message(detail):
    if isinstance(detail, dict):
        for v in detail.values():
            return _first_message(v)
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, BanliError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, Http404):
        return Response(not_found().as_dict(), status=404)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.messages)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        msg = _first_message(exc.detail)
        response.data = {"code": "invalid", "message": f"输入有误：{msg}", "message_zh": f"输入有误：{msg}",
                         "message_en": f"Invalid input: {msg}", "fields": exc.detail}
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        response.data = {"code": "not_authenticated", "message": "请先登录。", "message_zh": "请先登录。", "message_en": "Please log in."}
    elif isinstance(exc, exceptions.MethodNotAllowed):
        method = context["request"].method if context.get("request") else ""
        zh, en = f"此地址不接受 {method} 请求。", f"Method {method} is not allowed here."
        response.data = BanliError("method_not_allowed", zh, en).as_dict()
    elif isinstance(exc, exceptions.PermissionDenied):
        response.data = {"code": "forbidden", "message": "您无权执行此操作。", "message_zh": "您无权执行此操作。", "message_en": "You may not do this."}
    else:
        detail = str(getattr(exc, "detail", exc))
        response.data = {"code": getattr(exc, "default_code", "error"), "message": detail, "message_zh": detail, "message_en": detail}
    return response


def page_not_found(request, exception=None):
    """handler404: under /api/ the API's own "not found" (the same as a missing record), else the page."""
    if is_api(request):
        return JsonResponse(not_found().as_dict(), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: under /api/ a JSON answer without internals (the error is logged as usual), else the page."""
    if is_api(request):
        err = BanliError("server_error", "服务器出错，请稍后重试；如仍有问题，请联系系统管理员。",
                         "Something went wrong on the server. Please try again later; if it persists, tell the administrator.",
                         status=500)
        return JsonResponse(err.as_dict(), status=500)
    return defaults.server_error(request)
