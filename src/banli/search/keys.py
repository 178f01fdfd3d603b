"""Keys: words the index adds to each document beyond its text, so that the full-text index itself
narrows a search to one session, or to the items of a few units, before any row is read.

Without them a search reads (to rank, and to count) every document with the word: for a common
word that grows with the years of history (养老 is in 4% of the benchmark's items: 4,400 of 100k,
44,000 of 1M). With them, banli.search.query asks session by session, newest first, each time
for "the word AND this session's key" (one index lookup: the GIN index intersects the two lists),
and stops once it has enough; a unit's staff ask for "the word AND one of my units' keys of this
session" instead (banli.proposals.access.search_units).

A key is letters and digits, as the tokenizer keeps them (one token on both databases), starting
with "zz" plus a kind letter. A reader could type one (zzs12) and find that session's items, as
they could by the filter: every result is still filtered by what the reader may see."""

from __future__ import annotations


SESSION_PREFIX, UNIT_PREFIX = "zzs", "zzu"


def session_key(session_id: int) -> str:
    return f"{SESSION_PREFIX}{int(session_id)}"


def unit_key(unit_id: int, session_id: int) -> str:
    """A unit's items of one session: one short list in the index, where the unit's and the
    session's lists apart would be long ones to intersect (the busiest unit handles a fifth of
    all items)."""
    return f"{UNIT_PREFIX}{int(unit_id)}s{int(session_id)}"


def keys(session_id, unit_ids=()) -> str:
    """The keys of a document, space-separated like its pieces."""
    return " ".join([session_key(session_id), *(unit_key(u, session_id) for u in sorted(set(unit_ids)))])
