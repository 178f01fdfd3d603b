"""A figure and the records it came from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Ref:
    """A record a figure came from: an item (and which record on it), an overdue event, a
    question, a change of liaison, an entry made by people."""

    kind: str
    id: int
    item: int | None
    label: str
    ok: bool | None = None  # counted for (True) or against (False) the unit, where that applies
    note: str = ""


@dataclass
class Figure:
    value: float | None  # None: nothing to count (the indicator does not apply to this unit)
    text: str
    refs: list = field(default_factory=list)  # listed only when asked for (facts.load(records=True))
    n: int = 0  # the records counted, listed or not
    ok: int | None = None  # of them, those counted for the unit, where that applies
