"""有问必答: the Q&A window outside any item. Members ask the office or a unit; the unit or the
office answers; an answer stays marked new for the asker until they have seen it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from banli.errors import BanliError
from banli.idempotency.keys import form_key, once
from banli.proposals import actions as A
from banli.proposals.access import actor_for
from banli.proposals.selectors import visible_questions

from ..forms import field_errors
from ..unit_choices import unit_choices


def _page(request, *, errors=None, data=None, status=200, failed_id=None, page_error=""):
    actor = actor_for(request.user)
    qs = visible_questions(request.user).select_related("asker", "to_unit", "answered_by").order_by("-id")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for q in rows:
        q.is_new = bool(q.asker_id in actor.person_ids and q.answered_at and not q.answer_read_at)
        q.may_answer = not q.answered_at and ((q.to_unit_id is None and actor.gov_office) or q.to_unit_id in actor.liaison_unit_ids)
    # Opening the page is seeing the answers on it.
    A.mark_answers_read(request.user, [q.pk for q in rows if q.is_new])
    return render(request, "web/questions.html", {
        "page": page, "rows": rows, "can_ask": bool(actor.person_ids), "units": unit_choices() if actor.person_ids else None,
        "errors": errors or {}, "data": data or {}, "failed_id": failed_id, "page_error": page_error,
    }, status=status)


def _unit_id(post):
    """A tampered unit id reads as an unknown unit (refused with a message), not a crash."""
    raw = (post.get("to_unit_id") or "").strip()
    return None if not raw else int(raw) if raw.isdigit() and len(raw) < 18 else -1


@login_required
def questions(request):
    if request.method == "POST":
        asked = {"subject": request.POST.get("subject", ""), "body": request.POST.get("body", ""), "to_unit_id": _unit_id(request.POST)}
        try:
            # The form's hidden key (banli.idempotency): a double click or a resubmitted form asks once.
            outcome = once(request.user, form_key(request), step="ask_question", inputs=asked,
                           run=lambda: A.ask_question(request.user, **asked), status=201)
        except BanliError as err:
            return _page(request, errors=field_errors(err), data=request.POST, status=err.status, page_error=err.message)
        if outcome.replayed:
            messages.info(request, _("此项已提交过，未重复提交。"))
        else:
            messages.success(request, _("问题已提交，答复后会通知您。"))
        return redirect("web:questions")
    return _page(request)


@require_POST
@login_required
def answer(request, question_id):
    try:
        A.answer_question(request.user, question_id, answer=request.POST.get("answer", ""))
    except BanliError as err:
        if err.status == 404:
            raise
        return _page(request, errors=field_errors(err), data=request.POST, status=err.status, failed_id=question_id, page_error=err.message)
    messages.success(request, _("答复已发出。"))
    return redirect(f"/questions/#q{question_id}")
