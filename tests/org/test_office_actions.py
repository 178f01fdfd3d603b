"""The office's administrative actions (banli.org.actions): each writes its record and an audit
row with the values before and after; each refuses with a message in Chinese and English and
changes nothing when the actor is not the office or the input is wrong."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from banli.audit.models import AuditRecord
from banli.notify.models import ChannelMinimum
from banli.org.actions import calendar, notify_settings, roles, sessions, units, users
from banli.org.models import Person, Session, SessionPolicy, StaffRole, Unit, UnitLiaison
from banli.proposals.access import actor_for
from banli.workdays.calendar import is_working_day
from banli.workdays.models import CalendarDay
from tests.checks import assert_audit
from tests.org.office_state import refuses

pytestmark = pytest.mark.django_db
User = get_user_model()
TODAY = timezone.localdate()


# -- who may ------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["lead_liaison", "member", "district_leader", "cppcc_office", "lead_head"])
def test_only_the_office_administers(world, persona):
    who = getattr(world, persona)
    refuses("forbidden", users.create_user, who, username="x1", name="某人", generate=True)
    refuses("forbidden", users.reset_password, who, world.member.pk, generate=True)
    refuses("forbidden", users.set_user_active, who, world.member.pk, active=False)
    refuses("forbidden", roles.add_role, who, who.pk, kind="gov_office")
    refuses("forbidden", units.save_unit, who, world.lead_unit.pk, name="改名", kind="bureau")
    refuses("forbidden", units.end_liaison, who, world.lead_unit.liaisons.get().pk, ended_on=TODAY)
    refuses("forbidden", sessions.update_policy, who, world.ref.cppcc_session.pk, reply_months=6)
    refuses("forbidden", calendar.save_calendar_day, who, date="2031-01-02", is_working_day=False)
    refuses("forbidden", notify_settings.save_channel_minimum, who, kind="urge", sms=True)


def test_a_superuser_administers_too_and_the_office_leaves_superusers_alone(world):
    user, _pw = users.create_user(world.admin_user, username="by_admin", name="管理员建的", generate=True)
    assert user.pk
    refuses("forbidden", users.reset_password, world.gov_office, world.admin_user.pk, generate=True)
    refuses("forbidden", users.set_user_active, world.gov_office, world.admin_user.pk, active=False)


# -- users --------------------------------------------------------------------------------------

def test_create_user_with_a_generated_password(world):
    user, password = users.create_user(world.gov_office, username="wang.li", name="王力", email="wangli@example.cn", generate=True)
    user.refresh_from_db()
    assert user.is_active and user.first_name == "王力" and user.check_password(password) and len(password) == 12
    row = assert_audit("create_user", actor=world.gov_office, target=user,
                       after={"username": "wang.li", "name": "王力", "email": "wangli@example.cn", "is_active": True})
    assert password not in str(row.after) + row.note and user.password not in str(row.after)
    assert "系统生成" in row.note


def test_create_user_refuses_a_taken_name_a_weak_password_and_a_shared_email(world):
    refuses("invalid", users.create_user, world.gov_office, username="MEMBER", name="重名", generate=True, field="username")
    refuses("invalid", users.create_user, world.gov_office, username="a b", name="空格", generate=True, field="username")
    err = refuses("invalid", users.create_user, world.gov_office, username="weak", name="弱", password="123", field="password")
    assert "密码" in err.zh
    refuses("invalid", users.create_user, world.gov_office, username="nopw", name="无", password="", field="password")
    users.update_user(world.gov_office, world.member.pk, name=world.member.first_name, email="m@example.cn")
    refuses("invalid", users.create_user, world.gov_office, username="twin", name="同邮箱", email="M@example.cn", generate=True, field="email")
    refuses("invalid", users.create_user, world.gov_office, username="bad", name="坏", email="not-an-address", generate=True, field="email")


def test_typed_password_and_reset(world):
    user, pw = users.create_user(world.gov_office, username="zhao", name="赵", password="Chang-an-2026")
    assert pw == "Chang-an-2026" and User.objects.get(pk=user.pk).check_password(pw)
    _u, new = users.reset_password(world.gov_office, user.pk, generate=True)
    assert User.objects.get(pk=user.pk).check_password(new) and not User.objects.get(pk=user.pk).check_password(pw)
    assert_audit("reset_password", actor=world.gov_office, target=user, after={"password": "系统生成"})


def test_deactivate_and_reactivate(world):
    users.set_user_active(world.gov_office, world.lead_liaison.pk, active=False)
    assert not User.objects.get(pk=world.lead_liaison.pk).is_active
    assert_audit("deactivate_user", actor=world.gov_office, target=world.lead_liaison, before={"is_active": True}, after={"is_active": False})
    users.set_user_active(world.gov_office, world.lead_liaison.pk, active=False)  # again: nothing more
    assert AuditRecord.objects.filter(action="deactivate_user").count() == 1
    users.set_user_active(world.gov_office, world.lead_liaison.pk, active=True)
    assert_audit("activate_user", target=world.lead_liaison, after={"is_active": True})
    refuses("own_account", users.set_user_active, world.gov_office, world.gov_office.pk, active=False)


def test_update_user(world):
    users.update_user(world.gov_office, world.member.pk, name="新名字", email="new@example.cn")
    m = User.objects.get(pk=world.member.pk)
    assert (m.first_name, m.email) == ("新名字", "new@example.cn")
    assert_audit("update_user", target=m, before={"first_name": world.member.first_name}, after={"first_name": "新名字", "email": "new@example.cn"})


# -- roles and people ---------------------------------------------------------------------------

def test_roles_are_given_and_taken(world):
    user, _ = users.create_user(world.gov_office, username="clerk", name="科员", generate=True)
    role = roles.add_role(world.gov_office, user.pk, kind="gov_office", title="督查科")
    assert actor_for(User.objects.get(pk=user.pk)).gov_office
    assert_audit("add_role", target=role, after={"user": user.pk, "kind": "gov_office", "title": "督查科"})
    assert roles.add_role(world.gov_office, user.pk, kind="gov_office", title="督查科").pk == role.pk  # again: nothing new
    assert AuditRecord.objects.filter(action__in=("add_role", "update_role")).count() == 1
    refuses("invalid", roles.add_role, world.gov_office, user.pk, kind="assembly_office", assembly="", field="assembly")
    refuses("invalid", roles.add_role, world.gov_office, user.pk, kind="king", field="kind")
    roles.remove_role(world.gov_office, role.pk)
    assert not StaffRole.objects.filter(pk=role.pk).exists()
    assert_audit("remove_role", before={"user": user.pk, "kind": "gov_office", "title": "督查科"})
    own = StaffRole.objects.get(user=world.gov_office, kind="gov_office")
    refuses("own_account", roles.remove_role, world.gov_office, own.pk)


def test_link_a_person(world):
    user, _ = users.create_user(world.gov_office, username="new.member", name="新委员", generate=True)
    person = Person.objects.create(assembly="cppcc", name="新委员", sector="经济界")
    roles.link_person(world.gov_office, user.pk, person_id=person.pk)
    assert Person.objects.get(pk=person.pk).user_id == user.pk
    assert_audit("link_person", target=person, before={"user": None}, after={"user": user.pk})
    refuses("invalid", roles.link_person, world.gov_office, world.other_member.pk, person_id=person.pk, field="person_id")
    second = Person.objects.create(assembly="cppcc", name="同届另一人")
    refuses("invalid", roles.link_person, world.gov_office, user.pk, person_id=second.pk, field="person_id")
    assert roles.unlink_person(world.gov_office, person.pk).pk == user.pk
    assert Person.objects.get(pk=person.pk).user_id is None
    assert_audit("unlink_person", after={"user": None})


def test_portfolio(world):
    units_before = set(world.district_leader.portfolio_units.values_list("pk", flat=True))
    assert units_before == {world.lead_unit.pk, world.co_unit.pk}
    changed = roles.set_portfolio(world.gov_office, world.district_leader.pk, unit_ids=[world.lead_unit.pk, world.spare_unit.pk])
    assert {u.pk for u in changed} == {world.co_unit.pk, world.spare_unit.pk}
    assert set(Unit.objects.filter(supervising_leader=world.district_leader).values_list("pk", flat=True)) == {world.lead_unit.pk, world.spare_unit.pk}
    assert Unit.objects.get(pk=world.co_unit.pk).supervising_leader_id is None
    row = AuditRecord.objects.get(action="update_unit", target_id=world.spare_unit.pk)
    assert row.before == {"supervising_leader_id": world.other_leader.pk} and row.after == {"supervising_leader_id": world.district_leader.pk}
    refuses("invalid", roles.set_portfolio, world.gov_office, world.member.pk, unit_ids=[world.lead_unit.pk], field="leader")


# -- units and liaisons -------------------------------------------------------------------------

def test_create_and_change_a_unit(world):
    unit = units.save_unit(world.gov_office, name="区数据局", short_name="数据局", kind="bureau", leader_id=world.lead_head.pk,
                           supervising_leader_id=world.district_leader.pk, phone="0571-1234567", active=True)
    assert (unit.name, unit.leader_id, unit.supervising_leader_id) == ("区数据局", world.lead_head.pk, world.district_leader.pk)
    assert_audit("create_unit", target=unit, after={"name": "区数据局", "kind": "bureau", "leader_id": world.lead_head.pk})
    units.save_unit(world.gov_office, unit.pk, name="区数据资源局", short_name="数据局", kind="bureau", leader_id=world.lead_head.pk,
                    supervising_leader_id=None, phone="0571-1234567", active=False)
    unit.refresh_from_db()
    assert (unit.name, unit.supervising_leader_id, unit.active) == ("区数据资源局", None, False)
    assert_audit("update_unit", target=unit, before={"name": "区数据局", "supervising_leader_id": world.district_leader.pk, "active": True},
                 after={"name": "区数据资源局", "supervising_leader_id": None, "active": False})
    refuses("invalid", units.save_unit, world.gov_office, name=world.lead_unit.name, kind="bureau", field="name")
    refuses("invalid", units.save_unit, world.gov_office, name="某单位", kind="bureau", supervising_leader_id=world.member.pk,
            field="supervising_leader_id")


def test_a_liaison_replaced_keeps_the_old_service_with_its_dates(world):
    old = UnitLiaison.objects.get(unit=world.lead_unit, ended_on__isnull=True)
    new_user, _ = users.create_user(world.gov_office, username="new.liaison", name="新联络员", generate=True)
    start = TODAY - datetime.timedelta(days=3)
    if old.started_on > start:
        old.started_on = start - datetime.timedelta(days=30)
        old.save()
    row = units.add_liaison(world.gov_office, world.lead_unit.pk, user_id=new_user.pk, started_on=start, replace=True)
    old.refresh_from_db()
    assert old.ended_on == start - datetime.timedelta(days=1)
    assert row.started_on == start and row.ended_on is None
    assert_audit("end_liaison", target=old, before={"ended_on": None}, after={"ended_on": str(start - datetime.timedelta(days=1))})
    assert_audit("add_liaison", target=row, after={"unit": world.lead_unit.pk, "user": new_user.pk, "started_on": str(start)})
    assert world.lead_unit.pk in actor_for(User.objects.get(pk=new_user.pk)).liaison_unit_ids
    assert world.lead_unit.pk not in actor_for(User.objects.get(pk=world.lead_liaison.pk)).liaison_unit_ids
    refuses("already_liaison", units.add_liaison, world.gov_office, world.lead_unit.pk, user_id=new_user.pk, started_on=TODAY)
    refuses("invalid", units.add_liaison, world.gov_office, world.lead_unit.pk, user_id=world.member.pk,
            started_on=TODAY + datetime.timedelta(days=1), field="started_on")


def test_ending_a_service(world):
    row = UnitLiaison.objects.get(unit=world.co_unit, ended_on__isnull=True)
    refuses("invalid", units.end_liaison, world.gov_office, row.pk, ended_on=row.started_on - datetime.timedelta(days=1), field="ended_on")
    refuses("invalid", units.end_liaison, world.gov_office, row.pk, ended_on=TODAY + datetime.timedelta(days=1), field="ended_on")
    refuses("not_found", units.end_liaison, world.gov_office, row.pk, ended_on=TODAY, unit_id=world.lead_unit.pk)
    units.end_liaison(world.gov_office, row.pk, ended_on=TODAY)
    assert UnitLiaison.objects.filter(pk=row.pk, ended_on=TODAY).exists()  # kept, not deleted
    units.end_liaison(world.gov_office, row.pk, ended_on=TODAY)
    assert AuditRecord.objects.filter(action="end_liaison").count() == 1


# -- sessions and their limits -------------------------------------------------------------------

def test_sessions_and_terms(world):
    term = sessions.create_term(world.gov_office, assembly="cppcc", ordinal=9, name="第九届", starts_on="2027-01-01")
    assert_audit("create_term", target=term, after={"ordinal": 9, "name": "第九届"})
    current = world.ref.cppcc_session
    s = sessions.save_session(world.gov_office, term_id=term.pk, ordinal=1, name="第一次会议", year=2027, opens_on="2027-01-10", is_current=True)
    assert s.is_current and not Session.objects.get(pk=current.pk).is_current
    assert SessionPolicy.objects.filter(session=s).exists()
    assert_audit("create_session", target=s, after={"name": "第一次会议", "year": 2027, "is_current": True})
    assert_audit("update_session", target=current, before={"is_current": True}, after={"is_current": False})
    refuses("invalid", sessions.save_session, world.gov_office, term_id=term.pk, ordinal=1, name="重复", year=2027, opens_on="2027-02-01",
            field="ordinal")
    refuses("invalid", sessions.create_term, world.gov_office, assembly="cppcc", ordinal=9, name="again", starts_on="2027-01-01", field="ordinal")
    refuses("invalid", sessions.save_session, world.gov_office, s.pk, term_id=term.pk, ordinal=1, name="第一次会议", year=2027,
            opens_on="2027-01-10", is_current=False, field="is_current")


def test_policy_limits_and_reminders(world):
    session = world.ref.cppcc_session
    policy = sessions.update_policy(world.gov_office, session.pk, reply_months=2, reply_unit="months", sign_working_days=7,
                                    remind_first_working_days=3, escalate_after_working_days=4)
    policy.refresh_from_db()
    assert (policy.reply_months, policy.sign_working_days, policy.remind_first_working_days, policy.escalate_after_working_days) == (2, 7, 3, 4)
    row = assert_audit("update_session_policy", target=policy, before={"reply_months": 3, "sign_working_days": 5, "remind_first_working_days": 5},
                       after={"reply_months": 2, "sign_working_days": 7, "remind_first_working_days": 3})
    assert "reply_unit" not in row.after  # unchanged values are not listed
    err = refuses("invalid", sessions.update_policy, world.gov_office, session.pk, remind_first_working_days=1, remind_second_working_days=2,
                  field="remind_first_working_days")
    assert "第一次提醒" in err.zh
    refuses("invalid", sessions.update_policy, world.gov_office, session.pk, reply_months=0, field="reply_months")
    refuses("invalid", sessions.update_policy, world.gov_office, session.pk, reply_unit="weeks", field="reply_unit")


# -- the calendar and the channel floors ---------------------------------------------------------

def test_calendar_days_change_the_working_days(world):
    day = datetime.date(2031, 1, 6)  # a Monday, beyond the package's years
    assert is_working_day(day)
    row = calendar.save_calendar_day(world.gov_office, date=day, is_working_day=False, name="地方假日")
    assert not is_working_day(day)
    assert_audit("create_calendar_day", target=row, after={"date": "2031-01-06", "is_working_day": False, "name": "地方假日"})
    calendar.save_calendar_day(world.gov_office, date=day, is_working_day=True, name="调休上班")
    assert_audit("update_calendar_day", target=row, before={"is_working_day": False}, after={"is_working_day": True})
    year = calendar.save_calendar_year(world.gov_office, year=2031, complete=True, source="国办发明电〔2030〕1号")
    assert_audit("create_calendar_year", target=year, after={"year": 2031, "complete": True})
    calendar.remove_calendar_day(world.gov_office, row.pk)
    assert not CalendarDay.objects.filter(date=day).exists()
    assert_audit("remove_calendar_day", before={"date": "2031-01-06", "is_working_day": True})
    refuses("invalid", calendar.save_calendar_day, world.gov_office, date="2031-02-30", is_working_day=False, field="date")


def test_channel_minimums(world):
    row = notify_settings.save_channel_minimum(world.gov_office, kind="urge", sms=True, note="催办必发短信")
    assert_audit("create_channel_minimum", target=row, after={"kind": "urge", "sms": True, "email": False})
    notify_settings.save_channel_minimum(world.gov_office, kind="urge", sms=True, email=True, note="催办必发短信")
    assert_audit("update_channel_minimum", target=row, before={"email": False}, after={"email": True})
    refuses("invalid", notify_settings.save_channel_minimum, world.gov_office, kind="催办", sms=True, field="kind")
    notify_settings.remove_channel_minimum(world.gov_office, row.pk)
    assert not ChannelMinimum.objects.exists()
    assert_audit("remove_channel_minimum", before={"kind": "urge", "sms": True, "email": True})
