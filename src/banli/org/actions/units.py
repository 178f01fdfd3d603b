"""Units (承办单位) and their liaisons (办理联络员).

A liaison's service has dates: the year-end assessment counts changes of liaison by the day the
new one started (banli.assessment.facts), so ending a service writes its last day and never
deletes the row. A service is current while it has no end date (banli.proposals.access reads
it so), hence neither date may lie in the future: a service entered with tomorrow's date would
already count today."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from banli.audit.service import record
from banli.errors import BanliError, invalid, not_found
from banli.params import MAX_ID, parse_date

from ..models import StaffRole, Unit, UnitKind, UnitLiaison
from .office import apply, changes, require_office, text

User = get_user_model()
UNIT_FIELDS = ("name", "short_name", "kind", "leader_id", "supervising_leader_id", "phone", "active")


def _pk(value, field):
    if value in (None, ""):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        pk = 0
    if not 1 <= pk <= MAX_ID:
        raise invalid(field, "所选记录无效，请刷新页面后重选。", "The chosen record is not valid; reload and choose again.")
    return pk


def _unit_values(unit, *, name, short_name="", kind=UnitKind.BUREAU, leader_id=None, supervising_leader_id=None, phone="", active=True):
    name = text(name, "name", "单位名称", max_length=60, required=True)
    if Unit.objects.filter(name=name).exclude(pk=unit.pk).exists():
        raise invalid("name", f"已有名为“{name}”的单位。", f"A unit named {name!r} exists.")
    if kind not in UnitKind.values:
        raise invalid("kind", "请选择单位类型。", "Choose the kind of unit.")
    leader_id, supervising_leader_id = _pk(leader_id, "leader_id"), _pk(supervising_leader_id, "supervising_leader_id")
    if leader_id and not User.objects.filter(pk=leader_id, is_active=True).exists():
        raise invalid("leader_id", "主要领导须是在用的账号。", "The unit's leader must be an active account.")
    if supervising_leader_id and not User.objects.filter(
            pk=supervising_leader_id, is_active=True, staff_roles__kind=StaffRole.Kind.DISTRICT_LEADER).exists():
        raise invalid("supervising_leader_id", "分管区领导须是有“区领导”角色的在用账号。", "The supervising leader must be an active district leader.")
    return {"name": name, "short_name": text(short_name, "short_name", "简称", max_length=20), "kind": kind, "leader_id": leader_id,
            "supervising_leader_id": supervising_leader_id, "phone": text(phone, "phone", "联系电话", max_length=30), "active": bool(active)}


def _unit(unit_id) -> Unit:
    pk = _pk(unit_id, "unit")
    unit = Unit.objects.select_for_update().filter(pk=pk).first() if pk else None
    if unit is None:
        raise not_found()
    return unit


@transaction.atomic
def save_unit(actor, unit_id=None, **fields) -> Unit:
    """Create a unit (unit_id None) or change one. Fields: name, short_name, kind, leader_id,
    supervising_leader_id, phone, active. A unit that has handled items is deactivated, not
    deleted: it no longer appears among the units to assign."""
    require_office(actor)
    unit = _unit(unit_id) if unit_id is not None else Unit()
    values = _unit_values(unit, **fields)
    if unit.pk is None:
        apply(unit, values)
        unit.save()
        record(actor=actor, action="create_unit", target=unit, after=values)
        return unit
    before, after = changes(unit, values)
    if not after:
        return unit
    apply(unit, after)
    unit.save(update_fields=[f.removesuffix("_id") for f in after])
    record(actor=actor, action="update_unit", target=unit, before=before, after=after)
    return unit


def _service_date(value, field, label) -> datetime.date:
    day = parse_date(value, field)
    if day > timezone.localdate():
        raise invalid(field, f"{label}不能晚于今天。", f"The {field} cannot be later than today.")
    return day


@transaction.atomic
def add_liaison(actor, unit_id, *, user_id, started_on, replace=False) -> UnitLiaison:
    """Start someone's service as the unit's liaison. With replace, the unit's current liaisons'
    service ends the day before (or the same day, if they started that day): the hand-over the
    assessment counts as a change of liaison."""
    require_office(actor)
    unit = _unit(unit_id)
    pk = _pk(user_id, "user_id")
    user = User.objects.filter(pk=pk, is_active=True).first() if pk else None
    if user is None:
        raise invalid("user_id", "请选择在用的账号作为联络员。", "Choose an active account as liaison.")
    started_on = _service_date(started_on, "started_on", "起始日期")
    current = list(UnitLiaison.objects.select_for_update().filter(unit=unit, ended_on__isnull=True))
    if any(row.user_id == user.pk for row in current):
        raise BanliError("already_liaison", f"{user.get_full_name() or user.username}已是{unit.name}的现任联络员。",
                         f"{user.username} already serves as liaison of {unit.name}.")
    if replace:
        for row in current:
            if row.started_on > started_on:
                raise invalid("started_on", "起始日期早于现任联络员的起始日期，无法接替。",
                              "The new service starts before the current liaison's did.")
        for row in current:
            _end(actor, row, max(row.started_on, started_on - datetime.timedelta(days=1)), note=f"由 {user.username} 接替")
    liaison = UnitLiaison.objects.create(unit=unit, user=user, started_on=started_on)
    record(actor=actor, action="add_liaison", target=liaison, after={"unit": unit.pk, "user": user.pk, "started_on": started_on})
    return liaison


def _end(actor, row, ended_on, note=""):
    row.ended_on = ended_on
    row.save(update_fields=["ended_on"])
    record(actor=actor, action="end_liaison", target=row, before={"ended_on": None}, after={"ended_on": ended_on},
           note=note)


@transaction.atomic
def end_liaison(actor, liaison_id, *, ended_on, unit_id=None) -> UnitLiaison:
    """End a liaison's service on its last day; the row stays, as the assessment reads it.
    Ending an ended service again changes nothing."""
    require_office(actor)
    pk = _pk(liaison_id, "liaison")
    row = UnitLiaison.objects.select_for_update().filter(pk=pk).first() if pk else None
    if row is None or (unit_id is not None and row.unit_id != _pk(unit_id, "unit")):
        raise not_found()
    if row.ended_on is not None:
        return row
    ended_on = _service_date(ended_on, "ended_on", "结束日期")
    if ended_on < row.started_on:
        raise invalid("ended_on", f"结束日期不能早于起始日期（{row.started_on}）。", f"The service cannot end before it started ({row.started_on}).")
    _end(actor, row, ended_on)
    return row
