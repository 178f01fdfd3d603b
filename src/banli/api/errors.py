"""Every API error is JSON with a machine-readable code and a message (Chinese by default), and
a 4xx status. BanliError, DRF's own errors and Django's 404 all pass through here."""

from django.core.exceptions import PermissionDenied, ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from banli.errors import BanliError, not_found


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
    elif isinstance(exc, exceptions.PermissionDenied):
        response.data = {"code": "forbidden", "message": "您无权执行此操作。", "message_zh": "您无权执行此操作。", "message_en": "You may not do this."}
    else:
        detail = str(getattr(exc, "detail", exc))
        response.data = {"code": getattr(exc, "default_code", "error"), "message": detail, "message_zh": detail, "message_en": detail}
    return response
