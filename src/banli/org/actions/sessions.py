"""Terms (届), sessions (次会议) and each session's time limits and reminder schedule
(SessionPolicy: DOMAIN.md's *default* numbers, stored per session).

A changed time limit applies to the deadlines computed after the change; the ones already set
keep their dates, as the units were told them."""

from django.core.exceptions import ValidationError
from django.db import transaction

from banli.audit.service import record
from banli.errors import invalid
from banli.params import parse_date

from ..models import LIMITS, Assembly, PeriodUnit, Session, SessionPolicy, Term
from .office import apply, changes, require_office, row_by_id, text

SCAN_FIELDS = ("remind_first_working_days", "remind_second_working_days", "escalate_after_working_days", "no_feedback_after_working_days")
# Every editable setting of a policy: each limit's amount and how it is counted, then the scan's.
POLICY_FIELDS = tuple(f for name, (amount, _) in LIMITS.items() for f in (amount, f"{name}_unit")) + SCAN_FIELDS
MAX_AMOUNT = 365


def _number(value, field, label, *, low=1, high=MAX_AMOUNT) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise invalid(field, f"{label}应为整数。", f"{field} must be a whole number.") from None
    if not low <= n <= high:
        raise invalid(field, f"{label}应在 {low} 到 {high} 之间。", f"{field} must be between {low} and {high}.")
    return n


@transaction.atomic
def create_term(actor, *, assembly, ordinal, name, starts_on, ends_on=None) -> Term:
    require_office(actor)
    if assembly not in Assembly.values:
        raise invalid("assembly", "请选择会别。", "Choose the assembly.")
    ordinal = _number(ordinal, "ordinal", "届次", high=99)
    if Term.objects.filter(assembly=assembly, ordinal=ordinal).exists():
        raise invalid("ordinal", f"{Assembly(assembly).label}第{ordinal}届已存在。", f"Term {ordinal} of that assembly exists.")
    starts_on = parse_date(starts_on, "starts_on")
    ends_on = parse_date(ends_on, "ends_on") if ends_on else None
    if ends_on and ends_on < starts_on:
        raise invalid("ends_on", "结束日期不能早于开始日期。", "The term cannot end before it starts.")
    term = Term.objects.create(assembly=assembly, ordinal=ordinal, name=text(name, "name", "名称", max_length=40, required=True),
                               starts_on=starts_on, ends_on=ends_on)
    record(actor=actor, action="create_term", target=term,
           after={"assembly": assembly, "ordinal": ordinal, "name": term.name, "starts_on": starts_on, "ends_on": ends_on})
    return term


def _session_values(session, *, term_id, ordinal, name, year, opens_on, is_current=False) -> dict:
    term = row_by_id(Term, term_id, for_update=False) if session.pk is None else session.term
    ordinal = _number(ordinal, "ordinal", "会次", low=0, high=99)
    if Session.objects.filter(term=term, ordinal=ordinal).exclude(pk=session.pk).exists():
        raise invalid("ordinal", f"{term}已有第{ordinal}次会议。", f"The term already has session {ordinal}.")
    return {"term_id": term.pk, "ordinal": ordinal, "name": text(name, "name", "名称", max_length=40, required=True),
            "year": _number(year, "year", "年度", low=2000, high=2100), "opens_on": parse_date(opens_on, "opens_on"),
            "is_current": bool(is_current)}


@transaction.atomic
def save_session(actor, session_id=None, **fields) -> Session:
    """Create a session of a term (session_id None) or change one. Fields: term_id (on creation),
    ordinal, name, year, opens_on, is_current. Making a session current makes the assembly's
    previous current session an earlier one: new items are filed in the current session."""
    require_office(actor)
    session = row_by_id(Session, session_id) if session_id is not None else Session()
    values = _session_values(session, **fields)
    if values["is_current"]:
        term = Term.objects.get(pk=values["term_id"])
        for other in Session.objects.select_for_update().filter(assembly=term.assembly, is_current=True).exclude(pk=session.pk):
            other.is_current = False
            other.save(update_fields=["is_current"])
            record(actor=actor, action="update_session", target=other, before={"is_current": True}, after={"is_current": False})
    if session.pk is None:
        apply(session, values)
        session.save()
        SessionPolicy.for_session(session)  # the defaults, ready to be edited
        record(actor=actor, action="create_session", target=session, after=values)
        return session
    values.pop("term_id")  # a session does not move to another term: its items are numbered in it
    if session.is_current and not values["is_current"]:
        # New items are filed in the current session: the assembly keeps one until another is made current.
        raise invalid("is_current", "每个会别须有一个当前会次：请把另一个会次设为当前会次，本会次随之取消。",
                      "Each assembly keeps a current session: make another session current instead.")
    before, after = changes(session, values)
    if after:
        apply(session, after)
        session.save(update_fields=list(after))
        record(actor=actor, action="update_session", target=session, before=before, after=after)
    return session


@transaction.atomic
def update_policy(actor, session_id, **fields) -> SessionPolicy:
    """A session's time limits (each an amount and how it is counted) and its reminder schedule
    (days ahead of a deadline for the two reminders, 0 for none; late working days before the unit
    leader and the office are told; late working days before "no feedback" is recorded)."""
    require_office(actor)
    session = row_by_id(Session, session_id, for_update=False)
    policy = SessionPolicy.for_session(session)
    policy = SessionPolicy.objects.select_for_update().get(pk=policy.pk)
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"not a policy field: {', '.join(sorted(unknown))}")
    values = {}
    for name, value in fields.items():
        label = str(SessionPolicy._meta.get_field(name).verbose_name)
        if name.endswith("_unit"):
            if value not in PeriodUnit.values:
                raise invalid(name, f"请选择“{label}”。", f"Choose how {name} is counted.")
            values[name] = value
        else:
            values[name] = _number(value, name, label, low=0 if name in SCAN_FIELDS else 1)
    before, after = changes(policy, values)
    if not after:
        return policy
    apply(policy, after)
    try:
        policy.clean()
    except ValidationError as err:
        field, messages = next(iter(err.message_dict.items()))
        raise invalid(field, messages[0], "The first reminder must come before the second.") from None
    policy.save(update_fields=list(after))
    record(actor=actor, action="update_session_policy", target=policy, before=before, after=after, note=str(session))
    return policy


__all__ = ["create_term", "save_session", "update_policy", "POLICY_FIELDS", "SCAN_FIELDS"]
