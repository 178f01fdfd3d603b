"""The items like the one a proposer is drafting, as they type (the draft form asks this page
for a fragment): only published items and the proposer's own (banli.proposals.suggestions)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from banli.proposals import selectors
from banli.proposals.suggestions import similar_to_draft

from ..item_page import wording

MAX_TEXT = 2000  # characters read of each field: enough to compare, bounded work per keystroke pause


@login_required
@require_GET
def similar_draft(request):
    people = list(selectors.own_people(request.user))
    found = []
    if people:
        get = request.GET
        try:
            exclude = [int(get["item"])] if get.get("item") else []
        except ValueError:
            exclude = []
        found = similar_to_draft(request.user, assembly=people[0].assembly, title=get.get("title", "")[:200],
                                 body=(get.get("reason", "")[:MAX_TEXT] + "\n" + get.get("suggestions", "")[:MAX_TEXT]),
                                 exclude=exclude)
    w = wording(people[0].assembly) if people else {}
    return render(request, "web/partials/similar_draft.html", {"similar": found, "w": w})
