"""Structured logs (issue 16.2): every request has an id, taken from the proxy when it is sane or
made here, answered in X-Request-ID, and carried by every log line written for the request; the
access line says method, path, status, duration and who. Lines are read back from the formatter
the settings configure, as a log collector would read them."""

import io
import json
import logging
import re

import pytest

from banli.observe.logs import ContextFilter, JsonFormatter, TextFormatter, logging_config

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines():
    """What the console handler would write, for banli.request (at INFO, as in production) and
    django.request, one JSON object per line."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger("banli.request"), logging.getLogger("django.request")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
    loggers[0].setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in out.getvalue().splitlines()]
    for lg, level in zip(loggers, levels):
        lg.removeHandler(handler)
        lg.setLevel(level)


def test_the_access_line_carries_the_id_of_the_response_header(client, lines):
    r = client.get("/health/live")
    rid = r["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid)
    [line] = lines()
    assert line["request_id"] == rid
    assert line["logger"] == "banli.request" and line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"], line["message"]) == ("GET", "/health/live", 200, "GET /health/live 200")
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert "user_id" not in line  # anonymous
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])


def test_two_requests_two_ids(client, lines):
    a, b = client.get("/health/live")["X-Request-ID"], client.get("/health/live")["X-Request-ID"]
    assert a != b and [line["request_id"] for line in lines()] == [a, b]


def test_the_proxys_id_is_kept_when_sane(client, lines):
    r = client.get("/health/live", HTTP_X_REQUEST_ID="nginx-7f3a.1:42_x")
    assert r["X-Request-ID"] == "nginx-7f3a.1:42_x" and lines()[0]["request_id"] == "nginx-7f3a.1:42_x"


@pytest.mark.parametrize("given", ["a" * 65, "two words", 'x"y', "x\ny", "ab<script>", "中文", ""])
def test_an_odd_id_is_replaced_not_copied(client, lines, given):
    r = client.get("/health/live", HTTP_X_REQUEST_ID=given)
    assert re.fullmatch(r"[0-9a-f]{32}", r["X-Request-ID"])
    assert lines()[0]["request_id"] == r["X-Request-ID"]


def test_lines_written_for_the_request_carry_its_id(client, lines):
    """Django's 'Not Found' warning is written after the middleware has answered; it has the id too."""
    r = client.get("/no-such-page-at-all/")
    assert r.status_code == 404
    records = lines()
    assert {line["logger"] for line in records} == {"banli.request", "django.request"}
    assert {line["request_id"] for line in records} == {r["X-Request-ID"]}


def test_the_signed_in_users_id_is_on_the_access_line(client, lines, admin_user):
    client.force_login(admin_user)
    r = client.get("/")
    [access] = [line for line in lines() if line["logger"] == "banli.request"]
    assert access["user_id"] == admin_user.pk and access["status"] == r.status_code


def test_the_readable_format_has_the_same_fields():
    record = logging.LogRecord("banli.request", logging.INFO, __file__, 1, "GET / 200", None, None)
    record.request_id, record.duration_ms = "abc", 12.5
    ContextFilter().filter(record)
    line = TextFormatter().format(record)
    assert line.endswith("INFO banli.request GET / 200 [request_id=abc duration_ms=12.5]")


def test_settings_choose_the_format():
    config = logging_config(fmt="json", level="WARNING", access=True)
    assert config["handlers"]["console"]["formatter"] == "json"
    assert config["loggers"]["banli.request"]["level"] == "INFO"
    assert logging_config(fmt="text", level="INFO", access=False)["loggers"]["banli.request"]["level"] == "WARNING"
