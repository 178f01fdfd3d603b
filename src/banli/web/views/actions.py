"""One door for every action of the transition table: validate with the command's input rules, call
the action function, and come back to the item page, with field messages on failure."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from banli.errors import BanliError, not_found
from banli.idempotency import keys as idempotency
from banli.proposals import actions as A
from banli.proposals import selectors
from banli.proposals.commands import command
from banli.proposals.access import visible_items

from ..forms import PLACED_ELSEWHERE, field_errors, validate
from ..item_page import action_label, form_key, page_context
from ..next_step import confirmation
from .send_confirm import send_confirmation, wants_confirmation


@require_POST
@login_required
def do_action(request, item_id, action):
    cmd = command(action)
    if cmd is None:
        raise not_found()
    try:
        data = validate(action, request.POST, request.FILES)
        if wants_confirmation(action, request.POST):  # a reply is sent only from its confirmation page
            return send_confirmation(request, item_id, data["assignment"])
        # The form's hidden key (banli.idempotency): a double click or a resubmitted form runs the step once.
        outcome = idempotency.once(request.user, idempotency.form_key(request), step=f"item.{action}",
                                   item_id=int(item_id), inputs=data,
                                   run=lambda: cmd.run(request.user, item_id, data))
    except BanliError as err:
        item = selectors.item_detail(request.user, item_id)
        if item is None:
            # Nothing left to show the form on: the middleware answers with the error page.
            raise (err if err.status != 404 else not_found()) from None
        errors = field_errors(err)
        ctx = page_context(request, item, failed=form_key(action, request.POST), data=request.POST, errors=errors, message=err.message)
        ctx["page_error"] = err.message
        if action in PLACED_ELSEWHERE:
            ctx[f"{action}_errors"], ctx[f"{action}_data"] = errors, request.POST
        A.mark_messages_read(request.user, item, up_to=ctx["read_up_to"])  # the page is shown again, messages and all
        return render(request, "web/items/detail.html", ctx, status=err.status)
    if outcome.replayed:
        messages.info(request, _("此项已提交过，未重复提交。"))
    else:
        # What happened, what happens next, and the next item of the queue (banli.web.next_step).
        messages.success(request, confirmation(request.user, action, item_id, data, action_label(action)))
    if not visible_items(request.user).filter(pk=item_id).exists():
        # The step took the item out of this person's sight (e.g. returned to the proposer).
        return redirect("web:todo")
    anchor = {"post_message": "#messages", "add_attachment": "#attachments"}.get(action, "")
    return redirect(f"/items/{item_id}/{anchor}")
