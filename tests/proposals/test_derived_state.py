"""The derived state (banli.proposals.derived.derived_state): a pure function of plain facts about
an item's replying units, which the settle step stores, the benchmark checks its rows against and
the state-machine test checks every stored state against. A table of cases, no database."""

import pytest

from banli.proposals.derived import UnitFacts, derived_state
from banli.proposals.models import ItemState as S


def unit(reply_round=1, replied_round=0, rated=False, closed=False):
    return UnitFacts(reply_round=reply_round, replied_round=replied_round, rated=rated, closed=closed)


OWES_FIRST = unit()  # signed or not, no reply sent yet
SENT = unit(replied_round=1)  # replied, awaiting the rating
RATED = unit(replied_round=1, rated=True)  # rated (or lapsed), still tracked (progress, closure report)
CLOSED = unit(replied_round=1, rated=True, closed=True)
SENT_BACK = unit(reply_round=2, replied_round=1, rated=True)  # rated badly: a second reply is owed
SECOND_SENT = unit(reply_round=2, replied_round=2)  # the second reply sent, awaiting its rating
SECOND_CLOSED = unit(reply_round=2, replied_round=2, rated=True, closed=True)

CASES = [
    # (case, stored state, replying units, derived state)
    ("before assignment the item's own state stands", S.REGISTERED, [SENT], S.REGISTERED),
    ("an ended item stays ended", S.WITHDRAWN, [CLOSED], S.WITHDRAWN),
    ("merged stays merged", S.MERGED, [], S.MERGED),
    ("assigned, nobody replied: assigned (signing decides)", S.ASSIGNED, [OWES_FIRST], S.ASSIGNED),
    ("handling, nobody replied: handling", S.HANDLING, [OWES_FIRST], S.HANDLING),
    ("the lead unit sent its reply", S.HANDLING, [SENT], S.REPLIED),
    ("the reply rated", S.REPLIED, [RATED], S.EVALUATED),
    ("the unit closed", S.EVALUATED, [CLOSED], S.CLOSED),
    ("a reply rated and closed at once (for reference)", S.REPLIED, [CLOSED], S.CLOSED),
    ("rated badly: re-handling", S.REPLIED, [SENT_BACK], S.REHANDLING),
    ("the second reply sent", S.REHANDLING, [SECOND_SENT], S.REPLIED),
    ("the second reply rated and closed", S.REPLIED, [SECOND_CLOSED], S.CLOSED),
    ("a unit that owes a second reply re-opens a closed item", S.CLOSED, [unit(reply_round=2, replied_round=1, closed=True)],
     S.REHANDLING),
    # Separate units (分办): each replies, is rated and closed on its own; the item follows the slowest.
    ("分办: one replied, one has not signed yet (item assigned)", S.ASSIGNED, [SENT, OWES_FIRST], S.ASSIGNED),
    ("分办: one rated, one still owes its first reply (item handling)", S.HANDLING, [RATED, OWES_FIRST], S.HANDLING),
    ("分办: one rated, one owes its first reply, item had been replied", S.REPLIED, [RATED, OWES_FIRST], S.HANDLING),
    ("分办: both replied, one rated", S.REPLIED, [RATED, SENT], S.REPLIED),
    ("分办: both rated, one closed", S.REPLIED, [CLOSED, RATED], S.EVALUATED),
    ("分办: both closed", S.EVALUATED, [CLOSED, CLOSED], S.CLOSED),
    ("分办: one sent back while the other still owes its first reply: handling, not re-handling", S.HANDLING,
     [SENT_BACK, OWES_FIRST], S.HANDLING),
    ("分办: one sent back, the other rated: re-handling", S.EVALUATED, [SENT_BACK, RATED], S.REHANDLING),
    ("分办: one sent back, the other closed: re-handling", S.EVALUATED, [SENT_BACK, CLOSED], S.REHANDLING),
    ("分办: the second reply sent, the other unit closed", S.REHANDLING, [SECOND_SENT, CLOSED], S.REPLIED),
    ("分办: both re-handled and closed", S.REPLIED, [SECOND_CLOSED, SECOND_CLOSED], S.CLOSED),
]


@pytest.mark.parametrize("state, units, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_derived_state(state, units, expected):
    assert derived_state(state, units) == expected


def test_the_facts_in_any_order_give_the_same_state():
    for _, state, units, expected in CASES:
        assert derived_state(state, list(reversed(units))) == expected
        assert derived_state(state, iter(units)) == expected  # any iterable, read once
