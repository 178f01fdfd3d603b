"""The e-mail channel against a real SMTP server on loopback (aiosmtpd)."""

import email
from email import policy

import pytest
from django.contrib.auth import get_user_model

from banli.notify.models import NotificationPreference, OutboxMessage
from banli.notify.outbox import deliver_due, queue_messages

pytestmark = pytest.mark.django_db

TEXT = "催办：关于加快老旧小区加装电梯的建议。请于3个工作日内答复，逾期将通报。"


def test_smtp_round_trip_in_chinese(world, member, smtp_server, morning):
    get_user_model().objects.filter(pk=member.pk).update(email="wang@example.cn")
    NotificationPreference.objects.create(user=member, by_email=True)
    queue_messages([member.pk], "urge", TEXT, now=morning)
    assert deliver_due(now=morning)["sent"] == 1

    [envelope] = smtp_server.received
    assert envelope.rcpt_tos == ["wang@example.cn"]
    received = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert received["To"] == "wang@example.cn"
    # Python folds a long encoded header before its first word; unfolding leaves that one space.
    assert str(received["Subject"]).lstrip() == "【提案办理】催办：关于加快老旧小区加装电梯的建议。请于3个工作日内答复，逾期将通报。"
    assert received.get_content().startswith(TEXT)
    msg = OutboxMessage.objects.get()
    assert received["X-Banli-Outbox-Id"] == str(msg.pk)
    assert (msg.state, msg.attempts, msg.sent_at, msg.via) == ("sent", 1, morning, "email:smtp")


def test_mail_server_down_then_back(world, member, smtp_server, settings, morning):
    settings.BANLI_NOTIFY_RETRY_SECONDS = 60
    get_user_model().objects.filter(pk=member.pk).update(email="wang@example.cn")
    NotificationPreference.objects.create(user=member, by_email=True)
    queue_messages([member.pk], "urge", TEXT, now=morning)
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there: connection refused
    assert deliver_due(now=morning)["retried"] == 1
    msg = OutboxMessage.objects.get()
    assert (msg.state, msg.attempts) == ("queued", 1) and "邮件服务器不可用" in msg.last_error
    settings.EMAIL_PORT = port
    assert deliver_due(now=msg.next_attempt_at)["sent"] == 1
    msg.refresh_from_db()
    assert (msg.state, msg.attempts) == ("sent", 2)
    assert [e.rcpt_tos for e in smtp_server.received] == [["wang@example.cn"]]
