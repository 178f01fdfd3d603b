"""Reading the audit trail: the security events and the changes, for the office (区府办) and
superusers only (banli.org.actions.office.is_office); both filtered by what the page's form asks."""

import datetime

from django.db.models import Q
from django.utils import timezone

from banli.errors import BanliError, forbidden
from banli.org.actions.office import is_office
from banli.params import parse_date

from .models import AuditRecord
from .security import KINDS, PREFIX

SECURITY_ACTIONS = [PREFIX + k for k in KINDS]


def require_reader(user) -> None:
    if not is_office(user):
        raise forbidden("只有区府办可以查看安全审计记录。", "Only the government office reads the security audit.")


def _day_bounds(params) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """The date range typed (local days, both ends included) as instants; a bad date is refused."""
    start = end = None
    if params.get("from"):
        start = timezone.make_aware(datetime.datetime.combine(parse_date(params["from"], "from"), datetime.time.min))
    if params.get("to"):
        end = timezone.make_aware(datetime.datetime.combine(parse_date(params["to"], "to") + datetime.timedelta(days=1), datetime.time.min))
    if start and end and start >= end:
        raise BanliError("invalid", "开始日期晚于结束日期。", "The start date is after the end date.", field="from")
    return start, end


def _dated(qs, params):
    start, end = _day_bounds(params)
    if start:
        qs = qs.filter(at__gte=start)
    if end:
        qs = qs.filter(at__lt=end)
    return qs


def security_events(user, params):
    """The security events, newest first, with these filters: kind, user (the account acting or
    the name typed at a login), address, date range."""
    require_reader(user)
    kind = (params.get("kind") or "").strip()
    qs = AuditRecord.objects.filter(action__in=[PREFIX + kind] if kind in KINDS else SECURITY_ACTIONS)
    who = (params.get("user") or "").strip()[:150]
    if who:
        qs = qs.filter(Q(actor__username__iexact=who) | Q(actor__first_name__icontains=who) | Q(after__username__iexact=who))
    ip = (params.get("ip") or "").strip()[:64]
    if ip:
        qs = qs.filter(after__ip=ip)
    return _dated(qs, params).select_related("actor").order_by("-id")


def changes(user, params):
    """The audit trail of changes (no security events), newest first: of one record (type and
    id), by one action, in a date range."""
    require_reader(user)
    qs = AuditRecord.objects.exclude(action__in=SECURITY_ACTIONS)
    target = (params.get("target_type") or "").strip()[:40]
    if target:
        qs = qs.filter(target_type=target)
    target_id = (params.get("target_id") or "").strip()
    if target_id:
        if not target_id.isdigit():
            raise BanliError("invalid", "对象编号应为数字。", "The record number must be a number.", field="target_id")
        qs = qs.filter(target_id=int(target_id))
    action = (params.get("action") or "").strip()[:40]
    if action:
        qs = qs.filter(action=action)
    who = (params.get("user") or "").strip()[:150]
    if who:
        qs = qs.filter(Q(actor__username__iexact=who) | Q(actor__first_name__icontains=who))
    return _dated(qs, params).select_related("actor").order_by("-id")
