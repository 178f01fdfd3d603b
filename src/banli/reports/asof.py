"""What the records said at the end of a given day (the report's 截至 date): the filters and the
per-row subqueries the figures and the unit table share, so both count the same things.

A record counts when its timestamp falls on or before that day (local time): an item registered
by then, a reply sent by then, a rating given by then, a closure by then, a consultation recorded
by then, an urge, an adjustment request or a message by then. What was "in force" is worked out
from the records as of that day, not from the fields that summarise today's state:

- the reply type in force of an item: the type of its latest reply sent by then (any unit, a type
  conversion included), as Item.reply_type is for today;
- the rating in force of a unit's reply: the rating of that unit's latest rated-kind reply (not a
  type conversion, which is not rated again) sent by then, if given by then. A re-handled item
  rated twice thus counts once, by the second rating once it is given; between the second reply
  and its rating the unit's reply is awaiting a rating;
- the rating in force of an item: the latest (by time given) of its units' ratings in force. An
  item handled separately (分办) by several units counts once, by the rating given last; in the
  unit table each unit counts its own.

Whatever has no date of its own is taken as it stands today: an item withdrawn, merged or
converted since, or reopened since its closure, is treated as such on any day (the records keep
those changes only in the audit trail)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from banli.errors import invalid
from banli.proposals.models import Assignment, Consultation, Feedback, ItemState, KeyItemMark, Reply

NOT_RECEIVED = (ItemState.DRAFT, ItemState.SUBMITTED, ItemState.NOT_REGISTERED, ItemState.MERGED, ItemState.CONVERTED, ItemState.WITHDRAWN)


@dataclass(frozen=True)
class AsOf:
    day: datetime.date

    @property
    def end(self) -> datetime.datetime:
        """The first moment after the day, local time: a timestamp counts if it is before it."""
        return timezone.make_aware(datetime.datetime.combine(self.day + datetime.timedelta(days=1), datetime.time.min))


def as_of(day: datetime.date | None = None) -> AsOf:
    return AsOf(day or timezone.localdate())


def parse_as_of(value) -> datetime.date | None:
    """The 截至 date of a page or API request (YYYY-MM-DD); empty for today."""
    if value in (None, ""):
        return None
    try:
        day = datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise invalid("as_of", "截至日期应为“年-月-日”，例如2017-12-05。", "The as-of date must be YYYY-MM-DD, e.g. 2017-12-05.") from None
    if day > timezone.localdate():
        raise invalid("as_of", "截至日期不能晚于今天。", "The as-of date cannot be in the future.")
    if day.year < 1990:
        raise invalid("as_of", "截至日期不正确。", "Not a valid as-of date.")
    return day


def received(p, at: AsOf, prefix: str = "") -> Q:
    """The period's items received by then (prefix: the path to the item from another model):
    registered (立案) by then, and not since rejected, merged away, converted or withdrawn."""
    return (p.items(prefix) & Q(**{f"{prefix}registered_at__lt": at.end})
            & ~Q(**{f"{prefix}state__in": NOT_RECEIVED}))


def sent_by(at: AsOf, prefix: str = "") -> Q:
    return Q(**{f"{prefix}state": Reply.State.SENT, f"{prefix}sent_at__lt": at.end})


def active_by(at: AsOf, prefix: str = "") -> Q:
    """Assignments made by then and not ended (adjusted away) by then."""
    return Q(**{f"{prefix}assigned_at__lt": at.end}) & (~Q(**{f"{prefix}state": Assignment.State.ENDED})
                                                         | Q(**{f"{prefix}ended_at__gte": at.end}))


def latest_reply(at: AsOf, field: str, outer: str = "pk", by: str = "item") -> Subquery:
    """For each item (or assignment, by="assignment"): `field` of its latest reply sent by then."""
    return Subquery(Reply.objects.filter(sent_by(at), **{by: OuterRef(outer)}).order_by("-sent_at", "-pk").values(field)[:1])


def superseded(at: AsOf) -> Exists:
    """For a Feedback row: its unit sent a later reply to be rated by then (the rating is no
    longer the one in force)."""
    return Exists(Reply.objects.filter(sent_by(at), assignment=OuterRef("reply__assignment"), is_conversion=False,
                                       pk__gt=OuterRef("reply_id")))


def ratings_in_force(at: AsOf):
    """Feedback rows given by then that are their unit's rating in force."""
    return Feedback.objects.filter(at__lt=at.end).filter(~superseded(at))


def item_rating(at: AsOf) -> Subquery:
    """For each item, its rating in force (the latest of its units' ratings in force) in one
    value: the grade's id, 0 for "no feedback" (the window lapsed), None if none yet."""
    return Subquery(ratings_in_force(at).filter(item=OuterRef("pk")).order_by("-at", "-pk").values(r=Coalesce("grade_id", 0))[:1],
                    output_field=IntegerField())


def key_by(at: AsOf) -> Subquery:
    """For each item: whether its latest key-item decision by then marked it (None: never marked)."""
    return Subquery(KeyItemMark.objects.filter(item=OuterRef("pk"), at__lt=at.end).order_by("-at", "-pk").values("marked")[:1])


# The three contacts of DOMAIN rule 5, as bits of one number.
CONTACT_BIT = {Consultation.Kind.BEFORE: 1, Consultation.Kind.DURING: 2, Consultation.Kind.AFTER: 4}
ALL_CONTACTS = sum(CONTACT_BIT.values())


def contacts_made(at: AsOf, *, by_unit: bool = False):
    """The kinds of contact (办前面商 / 办中沟通 / 办后回访) recorded by then, as bits (CONTACT_BIT;
    7: all three; 0: none), one expression for all three: for each item (by any unit), or, with
    by_unit, for each assignment (its unit, on its item)."""
    bits = [Case(When(_made(at, k, by_unit), then=Value(b)), default=Value(0), output_field=IntegerField()) for k, b in CONTACT_BIT.items()]
    return bits[0] + bits[1] + bits[2]


def all_contacts_made(at: AsOf, *, by_unit: bool = False) -> Q:
    """The three contacts all recorded by then (contacts_made(...) == ALL_CONTACTS), as a condition
    the database stops testing at the first contact missing: for counting, where the bits are
    not needed."""
    return Q(_made(at, Consultation.Kind.BEFORE, by_unit)) & Q(_made(at, Consultation.Kind.DURING, by_unit)) & Q(
        _made(at, Consultation.Kind.AFTER, by_unit))


def _made(at: AsOf, kind, by_unit: bool) -> Exists:
    qs = Consultation.objects.filter(item=OuterRef("item" if by_unit else "pk"), kind=kind, recorded_at__lt=at.end)
    return Exists(qs.filter(unit=OuterRef("unit")) if by_unit else qs)
