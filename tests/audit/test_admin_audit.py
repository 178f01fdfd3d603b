"""Changes made through the Django admin are audited like the office's pages (issue 15.2): a
person's phone, a user's roles, units and groups, a session's time limits, each with the values
before and after; a password set in the admin is recorded without its hash; a deletion keeps the
row's values. Every admin page that can change something is audited."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.forms import MultiWidget

from banli.admin_base import AuditedAdmin, ReadOnlyAdmin
from banli.audit.chain import verify
from banli.audit.models import AuditRecord
from banli.org.models import Session, SessionPolicy, StaffRole, UnitLiaison
from tests.builders import PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()


def post_data(response) -> dict:
    """What the admin's change page would post back unchanged: the main form's and every inline
    formset's values, as the page shows them."""
    data = {}

    def put(form):
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None:
                continue
            key = form.add_prefix(name)
            if isinstance(field.widget, MultiWidget):  # date_joined: a date box and a time box
                for i, part in enumerate(field.widget.decompress(value)):
                    data[f"{key}_{i}"] = str(part)
            elif isinstance(value, (list, tuple)):
                data[key] = [str(v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            else:
                data[key] = str(value)

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        fs = inline.formset
        mf = fs.management_form
        for name in mf.fields:
            data[mf.add_prefix(name)] = str(mf[name].value())
        for form in fs.initial_forms:
            put(form)
    return data


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin_user)
    return client


def change(admin_client, url, **edits):
    page = admin_client.get(url)
    assert page.status_code == 200
    data = post_data(page) | edits
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    return response


def last(action, target):
    return AuditRecord.objects.filter(action=action, target_type=target._meta.model_name, target_id=target.pk).latest("id")


def test_a_persons_phone_changed_in_the_admin_is_audited_with_before_and_after(world, admin_client):
    person = world.member_person
    change(admin_client, f"/admin/org/person/{person.pk}/change/", phone="13911112222", address="幸福路8号")
    row = last("admin.change", person)
    assert row.actor_id == world.admin_user.pk
    assert row.before == {"phone": "13800000001", "address": "幸福路1号"}
    assert row.after == {"phone": "13911112222", "address": "幸福路8号"}
    assert "王委员" in row.note


def test_a_users_groups_and_names_changed_in_the_admin_are_audited(world, admin_client):
    group = Group.objects.create(name="报表查看")
    user = world.lead_liaison
    change(admin_client, f"/admin/auth/user/{user.pk}/change/", groups=[str(group.pk)], first_name="新名字", is_staff="on")
    row = last("admin.change", user)
    # (date_joined may be there too: the admin's time box drops the microseconds)
    assert {k: row.before[k] for k in ("groups", "first_name", "is_staff")} == {"groups": [], "first_name": user.first_name, "is_staff": False}
    assert {k: row.after[k] for k in ("groups", "first_name", "is_staff")} == {"groups": [group.pk], "first_name": "新名字", "is_staff": True}
    assert set(row.after) <= {"groups", "first_name", "is_staff", "date_joined"}
    assert "password" not in row.before and "password" not in row.after


def test_a_users_role_changed_in_the_admin_is_audited(world, admin_client):
    role = StaffRole.objects.get(user=world.district_leader)
    change(admin_client, f"/admin/org/staffrole/{role.pk}/change/", title="常务副区长")
    row = last("admin.change", role)
    assert row.before == {"title": "副区长"} and row.after == {"title": "常务副区长"}


def test_a_liaison_added_and_removed_through_the_units_inline_is_audited(world, admin_client):
    unit = world.spare_unit
    url = f"/admin/org/unit/{unit.pk}/change/"
    page = admin_client.get(url)
    data = post_data(page)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    data |= {f"{prefix}-TOTAL_FORMS": str(n + 1), f"{prefix}-{n}-user": str(world.co_head.pk), f"{prefix}-{n}-started_on": "2026-01-05",
             f"{prefix}-{n}-unit": str(unit.pk)}
    assert admin_client.post(url, data).status_code == 302
    post = UnitLiaison.objects.get(unit=unit, user=world.co_head)
    added = last("admin.add", post)
    assert added.after["user"] == world.co_head.pk and added.after["started_on"] == "2026-01-05"
    assert unit.name in added.note

    page = admin_client.get(url)
    data = post_data(page)
    forms = page.context["inline_admin_formsets"][0].formset.initial_forms
    k = next(i for i, f in enumerate(forms) if f.instance.pk == post.pk)
    data[f"{prefix}-{k}-DELETE"] = "on"
    assert admin_client.post(url, data).status_code == 302
    assert not UnitLiaison.objects.filter(pk=post.pk).exists()
    removed = AuditRecord.objects.get(action="admin.delete", target_type="unitliaison", target_id=post.pk)
    assert removed.before["user"] == world.co_head.pk and removed.after == {}


def test_a_sessions_time_limits_changed_in_the_admin_are_audited(world, admin_client):
    session = Session.objects.filter(is_current=True).first()
    policy, _ = SessionPolicy.objects.get_or_create(session=session)
    page = admin_client.get(f"/admin/org/session/{session.pk}/change/")
    data = post_data(page)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    data[f"{prefix}-0-reply_months"] = "2"
    data[f"{prefix}-0-reply_unit"] = "calendar_days" if "calendar_days" in str(SessionPolicy._meta.get_field("reply_unit").choices) else data[f"{prefix}-0-reply_unit"]
    response = admin_client.post(f"/admin/org/session/{session.pk}/change/", data)
    assert response.status_code == 302
    row = last("admin.change", policy)
    assert row.before["reply_months"] == 3 and row.after["reply_months"] == 2
    assert str(session) in row.note or session.name in row.note


def test_a_password_set_in_the_admin_is_recorded_without_the_hash(world, admin_client):
    user = world.member
    old_hash = User.objects.get(pk=user.pk).password
    response = admin_client.post(f"/admin/auth/user/{user.pk}/password/",
                                 {"password1": "Zx9!long-enough-pass", "password2": "Zx9!long-enough-pass", "usable_password": "true"})
    assert response.status_code == 302
    new_hash = User.objects.get(pk=user.pk).password
    assert new_hash != old_hash
    row = last("admin.set_password", user)
    assert row.after == {"password": "（已设置新密码）"}
    text = str(row.before) + str(row.after) + row.note
    assert new_hash not in text and old_hash not in text and "Zx9!" not in text
    assert not AuditRecord.objects.filter(after__icontains="md5$").exists()


def test_a_user_added_in_the_admin_is_recorded_with_password_set_only(world, admin_client):
    response = admin_client.post("/admin/auth/user/add/", {"username": "newclerk", "password1": "Zx9!long-enough-pass",
                                                             "password2": "Zx9!long-enough-pass", "usable_password": "true"})
    assert response.status_code == 302
    user = User.objects.get(username="newclerk")
    row = last("admin.add", user)
    assert row.after["username"] == "newclerk" and row.after["password"] == "（已设置新密码）"
    assert user.password not in str(row.after)


def test_a_deletion_in_the_admin_keeps_the_rows_values(world, admin_client):
    role = StaffRole.objects.get(user=world.other_leader)
    response = admin_client.post(f"/admin/org/staffrole/{role.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    row = AuditRecord.objects.get(action="admin.delete", target_type="staffrole", target_id=role.pk)
    assert row.before["user"] == world.other_leader.pk and row.before["kind"] == "district_leader"
    assert verify().broken is None


# Other apps' records with admin pages of their own: the login-failure records (django-axes; an
# unlock there is recorded as a security event) and API tokens (knox; never edited, only revoked).
FOREIGN = {"axes", "knox"}


def test_every_admin_page_that_can_change_data_is_audited():
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, ReadOnlyAdmin) or model._meta.app_label in FOREIGN:
            continue
        assert isinstance(model_admin, AuditedAdmin), f"{model.__name__}: its admin changes data without audit rows"


def test_the_audit_trail_cannot_be_changed_in_the_admin(world, admin_client):
    from banli.audit.security import security_event

    security_event("login", user=world.member)
    row = AuditRecord.objects.latest("id")
    assert admin_client.get(f"/admin/audit/auditrecord/{row.pk}/change/").status_code == 200  # looked at
    response = admin_client.post(f"/admin/audit/auditrecord/{row.pk}/change/", {"action": "x"})
    assert response.status_code == 403
    assert admin_client.post(f"/admin/audit/auditrecord/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditRecord.objects.get(pk=row.pk).action == "security.login"


def test_login_bookkeeping_is_not_audited(world, client):
    before = AuditRecord.objects.exclude(action__startswith="security.").count()
    assert client.login(username="member", password=PASSWORD)
    assert AuditRecord.objects.exclude(action__startswith="security.").count() == before
