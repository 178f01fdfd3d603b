"""The one door to the figures for the page, the documents and the API, so all three show the
same numbers for the same request."""

from banli.org.models import Assembly, Session
from banli.proposals.access import actor_for

from .access import check_reports
from .periods import Period, period
from .statistics import yearly_figures
from .units import unit_table


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


def figures_for(user, params) -> dict:
    return yearly_figures(requested_period(user, params))


def units_for(user, params) -> dict:
    p = requested_period(user, params)
    return {"period": p.as_dict(), "units": unit_table(p)}
