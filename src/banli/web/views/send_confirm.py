"""Sending a reply asks first (issue 14): the item page's 发出答复 button opens this confirmation,
which shows the letter as it will go out, and only its 确认发出 button sends. The letter is the
paper module's own (banli.paper: the same wording as the PDF), here laid out as HTML; the API is
not asked twice, it sends when told to."""

from types import SimpleNamespace

from django.shortcuts import render
from django.utils import timezone

from banli.errors import not_found
from banli.paper import access as paper_access
from banli.paper import content
from banli.paper import selectors as paper_selectors
from banli.paper.content import chinese_date
from banli.paper.models import DocumentKind, DocumentNumber
from banli.proposals import selectors, workflow
from banli.proposals.access import actor_for
from banli.proposals.guards import open_reply

from ..item_page import wording

# The confirmation's own field: a send without it is a request for the confirmation page.
CONFIRMED = "confirmed"


def wants_confirmation(action: str, post) -> bool:
    return action == "send_reply" and post.get(CONFIRMED) != "1"


def send_confirmation(request, item_id, assignment_id):
    """The letter about to be sent, for a liaison who may send it now; anyone else gets the
    refusal the table gives (a BanliError, shown on the item page by the caller)."""
    item = selectors.item_detail(request.user, item_id)
    if item is None:
        raise not_found()
    a = next((x for x in item.assignments.all() if x.pk == assignment_id), None)
    if a is None:
        raise not_found()
    workflow.check("send_reply", actor_for(request.user), item, a)
    reply = open_reply(a)
    paper = letter_preview(request.user, item.pk, reply.pk)
    return render(request, "web/items/send_confirm.html", {
        "item": item, "w": wording(item.assembly), "assignment": a, "reply": reply, "paper": paper,
        "date_text": chinese_date(paper.date),
        "pdf": f"/items/{item.pk}/paper/reply/{reply.pk}.pdf",
    })


def letter_preview(user, item_id, reply_id) -> content.Paper:
    """The reply letter as banli.paper.documents.reply_paper writes it, authorised the same way,
    but without giving it a 文号: a preview that is looked at and left must not use up a number
    (the offices keep their numbers without gaps). A letter numbered already shows its number."""
    reply = paper_access.reply_letter(user, item_id, reply_id)
    given = DocumentNumber.objects.filter(kind=DocumentKind.REPLY, target_id=reply.pk).values_list("text", flat=True).first()
    # Dated today, as the letter is once sent today (content.reply_letter dates a sent letter by its sending).
    number = SimpleNamespace(text=given or "〔文号在打印答复函时编定〕", issued_on=timezone.localdate())
    return content.reply_letter(paper_selectors.letterhead(), number, reply)
