"""The inbox through the API: unread count, mark one / all read, each person's channel choice.
Nobody reads or marks anyone else's."""

import pytest
from rest_framework.test import APIClient

from banli.notify.models import ChannelMinimum, Notification, NotificationPreference
from banli.notify.service import notify

pytestmark = pytest.mark.django_db


def login(user):
    c = APIClient()
    c.force_login(user)
    return c


@pytest.fixture
def inboxes(world, member, lead_liaison):
    notify([member.pk, lead_liaison.pk], "register", "已立案第1号")
    # News, not work: "replied" (请评价) is on the proposer's to-do list and not counted as unread.
    notify([member.pk], "report_progress", "区建委报送了办理进展")
    notify([member.pk], "closed", "已办结")
    return {u: list(Notification.objects.filter(recipient=u).order_by("id")) for u in (member, lead_liaison)}


def test_unread_count_and_mark_one_read(inboxes, member):
    c = login(member)
    assert c.get("/api/notifications/unread/").json() == {"unread": 3}
    first = inboxes[member][0]
    r = c.post(f"/api/notifications/{first.pk}/read/")
    assert r.status_code == 200 and r.json() == {"marked": 1, "unread": 2}
    first.refresh_from_db()
    assert first.read_at is not None
    read_at = first.read_at
    # Repeating changes nothing, not even the time it was read.
    assert c.post(f"/api/notifications/{first.pk}/read/").json() == {"marked": 0, "unread": 2}
    first.refresh_from_db()
    assert first.read_at == read_at
    listed = {n["id"]: n["read_at"] for n in c.get("/api/notifications/").json()["results"]}
    assert listed[first.pk] is not None and sum(v is None for v in listed.values()) == 2


def test_mark_all_read_touches_only_my_own(inboxes, member, lead_liaison):
    r = login(member).post("/api/notifications/read-all/")
    assert r.status_code == 200 and r.json() == {"marked": 3, "unread": 0}
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    assert Notification.objects.get(recipient=lead_liaison).read_at is None
    assert login(lead_liaison).get("/api/notifications/unread/").json() == {"unread": 1}


def test_nobody_marks_someone_elses_notification(inboxes, member, lead_liaison):
    theirs = inboxes[member][0]
    r1 = login(lead_liaison).post(f"/api/notifications/{theirs.pk}/read/")
    r2 = login(lead_liaison).post("/api/notifications/99999999/read/")
    # Someone else's looks exactly like a missing one, and stays unread.
    assert r1.status_code == r2.status_code == 404 and r1.json() == r2.json() and r1.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert login(member).get("/api/notifications/unread/").json() == {"unread": 3}


def test_anonymous_gets_nothing(inboxes, member):
    c = APIClient()
    assert c.get("/api/notifications/unread/").status_code in (401, 403)
    assert c.post(f"/api/notifications/{inboxes[member][0].pk}/read/").status_code in (401, 403)
    assert c.post("/api/notifications/read-all/").status_code in (401, 403)
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_a_person_sets_their_own_channels(world, lead_liaison, member):
    ChannelMinimum.objects.create(kind="urge", sms=True)
    c = login(lead_liaison)
    assert c.get("/api/notifications/preferences/").json() == {
        "by_sms": False, "by_email": False, "phone": "", "email": "", "office_minimums": {"urge": ["sms"]}}
    r = c.patch("/api/notifications/preferences/", {"by_sms": True, "phone": "13700000001"}, format="json")
    assert r.status_code == 200 and r.json()["by_sms"] is True
    pref = NotificationPreference.objects.get(user=lead_liaison)
    assert (pref.by_sms, pref.by_email, pref.phone) == (True, False, "13700000001")
    # Bad input is refused and changes nothing.
    r = c.patch("/api/notifications/preferences/", {"phone": "call me", "by_email": True}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    pref.refresh_from_db()
    assert (pref.by_email, pref.phone) == (False, "13700000001")
    assert not NotificationPreference.objects.filter(user=member).exists()


def test_an_id_beyond_what_the_database_holds_is_not_found(inboxes, member):
    r = login(member).post(f"/api/notifications/{2**64}/read/")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
