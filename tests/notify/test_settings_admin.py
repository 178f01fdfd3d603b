"""The typed settings parsers fail loudly; the admin shows the outbox read-only; the command runs a pass."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from banli.notify.models import NotificationPreference, OutboxMessage
from banli.notify.outbox import queue_messages
from banli.settings import env_choice, env_hours, env_int


def test_quiet_hours_parser(monkeypatch):
    assert env_hours("X_QUIET", "21:00-08:00") == ((21, 0), (8, 0))
    monkeypatch.setenv("X_QUIET", "22:30-07:15")
    assert env_hours("X_QUIET", "21:00-08:00") == ((22, 30), (7, 15))
    monkeypatch.setenv("X_QUIET", "off")
    assert env_hours("X_QUIET", "21:00-08:00") is None
    for bad in ("21-08", "25:00-08:00", "21:00", "08:00-08:00"):
        monkeypatch.setenv("X_QUIET", bad)
        with pytest.raises(ImproperlyConfigured, match="X_QUIET"):
            env_hours("X_QUIET", "21:00-08:00")


def test_int_and_choice_parsers(monkeypatch):
    monkeypatch.setenv("X_N", "five")
    with pytest.raises(ImproperlyConfigured, match="X_N must be an integer"):
        env_int("X_N", 5)
    monkeypatch.setenv("X_N", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("X_N", 5, minimum=1)
    monkeypatch.setenv("X_FMT", "xml")
    with pytest.raises(ImproperlyConfigured, match="json, form"):
        env_choice("X_FMT", "json", ("json", "form"))


@pytest.mark.django_db
def test_admin_lists_the_outbox_read_only(world, admin_user, member, client, morning):
    NotificationPreference.objects.create(user=member, by_sms=True)
    [msg] = queue_messages([member.pk], "urge", "催办：请抓紧办理。", now=morning)
    client.force_login(admin_user)
    page = client.get("/admin/notify/outboxmessage/")
    assert page.status_code == 200 and "13800000001" in page.content.decode()
    detail = client.get(f"/admin/notify/outboxmessage/{msg.pk}/change/").content.decode()
    assert "催办：请抓紧办理。" in detail and 'name="_save"' not in detail
    assert client.get("/admin/notify/outboxmessage/add/").status_code == 403
    for url in ("/admin/notify/notificationpreference/", "/admin/notify/channelminimum/add/", "/admin/notify/notification/"):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_command_delivers_one_pass(world, member, capsys):
    NotificationPreference.objects.create(user=member, by_sms=True)
    queue_messages([member.pk], "urge", "催办")  # now: SMS may be held if the suite runs at night
    call_command("deliver_notifications")
    out = capsys.readouterr().out
    msg = OutboxMessage.objects.get()
    assert out.startswith(f"sent {1 if msg.state == 'sent' else 0}, retried 0, failed 0")
