"""The transactional outbox (issue 15.5): an action's notifications and outbox rows are written in
the action's own transaction, before it commits; only the sending waits for the commit. A refused
or rolled-back action tells nobody. (The crash itself, in a child process that dies after the
commit: test_transactional_outbox_crash.py.)"""

import pytest
from django.db import transaction

from banli.errors import BanliError
from banli.notify import outbox
from banli.notify.models import ChannelMinimum, Notification, NotificationPreference, OutboxMessage
from banli.proposals import actions
from banli.proposals.models import Message, UrgeNotice
from tests.builders import lead_assignment, make_item


@pytest.fixture
def urgeable(world, lead_liaison):
    ChannelMinimum.objects.create(kind="urge", sms=True)
    NotificationPreference.objects.create(user=lead_liaison, phone="13700000001")
    item = make_item(world, "handling", co=False)
    OutboxMessage.objects.all().delete()
    Notification.objects.all().delete()
    return item


def urge(user, item):
    return actions.urge(user, item.pk, assignment=lead_assignment(item).pk, text="答复期限将至，请抓紧办理。")


def test_the_rows_are_written_before_the_commit_and_nothing_waits_for_it_but_sending(urgeable, gov_office, lead_liaison,
                                                                                    django_capture_on_commit_callbacks, settings):
    settings.BANLI_NOTIFY_DELIVER_ON_COMMIT = True
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        urge(gov_office, urgeable)
        # Still inside the test's transaction, no callback run: the news is already written.
        assert Notification.objects.filter(recipient=lead_liaison, kind="urge", item=urgeable).count() == 1
        assert list(OutboxMessage.objects.filter(recipient=lead_liaison).values_list("channel", "state")) == [("sms", "queued")]
    # What is left for after the commit is one delivery pass, however many rows were queued.
    assert [c for c in callbacks if c is outbox._start_delivery] == [outbox._start_delivery]


def test_a_kind_for_the_digest_starts_no_delivery(world, member, django_capture_on_commit_callbacks, settings):
    settings.BANLI_NOTIFY_DELIVER_ON_COMMIT = True
    item = make_item(world, "handling", co=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.post_message(member, item.pk, body="请问进展？")
    assert Notification.objects.filter(kind="message", item=item).exists()
    assert outbox._start_delivery not in callbacks


def test_a_rolled_back_action_leaves_no_notification_and_no_outbox_row(urgeable, gov_office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            urge(gov_office, urgeable)
            raise RuntimeError("the request failed after the action, before the commit")
    assert callbacks == []
    assert not UrgeNotice.objects.exists() and not Notification.objects.exists() and not OutboxMessage.objects.exists()


def test_a_refused_action_tells_nobody(urgeable, lead_liaison, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(BanliError):
            urge(lead_liaison, urgeable)  # only the office urges
    assert callbacks == [] and not Notification.objects.exists() and not OutboxMessage.objects.exists()


def test_a_failure_writing_the_news_fails_the_action(world, member, monkeypatch):
    """Together or not at all, both ways: a message whose notifications cannot be written is not posted."""
    item = make_item(world, "handling", co=False)

    def broken(*args, **kwargs):
        raise RuntimeError("inbox table unavailable")

    monkeypatch.setattr(Notification.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        actions.post_message(member, item.pk, body="请问进展？")
    assert not Message.objects.filter(item=item).exists()
