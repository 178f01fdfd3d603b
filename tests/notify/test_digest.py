"""The daily digest: SMS and e-mail once a day, the day's notifications grouped by kind with their
links, never twice; deadline reminders and urge notices still go at once. Against a real SMTP
server and a real HTTP SMS gateway on loopback."""

import email
from email import policy

import pytest
from django.contrib.auth import get_user_model

from banli.notify.digest import send_digests
from banli.notify.models import ChannelMinimum, Digest, Notification, NotificationPreference, OutboxMessage
from banli.notify.outbox import deliver_due
from banli.notify.service import notify

from .conftest import at

pytestmark = pytest.mark.django_db

User = get_user_model()
SITE = "https://banli.example.gov.cn"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.BANLI_SITE_URL = SITE
    settings.BANLI_DIGEST_HOUR = 17


def tell(users, kind, text, item=None, *, when):
    """A notification as the actions write it, at a given time of the day."""
    notify([u.pk for u in users], kind, text, item.pk if item else None, now=when)
    Notification.objects.filter(text=text, created_at__gt=when).update(created_at=when)


def mails(smtp_server):
    return [email.message_from_bytes(e.original_content, policy=policy.default) for e in smtp_server.received]


@pytest.fixture
def liaison_by_email(world, lead_liaison):
    User.objects.filter(pk=lead_liaison.pk).update(email="jw@example.gov.cn")
    NotificationPreference.objects.create(user=lead_liaison, by_email=True)
    return lead_liaison


def a_day(world, liaison):
    from tests.builders import make_item

    a, b = make_item(world, "submitted"), make_item(world, "submitted")
    tell([liaison], "assigned", f"新交办第0001号，请在规定时限内签收：{a.title}", a, when=at(9))
    tell([liaison], "assigned", f"新交办第0002号，请在规定时限内签收：{b.title}", b, when=at(10))
    tell([liaison], "message", f"委员/代表留言：{a.title}", a, when=at(11))
    return a, b


def test_one_email_a_day_grouped_with_links(world, liaison_by_email, smtp_server):
    a, b = a_day(world, liaison_by_email)
    # Nothing is e-mailed as it happens: the inbox has it at once, the e-mail waits for the digest.
    assert OutboxMessage.objects.count() == 0
    assert Notification.objects.filter(recipient=liaison_by_email).count() == 3

    assert send_digests(now=at(16, 59)) == {"digests": 0, "messages": 0}  # before the hour
    assert send_digests(now=at(17, 5)) == {"digests": 1, "messages": 1}
    assert deliver_due(now=at(17, 5))["sent"] == 1

    [mail] = mails(smtp_server)
    assert mail["To"] == "jw@example.gov.cn"
    assert str(mail["Subject"]).lstrip() == "【提案办理】2026年3月2日通知汇总：共 3 条"
    body = mail.get_content().replace("\r\n", "\n")  # SMTP lines end in CRLF
    assert body.startswith(
        "2026年3月2日通知汇总：共 3 条\n\n"
        "新交办（2 条）\n"
        f"  · 新交办第0001号，请在规定时限内签收：{a.title}\n    {SITE}/items/{a.pk}/\n"
        f"  · 新交办第0002号，请在规定时限内签收：{b.title}\n    {SITE}/items/{b.pk}/\n\n"
        "留言（1 条）\n"
        f"  · 委员/代表留言：{a.title}\n    {SITE}/items/{a.pk}/\n\n"
        f"全部通知：{SITE}/inbox/")
    digest = Digest.objects.get()
    assert (digest.recipient_id, str(digest.day), digest.count) == (liaison_by_email.pk, "2026-03-02", 3)


def test_never_twice_and_the_next_day_lists_only_what_is_new(world, liaison_by_email, smtp_server):
    a, _ = a_day(world, liaison_by_email)
    send_digests(now=at(17, 5))
    # Every later pass that day (the outbox task runs every minute) sends nothing.
    assert send_digests(now=at(17, 6)) == send_digests(now=at(23, 59)) == {"digests": 0, "messages": 0}
    # What came after the digest waits for the next one, which lists nothing of the first.
    tell([liaison_by_email], "closed", f"已办结：{a.title}", a, when=at(18))
    assert send_digests(now=at(20)) == {"digests": 0, "messages": 0}
    assert send_digests(now=at(17, 1, day=3)) == {"digests": 1, "messages": 1}
    assert send_digests(now=at(17, 2, day=3))["digests"] == 0
    deliver_due(now=at(17, 2, day=3))
    first, second = mails(smtp_server)
    assert str(second["Subject"]).lstrip() == "【提案办理】2026年3月3日通知汇总：共 1 条"
    assert "已办结（1 条）" in second.get_content() and "新交办" not in second.get_content()
    # A day with nothing new sends nothing.
    assert send_digests(now=at(17, 1, day=4)) == {"digests": 0, "messages": 0}
    assert len(smtp_server.received) == 2
    assert list(Digest.objects.order_by("day").values_list("day", "count")) == [(at(0).date(), 3), (at(0, day=3).date(), 1)]


def test_deadline_reminders_and_urge_notices_still_go_at_once(world, liaison_by_email, smtp_server):
    from tests.builders import make_item

    item = make_item(world, "submitted")
    tell([liaison_by_email], "urge", f"催办：{item.title}。请于3个工作日内答复。", item, when=at(10))
    tell([liaison_by_email], "reminder_due", f"【今日到期】《{item.title}》答复今天到期，请及时办理。", item, when=at(10))
    tell([liaison_by_email], "assigned", f"新交办第0001号，请在规定时限内签收：{item.title}", item, when=at(10))
    assert sorted(OutboxMessage.objects.values_list("kind", flat=True)) == ["reminder_due", "urge"]
    assert deliver_due(now=at(10))["sent"] == 2
    send_digests(now=at(17))
    deliver_due(now=at(17))
    subjects = [str(m["Subject"]).lstrip() for m in mails(smtp_server)]
    assert subjects[:2] == [f"【提案办理】催办：{item.title}。请于3个工作日内答复。", f"【提案办理】【今日到期】《{item.title}》答复今天到期，请及时办理。"]
    # The digest lists only what was not sent already.
    assert subjects[2] == "【提案办理】2026年3月2日通知汇总：共 1 条"
    assert "催办" not in mails(smtp_server)[2].get_content()


def test_the_sms_digest_is_one_short_message(world, member, sms_gateway):
    NotificationPreference.objects.create(user=member, by_sms=True)  # the number on the member's record
    from tests.builders import make_item

    items = [make_item(world, "submitted") for _ in range(3)]
    for n, item in enumerate(items, 1):
        tell([member], "register", f"已立案第{n:04d}号：{item.title}", item, when=at(9 + n))
    tell([member], "closed", f"已办结：{items[0].title}", items[0], when=at(14))
    tell([member], "message", f"区建委回复留言：{items[0].title}", items[0], when=at(15))
    tell([member], "reject", f"不予立案：{items[1].title}。理由：不属于本区职权范围。", items[1], when=at(16))
    assert send_digests(now=at(17, 30)) == {"digests": 1, "messages": 1}
    assert deliver_due(now=at(17, 30))["sent"] == 1
    [request] = sms_gateway.requests
    sent = request.json()
    assert sent["mobile"] == "13800000001"
    # The three largest groups by name, "等" for the rest, and where to read them all.
    assert sent["content"] == f"【区政府】2026年3月2日通知 6 条：已立案 3 条，已办结 1 条，留言 1 条等。详见 {SITE}/inbox/"


def test_the_offices_minimum_puts_its_kinds_in_the_digest(world, lead_liaison, co_liaison, smtp_server):
    """The office requires e-mail for new assignments: a liaison who chose nothing gets those, and only those."""
    ChannelMinimum.objects.create(kind="assigned", email=True)
    User.objects.filter(pk=lead_liaison.pk).update(email="jw@example.gov.cn")
    a_day(world, lead_liaison)
    assert send_digests(now=at(17)) == {"digests": 1, "messages": 1}
    deliver_due(now=at(17))
    [mail] = mails(smtp_server)
    assert str(mail["Subject"]).lstrip() == "【提案办理】2026年3月2日通知汇总：共 2 条"
    assert "留言" not in mail.get_content()
    # Someone with no address for a channel the office requires is shown as not reached.
    tell([co_liaison], "assigned", "新交办第0003号，请在规定时限内签收：另一件", when=at(12))
    send_digests(now=at(17, 1))
    row = OutboxMessage.objects.get(recipient=co_liaison)
    assert (row.kind, row.state, row.last_error) == ("digest", "failed", "没有电子邮箱（no e-mail address on file）")


def test_in_app_only_people_get_no_digest(world, member, lead_liaison):
    a_day(world, lead_liaison)
    assert send_digests(now=at(17)) == {"digests": 0, "messages": 0}
    assert Digest.objects.count() == OutboxMessage.objects.count() == 0
