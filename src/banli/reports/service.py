"""The one door to the figures for the page, the documents and the API, so all of them show the
same numbers for the same request: a period and the day the report is written as of (as_of,
YYYY-MM-DD; default today), after which nothing recorded counts."""

from dataclasses import dataclass
from datetime import date

from banli.org.models import Assembly, Session
from banli.proposals.access import actor_for

from . import cache
from .access import check_reports
from .asof import as_of, parse_as_of
from .periods import Period, period
from .statistics import yearly_figures
from .units import unit_ratings, unit_table


@dataclass(frozen=True)
class ReportRequest:
    period: Period
    as_of: date | None  # None: today

    def asked(self) -> tuple:
        """What the figures depend on besides the records: the period and the day (today's
        when none was asked, so a kept answer is never carried into the next day)."""
        p = self.period
        return (p.kind, p.assembly, p.value, p.label, as_of(self.as_of).day.isoformat())


def requested_period(user, params) -> Period:
    """The period asked for; by default the current session of the user's assembly."""
    kind = params.get("kind") or "session"
    value = params.get("value")
    assembly = params.get("assembly") or None
    if not value and kind == "session":
        offices = sorted(actor_for(user).assembly_offices)
        default = assembly or (offices[0] if len(offices) == 1 else Assembly.CPPCC)
        current = Session.objects.filter(assembly=default, is_current=True).first() or Session.objects.filter(assembly=default).first()
        value = current.pk if current else 0
    p = period(kind, value, assembly)
    check_reports(user, p.assembly)
    return p


def requested(user, params) -> ReportRequest:
    """The period and the as-of day asked for; a bad one is refused (BanliError) before any figure."""
    p = requested_period(user, params)
    return ReportRequest(p, parse_as_of(params.get("as_of")))


def figures(req: ReportRequest) -> dict:
    """Kept until a record changes (cache.py): equal to computing them now."""
    return cache.remembered("figures", req.asked(), lambda: yearly_figures(req.period, as_of=req.as_of))


def units(req: ReportRequest) -> dict:
    table = cache.remembered("units", req.asked(), lambda: unit_table(req.period, as_of=req.as_of))
    return {"period": req.period.as_dict(), "as_of": as_of(req.as_of).day.isoformat(), "units": table}


def ratings(req: ReportRequest, unit_ids) -> dict[int, dict]:
    """The unit table's counts and ratings of these units (units.unit_ratings): a leader's portfolio."""
    only = tuple(sorted(unit_ids))
    return cache.remembered("ratings", (*req.asked(), only), lambda: unit_ratings(req.period, as_of=req.as_of, units=only))


def figures_for(user, params) -> dict:
    return figures(requested(user, params))


def units_for(user, params) -> dict:
    return units(requested(user, params))
