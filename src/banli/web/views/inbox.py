"""The notifications inbox."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from banli.notify.models import Notification


@login_required
def inbox(request):
    qs = Notification.objects.filter(recipient=request.user).select_related("item").order_by("-id")
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "web/inbox.html", {"page": page, "only_unread": bool(request.GET.get("unread"))})


@require_POST
@login_required
def mark_read(request):
    """Mark one notification (id given) or all of them read; only the recipient's own rows."""
    qs = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
    if request.POST.get("id"):
        qs = qs.filter(pk=request.POST["id"]) if request.POST["id"].isdigit() else qs.none()
    qs.update(read_at=timezone.now())
    nxt = request.POST.get("next") or "/inbox/"
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else "/inbox/")
