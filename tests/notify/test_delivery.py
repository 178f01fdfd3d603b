"""deliver_due: each channel sends, a failure is retried with exponential backoff and shown as
failed after the last try, and nothing is lost while the gateway is down."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from banli.notify.models import NotificationPreference, OutboxMessage
from banli.notify.outbox import deliver_due, queue_messages, requeue

from .conftest import at

pytestmark = pytest.mark.django_db

User = get_user_model()
MIN = datetime.timedelta(minutes=1)


def state(msg):
    msg.refresh_from_db()
    return msg.state, msg.attempts, msg.next_attempt_at


@pytest.fixture
def member_by_sms(member):
    NotificationPreference.objects.create(user=member, by_sms=True)
    return member


def test_development_sms_backend_marks_sent_without_sending(world, member_by_sms, morning):
    queue_messages([member_by_sms.pk], "register", "已立案第1号：关于加装电梯的建议", now=morning)
    assert deliver_due(now=morning) == {"sent": 1, "retried": 0, "failed": 0, "held": False}
    msg = OutboxMessage.objects.get()
    assert (msg.state, msg.attempts, msg.sent_at, msg.via, msg.address, msg.next_attempt_at) == (
        "sent", 1, morning, "outbox", "13800000001", None)
    assert msg.text == "已立案第1号：关于加装电梯的建议"
    # Idempotent: a second pass (or a second worker) sends nothing again.
    assert deliver_due(now=morning + MIN)["sent"] == 0
    assert OutboxMessage.objects.get().attempts == 1


def test_email_goes_through_djangos_mail(world, member, morning):
    User.objects.filter(pk=member.pk).update(email="wang@example.cn")
    NotificationPreference.objects.create(user=member, by_email=True)
    queue_messages([member.pk], "replied", "区建委已答复，请评价：关于加装电梯的建议", now=morning)
    assert deliver_due(now=morning)["sent"] == 1
    [sent] = mail.outbox  # the test settings' in-memory backend
    assert sent.to == ["wang@example.cn"] and sent.subject == "【提案办理】区建委已答复，请评价：关于加装电梯的建议"
    assert sent.body.startswith("区建委已答复，请评价")
    msg = OutboxMessage.objects.get()
    assert (msg.state, msg.attempts, msg.via) == ("sent", 1, "email:locmem")
    assert sent.extra_headers["X-Banli-Outbox-Id"] == str(msg.pk)


def test_retries_back_off_exponentially_then_fail_after_the_last_try(world, member_by_sms, sms_gateway, settings):
    settings.BANLI_NOTIFY_RETRY_SECONDS = 60
    settings.BANLI_NOTIFY_MAX_ATTEMPTS = 4
    sms_gateway.status = 500
    t0 = at(10)
    queue_messages([member_by_sms.pk], "urge", "催办：请抓紧办理。", now=t0)
    msg = OutboxMessage.objects.get()

    assert deliver_due(now=t0)["retried"] == 1
    assert state(msg) == ("queued", 1, t0 + 1 * MIN)
    assert "HTTP 500" in msg.last_error
    assert deliver_due(now=t0 + datetime.timedelta(seconds=30)) == {"sent": 0, "retried": 0, "failed": 0, "held": False}
    deliver_due(now=t0 + 1 * MIN)
    assert state(msg) == ("queued", 2, t0 + 3 * MIN)  # waited 1, now 2
    deliver_due(now=t0 + 3 * MIN)
    assert state(msg) == ("queued", 3, t0 + 7 * MIN)  # then 4
    assert deliver_due(now=t0 + 7 * MIN)["failed"] == 1
    assert state(msg) == ("failed", 4, None)
    assert msg.sent_at is None and "HTTP 500" in msg.last_error
    assert len(sms_gateway.requests) == 4
    # Failed is final: later passes leave it alone.
    deliver_due(now=t0 + datetime.timedelta(days=1))
    assert state(msg) == ("failed", 4, None) and len(sms_gateway.requests) == 4


def test_backoff_is_capped(world, member_by_sms, sms_gateway, settings):
    settings.BANLI_NOTIFY_RETRY_SECONDS = 600
    settings.BANLI_NOTIFY_RETRY_MAX_SECONDS = 900
    settings.BANLI_NOTIFY_MAX_ATTEMPTS = 5
    sms_gateway.status = 502
    t = at(9)
    queue_messages([member_by_sms.pk], "urge", "催办", now=t)
    msg = OutboxMessage.objects.get()
    waits = []
    for _ in range(3):
        deliver_due(now=t)
        _, _, nxt = state(msg)
        waits.append((nxt - t).total_seconds())
        t = nxt
    assert waits == [600, 900, 900]


def test_nothing_is_lost_while_the_gateway_is_down(world, member_by_sms, cosigner, sms_gateway, settings):
    settings.BANLI_NOTIFY_RETRY_SECONDS = 60
    NotificationPreference.objects.create(user=cosigner, by_sms=True)
    t0 = at(10)
    sms_gateway.stop()  # the provider is unreachable
    queue_messages([member_by_sms.pk, cosigner.pk], "urge", "催办：请于3个工作日内答复。", now=t0)
    assert deliver_due(now=t0)["retried"] == 2
    rows = list(OutboxMessage.objects.order_by("recipient_id"))
    assert [state(m)[:2] for m in rows] == [("queued", 1), ("queued", 1)]
    assert all("不可达" in m.last_error for m in rows)

    sms_gateway.start()
    sms_gateway.status = 500  # up, but failing
    deliver_due(now=t0 + MIN)
    assert [state(m)[:2] for m in rows] == [("queued", 2), ("queued", 2)]

    sms_gateway.status = 200  # recovered
    assert deliver_due(now=t0 + 3 * MIN)["sent"] == 2
    for m in rows:
        m.refresh_from_db()
        assert (m.state, m.attempts, m.sent_at, m.via) == ("sent", 3, t0 + 3 * MIN, "http")
    last = sorted((r.json()["mobile"], r.json()["content"]) for r in sms_gateway.requests[-2:])
    assert last == [("13800000001", "【区政府】催办：请于3个工作日内答复。"), ("13800000002", "【区政府】催办：请于3个工作日内答复。")]
    assert len(sms_gateway.requests) == 4  # two 500s, two successes; the refused connections never arrived


def test_a_broken_configuration_is_retried_and_reported(world, member_by_sms, settings, morning):
    settings.BANLI_SMS_BACKEND = "http"
    settings.BANLI_SMS_HTTP_URL = ""
    queue_messages([member_by_sms.pk], "urge", "催办", now=morning)
    deliver_due(now=morning)
    msg = OutboxMessage.objects.get()
    assert (msg.state, msg.attempts) == ("queued", 1) and "BANLI_SMS_HTTP_URL" in msg.last_error


def test_the_office_sends_a_failed_message_again(world, lead_liaison, morning):
    NotificationPreference.objects.create(user=lead_liaison, by_sms=True)  # no number yet
    queue_messages([lead_liaison.pk], "urge", "催办", now=morning)
    msg = OutboxMessage.objects.get()
    assert (msg.state, msg.address) == ("failed", "")
    assert requeue([msg.pk], now=morning) == 0  # still nobody to send to
    NotificationPreference.objects.filter(user=lead_liaison).update(phone="13700000001")
    assert requeue([msg.pk], now=morning) == 1
    assert state(msg) == ("queued", 0, morning) and msg.address == "13700000001"
    deliver_due(now=morning)
    assert state(msg)[:2] == ("sent", 1)
