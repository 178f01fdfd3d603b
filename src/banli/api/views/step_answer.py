"""The answer of a workflow step. Reading the whole item back after the step (ItemDetail: the item,
its history and every record, about 25 queries) is what a client that shows the item needs; a
script or a batch that takes steps needs only to know they took effect. It says so with
`Prefer: return=minimal` (RFC 7240) and gets the item's state in one query, the answer marked
`Preference-Applied: return=minimal`."""

from rest_framework.response import Response

from banli.proposals import selectors
from banli.proposals.access import visible_items
from banli.proposals.models import Item

from ..serializers.detail import ItemDetailSerializer
from ..serializers.steps import ItemStepResultSerializer

MINIMAL = "return=minimal"


def prefers_minimal(request) -> bool:
    """Prefer: return=minimal, alone or among other preferences ("respond-async, return=minimal")."""
    prefer = request.headers.get("Prefer", "")
    return any(part.split(";", 1)[0].strip().lower().replace(" ", "") == MINIMAL for part in prefer.split(","))


def step_answer(request, item_id) -> Response:
    minimal = prefers_minimal(request)
    if minimal:
        state = visible_items(request.user).filter(pk=item_id).values_list("state", flat=True).first()
        item = None
    else:
        item = selectors.item_detail(request.user, item_id)
        state = item.state if item is not None else None
    if state is not None and item is None:
        response = Response(ItemStepResultSerializer({"id": int(item_id), "state": state, "visible": True}).data)
    elif item is not None:
        response = Response(ItemDetailSerializer(item, context={"request": request}).data)
    else:
        # The step took the item out of the actor's sight (e.g. returned to the proposer's drafts).
        state = Item.objects.values_list("state", flat=True).get(pk=item_id)
        response = Response(ItemStepResultSerializer({"id": int(item_id), "state": state, "visible": False}).data)
    if minimal:
        response["Preference-Applied"] = MINIMAL
    return response
