"""The API's OpenAPI schema: drf-spectacular's AutoSchema, plus the error answers every operation
can give, so that a client (and the schema fuzzing in tests/api/test_schemathesis.py) finds each
4xx documented with its body (serializers.errors.ErrorSerializer) rather than only the 2xx.

Which errors an operation documents follows from what it is, not a list per view:
- 400 when it takes anything (a body, a query parameter, a path parameter): input that cannot be valid;
- 401 and 403 when it needs a login (an expired session; a role or scope that may not);
- 404 when its path names a record (not there, or not yours to see: the two look the same), and on
  paginated lists (a page past the end);
- 409 on every write behind the login (the record's state no longer allows the step: someone acted
  meanwhile);
- 413 on every write that takes a body (over the size limit, banli.api.parsers);
- 429 on a login door (a POST open without login, /api/token/): locked out after repeated
  failures (django-axes, banli.web.lockout).
A view that declares one of these codes itself keeps its own description; without a body of its own
it gets the error body too."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import AllowAny

from .serializers.errors import ErrorSerializer

WRITES = {"POST", "PUT", "PATCH", "DELETE"}

ERRORS = {
    "400": "输入有误 (invalid input)",
    "401": "未登录或登录已过期 (not logged in, or the session expired)",
    "403": "无权执行此操作 (not allowed)",
    "404": "找不到该记录，或无权查看 (not found, or not yours to see)",
    "409": "当前状态不允许此操作 (the record's state does not allow this now)",
    "413": "提交的内容过大 (the request body is too large)",
    "429": "登录失败次数过多，已被锁定 (locked out after too many failed logins)",
}


class BanliAutoSchema(AutoSchema):
    def _error_codes(self) -> list[str]:
        params = self._get_parameters()
        has_path = any(p.get("in") == "path" for p in params)
        has_query = any(p.get("in") == "query" for p in params)
        has_body = self.method in {"POST", "PUT", "PATCH"} and self.get_request_serializer() is not None
        needs_login = not all(isinstance(p, AllowAny) for p in self.view.get_permissions())
        codes = []
        if has_body or has_path or has_query:
            codes.append("400")
        if needs_login:
            codes += ["401", "403"]
        elif self.method in WRITES:
            codes.append("403")  # CSRF refused
        if has_path or (self.method == "GET" and self._is_list_view() and self._get_paginator()):
            codes.append("404")
        if self.method in WRITES and needs_login:
            codes.append("409")
        if has_body:
            codes.append("413")
        if not needs_login and self.method == "POST":
            codes.append("429")  # a login door (/api/token/): locked out after repeated failures (django-axes)
        return codes

    def _resolve_path_parameters(self, variables):
        # A viewset whose rows come from a selector (no model queryset) has its ids matched by a
        # digits-only regex (lookup_value_regex); spectacular calls those strings: they are integers.
        parameters = super()._resolve_path_parameters(variables)
        for p in parameters:
            if p["schema"] == {"type": "string", "pattern": r"^\d+$"}:
                p["schema"] = {"type": "integer"}
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(OpenApiResponse(ErrorSerializer, description=ERRORS[code]), code)
        for code, response in responses.items():
            # A view that names an error with its description only (OpenApiResponse(description=...))
            # answers it with the same body as every other error: say so.
            if code.startswith("4") and "content" not in response:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=response.get("description") or ERRORS.get(code, "")), code)
        return responses
