"""The notifications inbox."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from banli.errors import BanliError
from banli.notify import actions, selectors


@login_required
def inbox(request):
    qs = selectors.inbox(request.user, unread_only=bool(request.GET.get("unread")))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "web/inbox.html", {"page": page, "only_unread": bool(request.GET.get("unread"))})


@require_POST
@login_required
def mark_read(request):
    """Mark one notification (id given) or all of them read; only the recipient's own rows."""
    if request.POST.get("id"):
        try:
            actions.mark_read(request.user, request.POST["id"])
        except BanliError:
            pass  # someone else's or no such one: nothing to mark, back to the list as for any other
    else:
        actions.mark_all_read(request.user)
    nxt = request.POST.get("next") or "/inbox/"
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else "/inbox/")
