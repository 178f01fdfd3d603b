"""The first page: what waits on me (待办). (The supervision list of open milestones: deadlines.py.)"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from banli.org.models import WORDING, WORDING_EN
from banli.proposals.access import actor_for
from banli.proposals.todo import ROLE_TITLES, todo_sections
from banli.workdays.calendar import calendar_warnings

from ..context import own_assembly


@login_required
def todo(request):
    sections = todo_sections(request.user)
    titles = dict(ROLE_TITLES)
    assembly = own_assembly(actor_for(request.user))
    if assembly:
        # A member is a 委员, a deputy a 代表: the heading says which.
        titles["proposer"] = (WORDING_EN[assembly]["person"].capitalize() if request.LANGUAGE_CODE == "en" else WORDING[assembly]["person"])
    offices = actor_for(request.user).assembly_offices
    if len(offices) == 1:
        (office,) = offices
        titles["assembly_office"] = (WORDING_EN[office]["office"].capitalize() if request.LANGUAGE_CODE == "en" else WORDING[office]["office"])
    roles = []
    for s in sections:
        if not roles or roles[-1]["role"] != s.role:
            roles.append({"role": s.role, "title": titles[s.role], "sections": []})
        roles[-1]["sections"].append(s)
    for r in roles:
        # The reader's own work first (in its usual order), then what waits on someone else, then
        # the empty cards, shrunk to a line.
        r["sections"].sort(key=lambda s: (s.total == 0, s.waiting))
    waiting = sum(s.total for s in sections if not s.waiting)  # "waiting for you": not what waits on others
    return render(request, "web/todo.html", {"roles": roles, "waiting": waiting, "calendar_warnings": office_calendar_warnings(request)})


def office_calendar_warnings(request) -> list[str]:
    """DOMAIN §5: a year without holiday data is counted Monday to Friday, and the office is told
    on its dashboard; so is the administrator, who enters the data. The calendar's own message
    (the API's too), in the page's language. Read from the calendar's cache: no query per page."""
    actor = actor_for(request.user)
    if not (actor.gov_office or actor.is_admin):
        return []
    english = request.LANGUAGE_CODE == "en"
    return [w["en"] if english else w["zh"] for w in calendar_warnings()]
