"""The notifications inbox: groups by day and kind, unread news first; one group's full list."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from banli.errors import BanliError
from banli.notify import actions, selectors
from banli.notify.messages import kind_label

GROUPS_PER_PAGE = 20


def _day(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


@login_required
def inbox(request):
    only_unread = bool(request.GET.get("unread"))
    kind, day = (request.GET.get("kind") or "")[:40], _day(request.GET.get("day"))
    today = timezone.localdate()
    context = {"only_unread": only_unread, "today": today, "yesterday": today - datetime.timedelta(days=1)}
    if kind and day:
        # One group in full: the link under a group's first ten.
        page = Paginator(selectors.inbox(request.user, kind=kind, day=day), 30).get_page(request.GET.get("page"))
        context.update(page=page, group_kind=kind, group_day=day, group_label=kind_label(kind),
                       query=f"kind={kind}&day={day.isoformat()}")
        return render(request, "web/inbox.html", context)
    page = Paginator(selectors.inbox_groups(request.user, unread_only=only_unread), GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    selectors.fill_groups(request.user, list(page.object_list))
    context.update(page=page, groups=page.object_list, query="unread=1" if only_unread else "")
    return render(request, "web/inbox.html", context)


@require_POST
@login_required
def mark_read(request):
    """Mark one notification (id given), one group (kind and day) or all of them read; only the
    recipient's own rows."""
    try:
        if request.POST.get("id"):
            actions.mark_read(request.user, request.POST["id"])
        elif request.POST.get("kind") and request.POST.get("day"):
            actions.mark_group_read(request.user, request.POST["kind"], request.POST["day"])
        else:
            actions.mark_all_read(request.user)
    except BanliError:
        pass  # someone else's or no such one: nothing to mark, back to the list as for any other
    nxt = request.POST.get("next") or "/inbox/"
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else "/inbox/")
