"""Where an item stands once its units have replied: derived from the assignments (the pure rule
is banli.proposals.derived.derived_state), so the reply, feedback and closure actions cannot
disagree about it."""

from django.utils import timezone

from ..derived import AFTER_ASSIGNMENT, UnitFacts, derived_state
from ..models import Assignment, ItemState, has_related
from ..workflow import rated_reply


def unit_facts(assignments) -> list[UnitFacts]:
    """The facts derived_state reads, one per replying unit still assigned, from assignments whose
    replies and their feedback are loaded (no query then)."""
    out = []
    for a in assignments:
        if not (a.active and a.answers):
            continue
        reply = rated_reply(a)
        out.append(UnitFacts(reply_round=a.reply_round, replied_round=a.replied_round,
                             rated=reply is not None and has_related(reply, "feedback"), closed=a.closed_at is not None))
    return out


def item_facts(item) -> list[UnitFacts]:
    """Load the item's replying units with their replies and feedback (one query each)."""
    return unit_facts(Assignment.objects.filter(item=item, role__in=("lead", "separate")).exclude(state=Assignment.State.ENDED)
                      .prefetch_related("replies__feedback"))


def settle_item(item) -> str:
    """Store the derived state (and the closing date when it closes)."""
    if item.state not in AFTER_ASSIGNMENT:
        return item.state
    state = derived_state(item.state, item_facts(item))
    item.state = state
    if state == ItemState.CLOSED and not item.closed_at:
        item.closed_at = timezone.now()
    elif state != ItemState.CLOSED:
        item.closed_at = None
    item.save()
    return state
