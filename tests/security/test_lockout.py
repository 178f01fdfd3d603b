"""Login lockout (等保2.0 登录失败处理): repeated failures lock the account, or the address they
come from, at every door that logs in (/login/, /admin/login/, /api/token/); the lock lifts after
the cool-off or when the office unlocks it; each failure, lockout and unlock is a security event."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from banli.audit.models import AuditRecord
from tests.builders import PASSWORD
from tests.checks import assert_audit
from tests.web.pages import login, text

pytestmark = pytest.mark.django_db
LIMIT = 5  # settings.BANLI_LOGIN_FAILURE_LIMIT's default


def events(kind):
    return list(AuditRecord.objects.filter(action=f"security.{kind}").order_by("pk"))


def fail_at_login(client, username="member", times=1):
    for _ in range(times):
        r = client.post("/login/", {"username": username, "password": "wrong-password"})
    return r


def logs_in(client, username="member", password=PASSWORD) -> bool:
    client.post("/login/", {"username": username, "password": password})
    return "_auth_user_id" in client.session


def test_an_account_is_locked_after_the_limit_and_even_the_right_password_is_refused(world):
    c = Client()
    r = fail_at_login(c, times=LIMIT - 1)
    assert r.status_code == 200 and "用户名或密码不正确" in text(r)
    r = fail_at_login(c)
    assert r.status_code == 429
    page = text(r)
    assert "登录已被锁定" in page and "30 分钟" in page and "区府办" in page
    assert not logs_in(c) and not logs_in(Client(REMOTE_ADDR="10.1.2.3"))  # the account, from anywhere
    # Each failure recorded, the lockout once, with what was typed and from where (never the password).
    failed = events("login_failed")
    assert len(failed) == LIMIT + 2 and {e.after["username"] for e in failed} == {"member"}
    assert [e.after["locked"] for e in failed] == [False] * (LIMIT - 1) + [True] * 3
    (lock,) = events("lockout")
    assert lock.after["username"] == "member" and lock.after["ip"] == "127.0.0.1" and lock.after["failures"] == LIMIT
    assert "wrong-password" not in str([e.after for e in failed]) + str(list(AccessAttempt.objects.values_list("post_data", flat=True)))


def test_the_lock_lifts_after_the_cool_off(world):
    fail_at_login(Client(), times=LIMIT)
    assert not logs_in(Client())
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    assert logs_in(Client())


def test_failures_count_across_the_three_doors_and_the_api_answers_json(world):
    c = Client()
    fail_at_login(c, times=2)
    for _ in range(2):
        r = c.post("/admin/login/", {"username": "member", "password": "wrong-password"})
        assert r.status_code == 200
    api = APIClient()
    r = api.post("/api/token/", {"username": "member", "password": "wrong-password"}, format="json")
    assert r.status_code == 429, r.content
    body = r.json()
    assert body["code"] == "locked_out" and "锁定" in body["message_zh"] and "locked" in body["message_en"]
    r = api.post("/api/token/", {"username": "member", "password": PASSWORD}, format="json")
    assert r.status_code == 429 and "token" not in r.json()
    r = Client().post("/admin/login/", {"username": "admin_user", "password": "wrong-password"})  # another account is not locked
    assert r.status_code == 200
    assert {e.after["path"] for e in events("login_failed")} >= {"/login/", "/admin/login/", "/api/token/"}


def test_an_address_is_locked_after_its_own_limit(world, settings):
    settings.BANLI_LOGIN_ADDRESS_FAILURE_LIMIT = 8
    crowd = Client(REMOTE_ADDR="10.9.9.9")
    for n in range(8):  # eight accounts tried once each: no account reaches its limit
        r = fail_at_login(crowd, username=f"guess{n}")
    assert r.status_code == 429
    assert not logs_in(Client(REMOTE_ADDR="10.9.9.9"))  # the address is locked, whatever the account
    assert logs_in(Client(REMOTE_ADDR="10.9.9.10"))  # the same account from elsewhere is not
    assert events("lockout")[-1].after["ip"] == "10.9.9.9"


def test_a_success_clears_the_account_count_but_not_others_at_the_same_address(world):
    c = Client()
    fail_at_login(c, times=LIMIT - 1)
    assert logs_in(Client(), username="other_member")  # someone else logs in from the same address
    r = fail_at_login(Client())
    assert r.status_code == 429, "another account's login must not clear member's failures"
    AccessAttempt.objects.all().delete()
    fail_at_login(Client(), times=LIMIT - 1)
    assert logs_in(Client())  # member's own success clears member's count
    r = fail_at_login(Client(), times=LIMIT - 1)
    assert r.status_code == 200


def test_the_office_sees_who_is_locked_and_unlocks_an_account(world):
    fail_at_login(Client(REMOTE_ADDR="10.0.0.7"), times=LIMIT)
    office = login(world.gov_office)
    page = text(office.get("/office/lockouts/"))
    assert 'data-locked-account="member"' in page and "10.0.0.7" in page and 'href="/office/lockouts/"' in page
    r = office.post("/office/lockouts/unlock/", {"username": "member"})
    assert r.status_code == 302 and r["Location"] == "/office/lockouts/"
    assert "已解除账号 member 的登录锁定" in text(office.get("/office/lockouts/"))
    assert not AccessAttempt.objects.filter(username="member").exists()
    assert logs_in(Client(REMOTE_ADDR="10.0.0.7"))
    assert_audit("unlock_login", actor=world.gov_office, target=world.member, before={"failures": LIMIT}, after={"failures": 0})
    (unlock,) = events("unlock")
    assert unlock.actor_id == world.gov_office.pk and unlock.after["username"] == "member"


def test_the_office_unlocks_an_address(world, settings):
    settings.BANLI_LOGIN_ADDRESS_FAILURE_LIMIT = 6
    crowd = Client(REMOTE_ADDR="10.8.8.8")
    for n in range(6):
        fail_at_login(crowd, username=f"guess{n}")
    office = login(world.admin_user)  # a superuser has the page too
    assert 'data-locked-address="10.8.8.8"' in text(office.get("/office/lockouts/"))
    assert office.post("/office/lockouts/unlock/", {"ip_address": "10.8.8.8"}).status_code == 302
    assert logs_in(Client(REMOTE_ADDR="10.8.8.8"))
    assert events("unlock")[-1].after["address"] == "10.8.8.8"
    # Nothing to unlock, or an address that is no address: not found, nothing written.
    before = AuditRecord.objects.count()
    assert office.post("/office/lockouts/unlock/", {"ip_address": "not-an-address"}).status_code == 404
    assert office.post("/office/lockouts/unlock/", {"username": "nobody"}).status_code == 404
    assert AuditRecord.objects.count() == before


@pytest.mark.parametrize("persona", ["lead_liaison", "member", "cppcc_office"])
def test_others_may_not_see_or_unlock(world, persona):
    fail_at_login(Client(), username="co_liaison", times=LIMIT)
    c = login(getattr(world, persona))
    r = c.get("/office/lockouts/")
    assert r.status_code == 403 and "只有区府办" in text(r)
    r = c.post("/office/lockouts/unlock/", {"username": "co_liaison"})
    assert r.status_code == 403
    assert AccessAttempt.objects.filter(username="co_liaison").exists() and not events("unlock")


def test_tests_may_still_log_in_without_a_request(world):
    """Django's test Client.login() authenticates without a request: nothing to count by, let through."""
    assert Client().login(username="member", password=PASSWORD)
    assert not Client().login(username="member", password="wrong-password")
