"""The reference data the office's administrative actions write, read whole, so that a test can
check that a refused action (or a refused page) changed none of it."""

import pytest
from django.contrib.auth import get_user_model

from banli.audit.models import AuditRecord
from banli.errors import BanliError
from banli.notify.models import ChannelMinimum, NotificationPreference
from banli.org.models import Person, Session, SessionPolicy, StaffRole, Term, Unit, UnitLiaison
from banli.workdays.models import CalendarDay, CalendarYear

User = get_user_model()


def org_state():
    """The reference data these actions write, to compare before and after a refusal."""
    return {
        "users": list(User.objects.order_by("pk").values("pk", "username", "first_name", "email", "is_active", "password")),
        "roles": list(StaffRole.objects.order_by("pk").values()), "units": list(Unit.objects.order_by("pk").values()),
        "liaisons": list(UnitLiaison.objects.order_by("pk").values()), "people": list(Person.objects.order_by("pk").values("pk", "user_id")),
        "sessions": list(Session.objects.order_by("pk").values()), "policies": list(SessionPolicy.objects.order_by("pk").values()),
        "days": list(CalendarDay.objects.order_by("pk").values()), "years": list(CalendarYear.objects.order_by("pk").values("pk", "complete")),
        "minimums": list(ChannelMinimum.objects.order_by("pk").values()), "terms": list(Term.objects.order_by("pk").values()),
        "preferences": list(NotificationPreference.objects.order_by("pk").values()),
        # Changes only: a refusal at a page's door is itself recorded (security.refused).
        "audit": AuditRecord.objects.exclude(action__startswith="security.").count(),
    }


def refuses(code, fn, *args, field=None, **kwargs):
    before = org_state()
    with pytest.raises(BanliError) as info:
        fn(*args, **kwargs)
    assert info.value.code == code, (info.value.code, info.value.en)
    assert info.value.zh and info.value.en
    if field:
        assert info.value.field == field
    assert org_state() == before, "a refused action changed something"
    return info.value
