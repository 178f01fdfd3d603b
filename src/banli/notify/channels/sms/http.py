"""A generic HTTP SMS gateway: POST a JSON or form body built from a template to one URL.

Most Chinese SMS providers (and in-house government SMS platforms) take "POST account, password,
mobile and content to this URL"; the template names their fields, for example

    BANLI_SMS_HTTP_FORMAT=form
    BANLI_SMS_HTTP_BODY='account={user}&pswd={password}&mobile={phone}&msg=【区政府】{text}'

Placeholders are filled in *after* the template is parsed, so a text with quotes, braces or
ampersands cannot break the body. Success is a 2xx answer (and, if BANLI_SMS_HTTP_SUCCESS_TEXT is
set, a body containing it: many gateways answer 200 with an error code).
"""

import base64
import json
import urllib.error
import urllib.request
from urllib.parse import parse_qsl, urlencode

from django.conf import settings

from ..base import DeliveryError

PLACEHOLDERS = ("phone", "text", "id", "user", "password", "token")


def fill(value, values: dict):
    """Replace {name} placeholders in every string of a parsed template."""
    if isinstance(value, str):
        for name in PLACEHOLDERS:
            value = value.replace("{" + name + "}", values[name])
        return value
    if isinstance(value, dict):
        return {k: fill(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, values) for v in value]
    return value


def build_body(template: str, fmt: str, values: dict) -> tuple[bytes, str]:
    if fmt == "json":
        try:
            parsed = json.loads(template)
        except ValueError as e:
            raise DeliveryError(f"BANLI_SMS_HTTP_BODY 不是合法的 JSON（not valid JSON）：{e}") from e
        return json.dumps(fill(parsed, values), ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8"
    pairs = parse_qsl(template, keep_blank_values=True)
    return urlencode([(k, fill(v, values)) for k, v in pairs]).encode("ascii"), "application/x-www-form-urlencoded; charset=utf-8"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would turn the POST into a GET that "succeeds" without sending: treat it as an error."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


class HttpGateway:
    name = "http"

    def send(self, message) -> str:
        s = settings
        if not s.BANLI_SMS_HTTP_URL:
            raise DeliveryError("未配置短信网关地址（BANLI_SMS_HTTP_URL is not set）")
        values = {"phone": message.address, "text": message.text, "id": str(message.pk), "user": s.BANLI_SMS_HTTP_USER,
                  "password": s.BANLI_SMS_HTTP_PASSWORD, "token": s.BANLI_SMS_HTTP_TOKEN}
        body, content_type = build_body(s.BANLI_SMS_HTTP_BODY, s.BANLI_SMS_HTTP_FORMAT, values)
        headers = {"Content-Type": content_type, "Accept": "application/json, text/plain, */*", "User-Agent": "banli-sms/1"}
        if s.BANLI_SMS_HTTP_BASIC_AUTH:
            pair = f"{s.BANLI_SMS_HTTP_USER}:{s.BANLI_SMS_HTTP_PASSWORD}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        if s.BANLI_SMS_HTTP_TOKEN:
            headers[s.BANLI_SMS_HTTP_TOKEN_HEADER] = s.BANLI_SMS_HTTP_TOKEN
        request = urllib.request.Request(s.BANLI_SMS_HTTP_URL, data=body, headers=headers, method="POST")
        try:
            with _opener.open(request, timeout=s.BANLI_SMS_HTTP_TIMEOUT) as response:
                status, answer = response.status, response.read(4000).decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            answer = e.read(300).decode("utf-8", "replace") if e.fp else ""
            raise DeliveryError(f"短信网关返回 HTTP {e.code}（gateway answered HTTP {e.code}）：{answer}".strip()) from e
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise DeliveryError(f"短信网关不可达（gateway unreachable）：{reason}") from e
        if not 200 <= status < 300:
            raise DeliveryError(f"短信网关返回 HTTP {status}（gateway answered HTTP {status}）")
        if s.BANLI_SMS_HTTP_SUCCESS_TEXT and s.BANLI_SMS_HTTP_SUCCESS_TEXT not in answer:
            raise DeliveryError(f"短信网关未确认发送（gateway did not confirm）：{answer[:300]}")
        return self.name
