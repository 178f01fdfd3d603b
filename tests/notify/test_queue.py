"""Who gets which channel, at which address: the person's choice ∪ the office's minimum ∪ in-app,
queued in the outbox beside the in-app row; SMS held in quiet hours."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from banli.notify.models import ChannelMinimum, Notification, NotificationPreference, OutboxMessage
from banli.notify.outbox import deliver_due, queue_messages
from banli.notify.service import notify
from banli.proposals import actions
from tests.builders import lead_assignment, make_item

from .conftest import at

pytestmark = pytest.mark.django_db

User = get_user_model()


def outbox(**filters):
    return list(OutboxMessage.objects.filter(**filters).order_by("channel", "recipient_id").values_list(
        "channel", "recipient__username", "address", "state", "attempts", "last_error"))


def test_in_app_only_unless_someone_asks_for_more(world, member, lead_liaison, morning):
    notify([member.pk, lead_liaison.pk, None, member.pk], "register", "已立案第1号：关于加装电梯的建议", now=morning)
    assert sorted(Notification.objects.values_list("recipient__username", "kind", "read_at")) == [
        ("lead_liaison", "register", None), ("member", "register", None)]
    assert OutboxMessage.objects.count() == 0


def test_a_person_chooses_sms_and_email(world, member, cosigner, morning):
    User.objects.filter(pk=member.pk).update(email="wang@example.cn")
    NotificationPreference.objects.create(user=member, by_sms=True, by_email=True)
    NotificationPreference.objects.create(user=cosigner, by_email=True, email="li@example.cn", phone="13912345678")
    queue_messages([member.pk, cosigner.pk], "replied", "区建委已答复，请评价：关于加装电梯的建议", now=morning)
    # Numbers and addresses are resolved when queued: Person.phone for a member, the preference's
    # own e-mail over the account's; the cosigner's phone is unused as they did not choose SMS.
    assert sorted(outbox()) == [
        ("email", "cosigner", "li@example.cn", "queued", 0, ""),
        ("email", "member", "wang@example.cn", "queued", 0, ""),
        ("sms", "member", "13800000001", "queued", 0, ""),
    ]
    rows = OutboxMessage.objects.all()
    assert all(m.next_attempt_at == morning and m.kind == "replied" for m in rows)


def test_office_minimum_applies_whatever_the_person_chose(world, member, lead_liaison, co_liaison, morning):
    ChannelMinimum.objects.create(kind="urge", sms=True, note="催办必须发短信")
    NotificationPreference.objects.create(user=co_liaison, phone="13600000009")  # chose nothing, but has a number
    queue_messages([member.pk, lead_liaison.pk, co_liaison.pk], "urge", "催办：请抓紧办理。", now=morning)
    assert sorted(outbox()) == sorted([
        ("sms", "member", "13800000001", "queued", 0, ""),
        ("sms", "co_liaison", "13600000009", "queued", 0, ""),
        # Staff without a number are not skipped silently: the office sees who could not be reached.
        ("sms", "lead_liaison", "", "failed", 0, "没有手机号码（no phone number on file）"),
    ])
    # Other kinds are not raised to the minimum.
    queue_messages([member.pk], "assigned", "新交办", now=morning)
    assert OutboxMessage.objects.filter(kind="assigned").count() == 0
    # A failed-for-no-address row is never picked up by delivery.
    assert deliver_due(now=morning)["sent"] == 2
    assert OutboxMessage.objects.get(recipient=lead_liaison).state == "failed"


def test_email_chosen_without_an_address_is_recorded_as_failed(world, lead_head, morning):
    NotificationPreference.objects.create(user=lead_head, by_email=True)
    queue_messages([lead_head.pk], "submit_reply", "答复待审核", now=morning)
    assert outbox() == [("email", "lead_head", "", "failed", 0, "没有电子邮箱（no e-mail address on file）")]


def test_an_urge_notice_goes_by_sms_after_the_action_commits(world, gov_office, lead_liaison, django_capture_on_commit_callbacks):
    ChannelMinimum.objects.create(kind="urge", sms=True)
    NotificationPreference.objects.create(user=lead_liaison, phone="13700000001", by_email=True)
    User.objects.filter(pk=lead_liaison.pk).update(email="jw@example.gov.cn")
    item = make_item(world, "handling", co=False)
    OutboxMessage.objects.all().delete()  # whatever the builder's steps queued
    with django_capture_on_commit_callbacks(execute=True):
        actions.urge(gov_office, item.pk, assignment=lead_assignment(item).pk, text="答复期限将至，请抓紧办理。")
    mine = OutboxMessage.objects.filter(recipient=lead_liaison, kind="urge")
    assert sorted(mine.values_list("channel", "address", "state", "item")) == [
        ("email", "jw@example.gov.cn", "queued", item.pk), ("sms", "13700000001", "queued", item.pk)]
    assert mine.get(channel="sms").text == Notification.objects.get(recipient=lead_liaison, kind="urge").text
    assert "答复期限将至" in mine.get(channel="sms").text


def test_a_rolled_back_action_queues_nothing(world, member):
    NotificationPreference.objects.create(user=member, by_sms=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        notify([member.pk], "register", "已立案")
        raise RuntimeError("the action failed after deciding to notify")
    assert Notification.objects.count() == OutboxMessage.objects.count() == 0


@pytest.mark.parametrize("queued_at, released_at", [
    (at(22, 30), at(8, 0, day=3)),  # evening: next morning
    (at(3, 15), at(8, 0)),  # after midnight: the same morning
    (at(21, 0), at(8, 0, day=3)),  # the window's first minute
])
def test_no_sms_in_quiet_hours_but_email_is_not_held(world, member, queued_at, released_at):
    User.objects.filter(pk=member.pk).update(email="wang@example.cn")
    NotificationPreference.objects.create(user=member, by_sms=True, by_email=True)
    queue_messages([member.pk], "register", "已立案", now=queued_at)
    sms, email = OutboxMessage.objects.get(channel="sms"), OutboxMessage.objects.get(channel="email")
    assert sms.next_attempt_at == released_at and email.next_attempt_at == queued_at

    counts = deliver_due(now=queued_at + datetime.timedelta(minutes=1))
    assert counts == {"sent": 1, "retried": 0, "failed": 0, "held": True}
    sms.refresh_from_db()
    assert (sms.state, sms.attempts) == ("queued", 0)
    deliver_due(now=released_at - datetime.timedelta(minutes=1))
    sms.refresh_from_db()
    assert (sms.state, sms.attempts) == ("queued", 0)
    deliver_due(now=released_at)
    sms.refresh_from_db()
    assert (sms.state, sms.attempts, sms.sent_at, sms.via) == ("sent", 1, released_at, "outbox")


def test_a_retry_that_would_fall_in_quiet_hours_waits_for_the_morning(world, member, sms_gateway, settings):
    settings.BANLI_NOTIFY_RETRY_SECONDS = 3600
    NotificationPreference.objects.create(user=member, by_sms=True)
    sms_gateway.status = 503
    queue_messages([member.pk], "register", "已立案", now=at(20, 30))
    deliver_due(now=at(20, 30))
    msg = OutboxMessage.objects.get()
    assert (msg.state, msg.attempts, msg.next_attempt_at) == ("queued", 1, at(8, 0, day=3))  # not 21:30


def test_quiet_hours_can_be_switched_off(world, member, settings):
    settings.BANLI_SMS_QUIET_HOURS = None
    NotificationPreference.objects.create(user=member, by_sms=True)
    queue_messages([member.pk], "register", "已立案", now=at(23, 0))
    assert OutboxMessage.objects.get().next_attempt_at == at(23, 0)
