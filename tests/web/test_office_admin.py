"""系统管理 through its pages: each renders for the office, each form writes through its action
(record and audit row), bad input is shown beside its field with nothing written, and a unit's
liaison or a member gets 403 on every page and every form, with nothing changed. The lists run a
fixed number of queries whatever their length."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from banli.audit.models import AuditRecord
from banli.notify.models import ChannelMinimum
from banli.org.actions.sessions import POLICY_FIELDS
from banli.org.models import Person, SessionPolicy, StaffRole, Unit, UnitLiaison
from banli.workdays.models import CalendarDay
from tests.builders import PASSWORD
from tests.checks import assert_audit
from tests.org.office_state import org_state
from tests.web.pages import login, text

pytestmark = pytest.mark.django_db
User = get_user_model()
TODAY = timezone.localdate()


def pages(world):
    session = world.ref.cppcc_session
    return {
        "/office/": "系统管理", "/office/users/": "用户", "/office/users/new/": "新建用户",
        f"/office/users/{world.lead_liaison.pk}/": world.lead_liaison.first_name, "/office/units/": world.lead_unit.name,
        "/office/units/new/": "新建单位", f"/office/units/{world.lead_unit.pk}/": "办理联络员", "/office/leaders/": world.district_leader.first_name,
        "/office/sessions/": session.name, f"/office/sessions/{session.pk}/": "答复时限", "/office/calendar/": "节假日与调休",
        f"/office/calendar/{TODAY.year + 1}/": "录入或修改一天", "/office/notifications/": "通知渠道下限",
    }


def posts(world):
    """Every form of 系统管理, with valid data: what a forbidden user must not get done."""
    session, unit = world.ref.cppcc_session, world.lead_unit
    liaison = UnitLiaison.objects.get(unit=unit, ended_on__isnull=True)
    role = StaffRole.objects.get(user=world.gov_office)
    day = CalendarDay.objects.create(date=datetime.date(2031, 5, 5), is_working_day=False)
    minimum = ChannelMinimum.objects.create(kind="urge", sms=True)
    person = Person.objects.create(assembly="npc", name="待关联代表")
    return [
        ("/office/users/new/", {"username": "intruder", "name": "某", "password_mode": "generate"}),
        (f"/office/users/{world.member.pk}/", {"name": "改名", "email": ""}),
        (f"/office/users/{world.gov_office.pk}/active/", {"active": "0"}),
        (f"/office/users/{world.member.pk}/password/", {"password_mode": "generate"}),
        (f"/office/users/{world.member.pk}/roles/", {"kind": "gov_office"}),
        (f"/office/roles/{role.pk}/remove/", {}),
        (f"/office/users/{world.member.pk}/people/", {"person_id": person.pk}),
        (f"/office/people/{world.member_person.pk}/unlink/", {}),
        ("/office/units/new/", {"name": "新单位", "kind": "bureau", "active": "on"}),
        (f"/office/units/{unit.pk}/", {"name": "改名单位", "kind": "bureau"}),
        (f"/office/units/{unit.pk}/liaisons/", {"user_id": world.member.pk, "started_on": TODAY.isoformat()}),
        (f"/office/units/{unit.pk}/liaisons/{liaison.pk}/end/", {f"end{liaison.pk}-ended_on": TODAY.isoformat()}),
        (f"/office/leaders/{world.district_leader.pk}/", {f"p{world.district_leader.pk}-unit_ids": []}),
        ("/office/sessions/terms/", {"assembly": "cppcc", "ordinal": 9, "name": "第九届", "starts_on": "2030-01-01"}),
        ("/office/sessions/new/", {"term_id": session.term_id, "ordinal": 7, "name": "第七次", "year": 2030, "opens_on": "2030-01-05"}),
        (f"/office/sessions/{session.pk}/", {"ordinal": session.ordinal, "name": "改", "year": session.year, "opens_on": session.opens_on.isoformat()}),
        (f"/office/sessions/{session.pk}/policy/", policy_data(session, reply_months=1)),
        ("/office/calendar/", {"year": 2031, "complete": "on"}),
        ("/office/calendar/2031/", {"date": "2031-05-06", "is_working_day": "0"}),
        (f"/office/calendar/2031/days/{day.pk}/remove/", {}),
        ("/office/notifications/", {"kind": "assigned", "sms": "on"}),
        (f"/office/notifications/{minimum.pk}/remove/", {}),
    ]


def policy_data(session, **changes) -> dict:
    policy = SessionPolicy.for_session(session)
    return {**{f: getattr(policy, f) for f in POLICY_FIELDS}, **changes}


def test_every_page_renders_for_the_office(world):
    c = login(world.gov_office)
    for path, words in pages(world).items():
        r = c.get(path)
        assert r.status_code == 200, path
        assert words in text(r), f"{path} does not show {words!r}"
    assert 'href="/office/"' in text(c.get("/"))  # in the office's menu


def test_the_users_page_warns_before_deactivating_someone_a_unit_depends_on(world):
    c = login(world.gov_office)
    warning = re.search(r"<p class=\"alert\" role=\"status\" data-duties>(.*?)</p>", text(c.get(f"/office/users/{world.lead_liaison.pk}/")), re.S)
    assert warning and world.lead_unit.name in warning.group(1)
    assert "data-duties" not in text(c.get(f"/office/users/{world.member.pk}/"))


def test_the_to_do_warning_of_a_year_without_holidays_leads_the_office_to_its_calendar_page(world, monkeypatch):
    from banli.workdays import calendar as cal

    monkeypatch.setattr(cal, "_today", lambda: datetime.date(max(cal._PKG_YEARS), 11, 26))
    c = login(world.gov_office)
    assert 'href="/office/calendar/"' in text(c.get("/"))
    page = text(c.get("/office/calendar/"))
    assert f'data-year="{max(cal._PKG_YEARS) + 1}"' in page and "暂按周一至周五" in page


def test_a_deactivated_account_is_logged_out_and_cannot_log_in(world):
    theirs = Client()
    assert theirs.login(username="member", password=PASSWORD)
    login(world.gov_office).post(f"/office/users/{world.member.pk}/active/", {"active": "0"})
    assert theirs.get("/").status_code == 302
    assert not Client().login(username="member", password=PASSWORD)
    login(world.gov_office).post(f"/office/users/{world.member.pk}/active/", {"active": "1"})
    assert Client().login(username="member", password=PASSWORD)


def test_a_missing_record_is_not_found(world):
    c = login(world.gov_office)
    for path in ("/office/users/999999/", "/office/units/999999/", "/office/sessions/999999/", "/office/calendar/1999/"):
        r = c.get(path)
        assert r.status_code == 404 and "找不到" in text(r), path


def test_a_superuser_has_the_pages_too(world):
    assert login(world.admin_user).get("/office/users/").status_code == 200


@pytest.mark.parametrize("persona", ["lead_liaison", "member", "district_leader", "cppcc_office"])
def test_others_are_refused_every_page_and_every_form(world, persona):
    c = login(getattr(world, persona))
    assert 'href="/office/"' not in text(c.get("/"))
    for path in pages(world):
        assert c.get(path).status_code == 403, path
    forms = posts(world)
    before = org_state()
    for path, data in forms:
        r = c.post(path, data)
        assert r.status_code == 403, path
        assert "只有区府办可以进行系统管理" in text(r)
    assert org_state() == before


def test_someone_logged_out_is_sent_to_log_in(world):
    r = Client().get("/office/users/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_the_office_creates_a_user_who_can_then_log_in(world):
    c = login(world.gov_office)
    r = c.post("/office/users/new/", {"username": "li.na", "name": "李娜", "email": "lina@example.cn", "password_mode": "generate"})
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    password = re.search(r"data-password>([^<]+)<", text(r)).group(1)
    user = User.objects.get(username="li.na")
    assert_audit("create_user", actor=world.gov_office, target=user, after={"username": "li.na", "name": "李娜"})
    assert Client().login(username="li.na", password=password)
    # Shown once: the user's page does not show it again.
    assert password not in text(c.get(f"/office/users/{user.pk}/"))


def test_a_bad_new_user_is_shown_beside_its_field_and_nothing_is_written(world):
    c = login(world.gov_office)
    before = org_state()
    r = c.post("/office/users/new/", {"username": "member", "name": "重名", "password_mode": "typed", "password": "x"})
    assert r.status_code == 400
    assert "已被使用" in re.search(r'data-field="username">(.*?)</div>', text(r), re.S).group(1)
    assert org_state() == before
    r = c.post("/office/users/new/", {"username": "weakling", "name": "弱", "password_mode": "typed", "password": "12345678"})
    assert r.status_code == 400 and "密码不符合要求" in re.search(r'data-field="password">(.*?)</div>', text(r), re.S).group(1)
    assert org_state() == before


def test_roles_people_and_passwords_on_the_users_page(world):
    c = login(world.gov_office)
    target = world.other_member
    r = c.post(f"/office/users/{target.pk}/roles/", {"kind": "district_leader", "title": "副区长"})
    assert r.status_code == 302
    role = StaffRole.objects.get(user=target, kind="district_leader")
    assert_audit("add_role", target=role, after={"kind": "district_leader", "title": "副区长"})
    assert 'data-role="district_leader"' in text(c.get(f"/office/users/{target.pk}/"))
    r = c.post(f"/office/users/{target.pk}/roles/", {"kind": "assembly_office"})
    assert r.status_code == 400 and "须选择会别" in text(r)
    c.post(f"/office/roles/{role.pk}/remove/")
    assert not StaffRole.objects.filter(pk=role.pk).exists()

    r = c.post(f"/office/users/{target.pk}/password/", {"password_mode": "typed", "password": "Xihu-Longjing-88"})
    assert r.status_code == 200 and "Xihu-Longjing-88" in text(r)
    assert User.objects.get(pk=target.pk).check_password("Xihu-Longjing-88")
    assert_audit("reset_password", target=target)

    person = Person.objects.create(assembly="npc", name="陈代表", sector="第三代表团")
    page = text(c.get(f"/office/users/{target.pk}/?pq=陈代表"))
    assert f'value="{person.pk}"' in page
    c.post(f"/office/users/{target.pk}/people/", {"person_id": person.pk})
    assert Person.objects.get(pk=person.pk).user_id == target.pk
    c.post(f"/office/people/{person.pk}/unlink/")
    assert Person.objects.get(pk=person.pk).user_id is None

    c.post(f"/office/users/{target.pk}/active/", {"active": "0"})
    assert not User.objects.get(pk=target.pk).is_active
    assert_audit("deactivate_user", target=target)


def test_units_and_liaisons_on_the_units_pages(world):
    c = login(world.gov_office)
    r = c.post("/office/units/new/", {"name": "区医保局", "short_name": "医保局", "kind": "bureau", "leader_id": world.lead_head.pk,
                                      "supervising_leader_id": world.district_leader.pk, "active": "on"})
    unit = Unit.objects.get(name="区医保局")
    assert r.status_code == 302 and r["Location"] == f"/office/units/{unit.pk}/"
    assert (unit.leader_id, unit.supervising_leader_id, unit.active) == (world.lead_head.pk, world.district_leader.pk, True)
    assert_audit("create_unit", target=unit, after={"name": "区医保局"})

    r = c.post(f"/office/units/{unit.pk}/liaisons/", {"user_id": world.spare_liaison.pk, "started_on": TODAY.isoformat(), "replace": "on"})
    assert r.status_code == 302
    row = UnitLiaison.objects.get(unit=unit, user=world.spare_liaison)
    assert row.started_on == TODAY and row.ended_on is None
    page = text(c.get(f"/office/units/{unit.pk}/"))
    assert f'data-liaison="{row.pk}"' in page

    r = c.post(f"/office/units/{unit.pk}/liaisons/{row.pk}/end/", {f"end{row.pk}-ended_on": (TODAY + datetime.timedelta(days=2)).isoformat()})
    assert r.status_code == 400 and "不能晚于今天" in text(r)
    c.post(f"/office/units/{unit.pk}/liaisons/{row.pk}/end/", {f"end{row.pk}-ended_on": TODAY.isoformat()})
    assert UnitLiaison.objects.get(pk=row.pk).ended_on == TODAY
    assert "历任联络员" in text(c.get(f"/office/units/{unit.pk}/"))

    r = c.post(f"/office/units/{unit.pk}/", {"name": world.lead_unit.name, "kind": "bureau"})
    assert r.status_code == 400 and "已有名为" in text(r)
    assert Unit.objects.get(pk=unit.pk).name == "区医保局"


def test_leaders_portfolio_page(world):
    c = login(world.gov_office)
    leader = world.other_leader
    c.post(f"/office/leaders/{leader.pk}/", {f"p{leader.pk}-unit_ids": [world.spare_unit.pk, world.lead_unit.pk]})
    assert set(Unit.objects.filter(supervising_leader=leader).values_list("pk", flat=True)) == {world.spare_unit.pk, world.lead_unit.pk}
    page = text(c.get("/office/leaders/"))
    section = re.search(rf'data-leader="{leader.username}">(.*?)</section>', page, re.S).group(1)
    assert world.lead_unit.name in section and world.outsider_unit.name not in section.split("<details")[0]
    assert "以下单位尚无分管区领导" in page  # outsider_unit lost its leader


def test_session_limits_on_the_session_page(world):
    c = login(world.gov_office)
    session = world.ref.cppcc_session
    r = c.post(f"/office/sessions/{session.pk}/policy/", policy_data(session, reply_months=4, remind_first_working_days=7))
    assert r.status_code == 302
    policy = SessionPolicy.objects.get(session=session)
    assert (policy.reply_months, policy.remind_first_working_days) == (4, 7)
    assert_audit("update_session_policy", target=policy, before={"reply_months": 3}, after={"reply_months": 4, "remind_first_working_days": 7})
    before = org_state()
    r = c.post(f"/office/sessions/{session.pk}/policy/", policy_data(session, remind_first_working_days=1, remind_second_working_days=3))
    assert r.status_code == 400 and "第一次提醒应早于第二次提醒" in text(r)
    assert org_state() == before


def test_calendar_and_channel_floor_pages(world):
    c = login(world.gov_office)
    r = c.post("/office/calendar/2031/", {"date": "2031-10-08", "is_working_day": "0", "name": "国庆节"})
    assert r.status_code == 302
    assert CalendarDay.objects.get(date="2031-10-08").name == "国庆节"
    assert 'data-day="2031-10-08"' in text(c.get("/office/calendar/2031/"))
    c.post("/office/calendar/", {"year": 2031, "complete": "on", "source": "国办发明电〔2030〕9号"})
    assert 'data-year="2031"' in text(c.get("/office/calendar/"))
    assert_audit("create_calendar_year", after={"year": 2031, "complete": True})

    c.post("/office/notifications/", {"kind": "urge", "sms": "on", "note": "催办必发短信"})
    assert ChannelMinimum.objects.get(kind="urge").sms
    assert 'data-minimum="urge"' in text(c.get("/office/notifications/"))
    before = org_state()
    r = c.post("/office/notifications/", {"kind": "no_such_kind", "sms": "on"})
    assert r.status_code == 400 and 'class="field has-error" data-field="kind"' in text(r) and org_state() == before
    assert '<option value="reminder_late">' in text(c.get("/office/notifications/"))


def _count(c, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(path).status_code == 200
    return len(ctx.captured_queries)


def _more_users_and_units(world, k):
    for i in range(k):
        u = User.objects.create(username=f"extra{k}_{i}", first_name=f"加{i}")
        StaffRole.objects.create(user=u, kind="district_leader")
        unit = Unit.objects.create(name=f"加单位{k}_{i}", leader=u, supervising_leader=u)
        UnitLiaison.objects.create(unit=unit, user=u, started_on=TODAY)
        Person.objects.create(assembly="cppcc", name=f"加委员{k}_{i}", user=u)


# session + user, the roles (actor_for: 1), the office check, the menu's badge; then the list's own.
LISTS = {"/office/users/": 11, "/office/units/": 7, "/office/leaders/": 10}


@pytest.mark.parametrize("path", list(LISTS))
def test_lists_run_a_fixed_number_of_queries(world, path):
    c = login(world.gov_office)
    _more_users_and_units(world, 3)
    small = _count(c, path)
    _more_users_and_units(world, 9)
    assert (small, _count(c, path)) == (LISTS[path], LISTS[path])


def test_audit_rows_name_the_office_as_actor(world):
    c = login(world.gov_office)
    c.post(f"/office/users/{world.member.pk}/", {"name": "改过的名字", "email": "member@example.cn"})
    row = AuditRecord.objects.get(action="update_user")
    assert row.actor_id == world.gov_office.pk and row.after == {"first_name": "改过的名字", "email": "member@example.cn"}
