"""Who may see and do what in the assessment (DOMAIN §7, issue 11 point 6). The page, the API
and the documents ask these functions and nothing else.

- The government office (and the administrator) runs it: edits the scheme, enters its own
  indicators and adjustments, finalises and publishes, and sees every unit.
- An assembly office enters its evaluation of units and sees every unit.
- A district leader sees the units in the portfolio.
- A unit (its liaisons and its leader) sees its own page and submits its self-assessment.
  Before the office publishes the result a unit sees nothing of another unit, not even a rank
  (a rank says something about the others); once published, it sees the ranking (the totals,
  the tiers) and still only its own explanation."""

from __future__ import annotations

from banli.errors import forbidden, not_found
from banli.proposals.access import Actor, actor_for

from .models import Scheme


def runs_assessment(a: Actor) -> bool:
    return a.gov_office or a.is_admin


def sees_every_unit(a: Actor) -> bool:
    return runs_assessment(a) or bool(a.assembly_offices)


def readable_units(a: Actor) -> frozenset | None:
    """The units whose explanation this reader may open; None: all of them."""
    if sees_every_unit(a):
        return None
    return frozenset(a.portfolio_unit_ids if a.district_leader else ()) | a.unit_ids


def may_read(a: Actor) -> bool:
    return sees_every_unit(a) or a.district_leader or bool(a.unit_ids)


def sees_ranking(a: Actor, scheme: Scheme) -> bool:
    """The whole table with ranks and tiers: those who see every unit, and everyone who takes
    part once the result is published."""
    return sees_every_unit(a) or (scheme.state == Scheme.State.PUBLISHED and may_read(a))


def check_read(user) -> Actor:
    a = actor_for(user)
    if not may_read(a):
        raise forbidden("您无权查看年度考核。", "You may not read the year-end assessment.")
    return a


def check_unit(user, unit_id) -> Actor:
    """A unit's explanation: someone else's answers like a missing one."""
    a = check_read(user)
    units = readable_units(a)
    if units is not None and unit_id not in units:
        raise not_found()
    return a


def check_runs(user) -> Actor:
    a = actor_for(user)
    if not runs_assessment(a):
        raise forbidden("只有区府办可以执行此操作。", "Only the government office may do this.")
    return a
