"""The inbox's writes go through banli.notify.actions, whichever door calls them: a change of
channels is audited (who is reached by SMS and e-mail is the office's business), marking read is
the reader's own bookkeeping and leaves no audit row."""

import pytest
from rest_framework.test import APIClient

from banli.audit.models import AuditRecord
from banli.errors import BanliError
from banli.notify import actions, selectors
from banli.notify.models import Notification, NotificationPreference
from banli.notify.service import notify
from tests.checks import assert_audit, unchanged

pytestmark = pytest.mark.django_db


def login(user) -> APIClient:
    c = APIClient()
    c.force_login(user)
    return c


def test_saving_channels_through_the_api_writes_one_audit_row(world, lead_liaison):
    c = login(lead_liaison)
    r = c.patch("/api/notifications/preferences/", {"by_sms": True, "phone": "13700000001"}, format="json")
    assert r.status_code == 200
    pref = NotificationPreference.objects.get(user=lead_liaison)
    assert_audit("set_notification_channels", actor=lead_liaison, target=pref,
                 before={"by_sms": False, "phone": ""}, after={"by_sms": True, "phone": "13700000001"})
    # Setting what is already set changes nothing and records nothing.
    with unchanged():
        assert c.patch("/api/notifications/preferences/", {"by_sms": True}, format="json").status_code == 200
    assert_audit("set_notification_channels", count=1)
    # Only what changed is recorded.
    c.patch("/api/notifications/preferences/", {"by_sms": True, "by_email": True}, format="json")
    row = assert_audit("set_notification_channels", count=2)
    assert (row.before, row.after) == ({"by_email": False}, {"by_email": True})


def test_refused_channels_change_nothing_and_record_nothing(world, lead_liaison):
    with unchanged():
        r = login(lead_liaison).patch("/api/notifications/preferences/", {"phone": "call me", "by_email": True}, format="json")
    assert r.status_code == 400
    assert not AuditRecord.objects.filter(action="set_notification_channels").exists()


def test_the_action_takes_only_preference_fields(world, lead_liaison):
    with pytest.raises(TypeError):
        actions.save_preferences(lead_liaison, user=world.member)
    assert not NotificationPreference.objects.exists()


def test_reading_the_preferences_writes_nothing(world, lead_liaison):
    with unchanged():
        assert login(lead_liaison).get("/api/notifications/preferences/").status_code == 200
    assert selectors.preference(lead_liaison).pk is None  # the defaults, unsaved


def test_marking_read_is_mine_only_and_leaves_no_audit_row(world, member, lead_liaison):
    notify([member.pk], "report_progress", "区建委报送了办理进展")
    mine = Notification.objects.get(recipient=member)
    for someone, ident in ((lead_liaison, mine.pk), (member, 2**63), (member, "abc"), (member, 0)):
        with pytest.raises(BanliError) as info:
            actions.mark_read(someone, ident)
        assert info.value.status == 404
    assert selectors.unread_count(member) == 1
    assert actions.mark_read(member, mine.pk) == 1
    assert actions.mark_read(member, mine.pk) == 0
    assert selectors.unread_count(member) == 0
    assert not AuditRecord.objects.exists()


def test_the_page_and_the_api_mark_read_through_the_same_action(world, member, monkeypatch):
    notify([member.pk], "report_progress", "区建委报送了办理进展")
    n = Notification.objects.get(recipient=member)
    calls = []
    real = actions.mark_read
    monkeypatch.setattr(actions, "mark_read", lambda user, pk: calls.append((user.pk, str(pk))) or real(user, pk))
    login(member).post(f"/api/notifications/{n.pk}/read/")
    c = APIClient()
    c.force_login(member)
    c.post("/inbox/read/", {"id": n.pk})
    assert calls == [(member.pk, str(n.pk))] * 2
