"""Where an item stands once its units have replied: derived from the assignments, so the
reply, feedback and closure actions cannot disagree about it."""

from django.utils import timezone

from ..models import Assignment, ItemState
from ..workflow import rated_reply

AFTER_ASSIGNMENT = {ItemState.ASSIGNED, ItemState.HANDLING, ItemState.REHANDLING, ItemState.REPLIED, ItemState.EVALUATED, ItemState.CLOSED}




def derived_state(item) -> str:
    """The state the item's assignments, replies and feedback imply (reads only)."""
    if item.state not in AFTER_ASSIGNMENT:
        return item.state
    answering = [
        a for a in Assignment.objects.filter(item=item, role__in=("lead", "separate")).exclude(state=Assignment.State.ENDED)
        .prefetch_related("replies__feedback")
    ]
    if any(a.replied_round < a.reply_round for a in answering):
        # Re-handling once every unit has replied at least once; while a separate unit still owes
        # its first reply the item is in handling (another unit's second reply has its own clock).
        if all(a.replied_round >= 1 for a in answering) and any(a.reply_round > 1 for a in answering if a.replied_round < a.reply_round):
            state = ItemState.REHANDLING
        else:
            state = item.state if item.state in (ItemState.ASSIGNED, ItemState.HANDLING) else ItemState.HANDLING
    elif any(not hasattr(rated_reply(a), "feedback") for a in answering):
        state = ItemState.REPLIED
    elif all(a.closed_at for a in answering):
        state = ItemState.CLOSED
    else:
        state = ItemState.EVALUATED
    return state


def settle_item(item) -> str:
    """Store the derived state (and the closing date when it closes)."""
    if item.state not in AFTER_ASSIGNMENT:
        return item.state
    state = derived_state(item)
    item.state = state
    if state == ItemState.CLOSED and not item.closed_at:
        item.closed_at = timezone.now()
    elif state != ItemState.CLOSED:
        item.closed_at = None
    item.save()
    return state
