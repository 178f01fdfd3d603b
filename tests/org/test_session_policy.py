"""Each session's settings (admin → 会次 → 办理时限设置): the time limits, and the reminder,
escalation and "no feedback" numbers DOMAIN.md marks *default*."""

import pytest
from django.core.exceptions import ValidationError

from banli.org.models import SessionPolicy

pytestmark = pytest.mark.django_db


def test_a_new_sessions_settings_hold_the_domain_defaults(world):
    policy = SessionPolicy.for_session(world.cppcc_session)
    assert (policy.remind_first_working_days, policy.remind_second_working_days) == (5, 1)
    assert policy.escalate_after_working_days == 5
    assert policy.no_feedback_after_working_days == 5


def test_the_first_reminder_comes_before_the_second(world):
    policy = SessionPolicy.for_session(world.cppcc_session)
    policy.remind_first_working_days, policy.remind_second_working_days = 1, 3
    with pytest.raises(ValidationError) as err:
        policy.full_clean()
    assert "remind_first_working_days" in err.value.message_dict
    policy.remind_second_working_days = 0  # 0: no second reminder
    policy.full_clean()


def test_the_administrator_edits_them_with_the_session(world, admin_user, client):
    session = world.cppcc_session
    SessionPolicy.for_session(session)
    client.force_login(admin_user)
    page = client.get(f"/admin/org/session/{session.pk}/change/").content.decode()
    for label in ("办理时限设置", "到期前第一次提醒", "到期前第二次提醒", "超期升级提醒", "逾期未反馈登记"):
        assert label in page, label


def test_the_admin_shows_every_setting():
    """The inline lists its fields by group: a setting added later must be added there too."""
    from banli.org.admin import PolicyInline

    shown = set()
    for _, opts in PolicyInline.fieldsets:
        for f in opts["fields"]:
            shown.update(f if isinstance(f, tuple) else [f])
    assert shown == {f.name for f in SessionPolicy._meta.fields} - {"id", "session"}
