"""Fixtures for the notification tests: a fixed clock, a local HTTP SMS gateway and a real SMTP
server, both on loopback and started by the test.

    def test_x(world, sms_gateway):
        sms_gateway.status = 500      # the gateway answers errors
        sms_gateway.stop()            # ... or is down altogether
        sms_gateway.start()           # back, on the same port
        sms_gateway.requests          # what it received: [Received(path, headers, body, ...)]
"""

import datetime
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour, minute=0, day=2):
    """A fixed moment, Shanghai time, on a Monday (2026-03-02)."""
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def morning():
    """10:00 on a working day: no quiet hours."""
    return at(10)


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def form(self):
        return {k: v[0] for k, v in parse_qs(self.body.decode("ascii"), keep_blank_values=True).items()}


class GatewayServer:
    """An SMS provider on 127.0.0.1 that records each POST and answers `status` with `answer`."""

    def __init__(self):
        self.requests: list[Received] = []
        self.status = 200
        self.answer = b'{"code": 0, "msg": "ok"}'
        self.port = 0
        self._server = None
        self.start()

    def start(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                gateway.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(gateway.answer)))
                self.end_headers()
                self.wfile.write(gateway.answer)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]  # keep the port: "back up" means the same URL
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/sms/send"


@pytest.fixture
def sms_gateway(settings):
    """The HTTP gateway adapter, configured to talk to a local server (JSON, token and basic auth)."""
    server = GatewayServer()
    settings.BANLI_SMS_BACKEND = "http"
    settings.BANLI_SMS_HTTP_URL = server.url
    settings.BANLI_SMS_HTTP_FORMAT = "json"
    settings.BANLI_SMS_HTTP_BODY = '{"account": "{user}", "mobile": "{phone}", "content": "【区政府】{text}", "ref": "{id}"}'
    settings.BANLI_SMS_HTTP_USER = "banli"
    settings.BANLI_SMS_HTTP_PASSWORD = "s3cret"
    settings.BANLI_SMS_HTTP_BASIC_AUTH = True
    settings.BANLI_SMS_HTTP_TOKEN = ""
    settings.BANLI_SMS_HTTP_SUCCESS_TEXT = ""
    settings.BANLI_SMS_HTTP_TIMEOUT = 2
    yield server
    server.stop()


class _Collect:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


class _LoopbackController(Controller):
    """aiosmtpd's controller, bound to port 0: learn the port the system gave before the self-test."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1; Django's SMTP backend pointed at it."""
    handler = _Collect()
    controller = _LoopbackController(handler, hostname="127.0.0.1", port=0)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    controller.received = handler.envelopes
    yield controller
    controller.stop()
