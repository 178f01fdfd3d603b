"""The generic HTTP SMS adapter, as a local gateway server sees its requests."""

import base64

import pytest

from banli.notify.models import NotificationPreference, OutboxMessage
from banli.notify.outbox import deliver_due, queue_messages

pytestmark = pytest.mark.django_db

# Quotes, braces, an ampersand and a placeholder-looking word: none may break the body.
TEXT = '催办："老旧小区" {加装电梯} & {phone} 请抓紧办理'


@pytest.fixture
def member_by_sms(member):
    NotificationPreference.objects.create(user=member, by_sms=True)
    return member


def test_json_body_with_basic_auth(world, member_by_sms, sms_gateway, morning):
    queue_messages([member_by_sms.pk], "urge", TEXT, now=morning)
    assert deliver_due(now=morning)["sent"] == 1
    [req] = sms_gateway.requests
    msg = OutboxMessage.objects.get()
    assert req.path == "/sms/send"
    assert req.headers["content-type"] == "application/json; charset=utf-8"
    assert req.headers["authorization"] == "Basic " + base64.b64encode(b"banli:s3cret").decode()
    assert req.json() == {"account": "banli", "mobile": "13800000001", "content": "【区政府】" + TEXT, "ref": str(msg.pk)}
    assert (msg.state, msg.attempts, msg.via) == ("sent", 1, "http")


def test_form_body_with_a_token_header(world, member_by_sms, sms_gateway, settings, morning):
    settings.BANLI_SMS_HTTP_FORMAT = "form"
    settings.BANLI_SMS_HTTP_BODY = "account={user}&pswd={password}&mobile={phone}&msg={text}&needstatus=true"
    settings.BANLI_SMS_HTTP_BASIC_AUTH = False
    settings.BANLI_SMS_HTTP_TOKEN = "tok-123"
    settings.BANLI_SMS_HTTP_TOKEN_HEADER = "X-Api-Key"
    queue_messages([member_by_sms.pk], "urge", TEXT, now=morning)
    deliver_due(now=morning)
    [req] = sms_gateway.requests
    assert req.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert req.headers["x-api-key"] == "tok-123" and "authorization" not in req.headers
    assert req.form() == {"account": "banli", "pswd": "s3cret", "mobile": "13800000001", "msg": TEXT, "needstatus": "true"}
    assert OutboxMessage.objects.get().state == "sent"


def test_a_200_without_the_success_marker_is_not_sent(world, member_by_sms, sms_gateway, settings, morning):
    settings.BANLI_SMS_HTTP_SUCCESS_TEXT = '"code": 0'
    sms_gateway.answer = b'{"code": 17, "msg": "balance exhausted"}'
    queue_messages([member_by_sms.pk], "urge", TEXT, now=morning)
    assert deliver_due(now=morning)["retried"] == 1
    msg = OutboxMessage.objects.get()
    assert (msg.state, msg.attempts) == ("queued", 1)
    assert "未确认" in msg.last_error and "balance exhausted" in msg.last_error
    sms_gateway.answer = b'{"code": 0, "msg": "ok"}'
    assert deliver_due(now=msg.next_attempt_at)["sent"] == 1


def test_a_redirect_is_a_failure_not_a_silent_get(world, member_by_sms, sms_gateway, morning):
    sms_gateway.status = 302
    queue_messages([member_by_sms.pk], "urge", TEXT, now=morning)
    deliver_due(now=morning)
    msg = OutboxMessage.objects.get()
    assert (msg.state, msg.attempts) == ("queued", 1) and "HTTP 302" in msg.last_error
