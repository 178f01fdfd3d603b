"""Bulk steps from the staff item list (批量办理): register, assign the same units, mark key items.

Three pages: the list's bar posts the chosen items (ticked, this page's, or every one the filter
matches) to the confirmation, which lists each item and what will happen to it and asks for the
step's input (the units, the leader); confirming runs the step item by item through
banli.proposals.batch (the same action functions as the item page) and then shows what became of
each on a result page of its own. The result is kept in the session and the browser is sent
there (post, redirect, get), so reloading it runs nothing again and it reads in a fixed number of
queries whatever the batch size."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from banli.errors import BanliError, not_found
from banli.org.selectors import district_leaders
from banli.proposals import batch, selectors
from banli.proposals.access import visible_items
from banli.proposals.models import Assignment

from ..forms import field_errors
from ..item_page import action_label
from ..unit_choices import unit_choices

SESSION_KEY = "bulk_results"
KEEP = 5  # results kept in the session: the latest few runs, for going back to them


def bulk_steps(user) -> list[tuple[str, str]]:
    """(step, label) the list's bar offers this person; none for most (no query: roles are cached)."""
    return [(s, action_label(s)) for s in batch.steps_for(user)]


@require_POST
@login_required
def confirm(request):
    step = request.POST.get("action", "")
    batch.check_may(request.user, step)  # before reading the choice: others get the refusal
    back = _back(request.POST)
    try:
        ids = _chosen(request)
    except BanliError as err:
        messages.error(request, err.message)
        return redirect(f"/items/?{back}" if back else "/items/")
    return _confirm_page(request, step, ids, back=back)


@require_POST
@login_required
def run(request):
    step = request.POST.get("action", "")
    batch.check_may(request.user, step)
    back = _back(request.POST)
    try:
        ids = batch.clean_ids(request.POST.getlist("item"))
    except BanliError as err:
        messages.error(request, err.message)
        return redirect(f"/items/?{back}" if back else "/items/")
    try:
        data = batch.clean_input(step, request.POST)
    except BanliError as err:
        return _confirm_page(request, step, ids, back=back, errors=field_errors(err) or {"form": [err.message]}, data=request.POST,
                             status=400)
    outcomes = batch.run(request.user, step, ids, data)
    return redirect("web:bulk_result", token=_remember(request, step, outcomes, back))


@login_required
def result(request, token):
    saved = request.session.get(SESSION_KEY, {}).get(token)
    if saved is None:
        raise not_found()
    step = saved["step"]
    outcomes = [batch.Outcome.from_row(r) for r in saved["rows"]]
    ids = [o.item_id for o in outcomes]
    active = Assignment.objects.exclude(state=Assignment.State.ENDED).select_related("unit").order_by("role", "id")
    items = {i.pk: i for i in visible_items(request.user).filter(pk__in=ids).select_related("key_leader").defer("reason", "suggestions")
             .prefetch_related(Prefetch("assignments", queryset=active, to_attr="active_assignments"))}
    rows = [(o, items.get(o.item_id)) for o in outcomes]
    done = [o.item_id for o in outcomes if o.status == batch.DONE]
    return render(request, "web/items/bulk_result.html", {
        "step": step, "label": action_label(step), "rows": rows, "back": saved.get("back", ""),
        "done": len(done), "already": sum(1 for o in outcomes if o.status == batch.ALREADY),
        "refused": sum(1 for o in outcomes if o.status == batch.REFUSED),
        "next_ids": [o.item_id for o in outcomes if o.ok], "next_steps": _next_steps(request.user, step),
    })


# -- helpers ------------------------------------------------------------------------------------

def _back(post) -> str:
    """The list's filter, to go back to the same list (a query string; only ever used after /items/?)."""
    return QueryDict(post.get("filter", "")).urlencode()


def _chosen(request) -> list[int]:
    scope = request.POST.get("scope", "picked")
    if scope == "filter":
        # Every item the list's filter matches, as the list itself reads them (same scoping, same order).
        qs = selectors.item_list(request.user, QueryDict(request.POST.get("filter", ""))).prefetch_related(None)
        ids = list(qs.values_list("pk", flat=True)[:batch.MAX_BATCH + 1])
        if len(ids) > batch.MAX_BATCH:
            raise batch.too_many()
        return batch.clean_ids(ids)
    return batch.clean_ids(request.POST.getlist("page_item" if scope == "page" else "item"))


def _confirm_page(request, step, ids, *, back="", errors=None, data=None, status=200):
    plans = batch.preview(request.user, step, ids)
    ctx = {
        "step": step, "label": action_label(step), "plans": plans, "back": back, "errors": errors or {}, "data": data or {},
        "acting": sum(1 for p in plans if p.will_act), "already": sum(1 for p in plans if p.already),
        "refused": sum(1 for p in plans if p.refusal is not None),
    }
    if step == "assign":
        ctx["units"] = unit_choices()
        ctx["co_picked"] = data.getlist("co") if data is not None else []
    elif step == "mark_key":
        ctx["leaders"] = [(u.pk, u.get_full_name() or u.username) for u in district_leaders().prefetch_related(None)]
    return render(request, "web/items/bulk_confirm.html", ctx, status=status)


def _remember(request, step, outcomes, back) -> str:
    token = uuid.uuid4().hex
    kept = dict(list(request.session.get(SESSION_KEY, {}).items())[-(KEEP - 1):])
    kept[token] = {"step": step, "rows": [o.as_row() for o in outcomes], "back": back}
    request.session[SESSION_KEY] = kept
    return token


def _next_steps(user, step) -> list[tuple[str, str]]:
    """What follows, when this person may take it: registered items are assigned next. (Assigned
    ones are not all key items: that stays a choice on the list.)"""
    follow = {"register": ["assign"]}.get(step, [])
    mine = batch.steps_for(user)
    return [(s, action_label(s)) for s in follow if s in mine]
