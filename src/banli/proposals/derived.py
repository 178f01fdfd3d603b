"""Where an item stands once it is assigned, as a pure function of plain facts about its replying
units (lead and separate units still assigned): no query, no model. The settle step
(actions/settle.py) loads the facts and stores the result; the benchmark's generator checks the
states it writes against it, and the tests' invariants check every stored state against it."""

from collections.abc import Iterable
from dataclasses import dataclass

from .models.item import ItemState

S = ItemState
AFTER_ASSIGNMENT = frozenset({S.ASSIGNED, S.HANDLING, S.REHANDLING, S.REPLIED, S.EVALUATED, S.CLOSED})


@dataclass(frozen=True)
class UnitFacts:
    """What one replying unit's records say."""

    reply_round: int  # the round of reply it owes: 1, or 2 after the proposer sent it back
    replied_round: int  # the last round it sent (0: none yet)
    rated: bool  # the reply in force (the latest sent one, a type conversion aside) has its feedback, rated or lapsed
    closed: bool  # its handling is closed (closure report approved, or a for-reference reply rated)

    @property
    def owes(self) -> bool:
        return self.replied_round < self.reply_round


def derived_state(state: str, units: Iterable[UnitFacts]) -> str:
    """The state the replying units' facts imply for an item now in `state`. Before assignment,
    and once ended (withdrawn, merged, ...), the state is the item's own. While a unit owes a reply
    the item is in handling, or re-handling once every unit has replied at least once and a
    second reply is owed; whether it is assigned or handling (every unit signed) is the signing
    step's to say, so those two are kept. Then replied until every reply in force is rated,
    evaluated until every unit is closed, closed."""
    if state not in AFTER_ASSIGNMENT:
        return state
    units = list(units)
    owing = [u for u in units if u.owes]
    if owing:
        # Re-handling once every unit has replied at least once; while a separate unit still owes
        # its first reply the item is in handling (another unit's second reply has its own clock).
        if all(u.replied_round >= 1 for u in units) and any(u.reply_round > 1 for u in owing):
            return S.REHANDLING
        return state if state in (S.ASSIGNED, S.HANDLING) else S.HANDLING
    if not all(u.rated for u in units):
        return S.REPLIED
    if all(u.closed for u in units):
        return S.CLOSED
    return S.EVALUATED
