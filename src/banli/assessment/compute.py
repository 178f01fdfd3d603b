"""A year's scores: the records loaded once (facts.py), each indicator's figure per unit
(metrics.py), the points and the lines that explain them (scoring.py), and the ranking."""

from __future__ import annotations

import datetime
import gc
from collections import Counter, defaultdict
from contextlib import contextmanager

from banli.reports import asof

from .facts import load
from .metrics import METRICS
from .models import Entry, Scheme
from .scoring import Line, UnitScore, points_for, rank, total_of


@contextmanager
def _few_collections():
    """A province's year is tens of thousands of small objects (rows, the records behind each
    figure) and no reference cycles: the cyclic collector would walk them over and over (a
    quarter of the time at 600 units and 6,000 items). It is off while they are made, and back on
    (if it was on) after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def compute(scheme: Scheme, *, as_of: datetime.date | None = None, unit_id: int | None = None, records: bool = False) -> list[UnitScore]:
    """Every assessed unit's lines and total (or one unit's), unranked; with records, each line
    lists the records behind its figure. The units assessed are those with an assignment on the
    year's items."""
    with _few_collections():
        return _compute(scheme, asof.as_of(as_of), unit_id, records)


def _compute(scheme: Scheme, at, unit_id, records) -> list[UnitScore]:
    indicators = sorted(scheme.indicators.all(), key=lambda i: (i.position, i.pk))
    f = load(scheme, at, unit_id, records=records, indicators=indicators)
    for ind in indicators:
        ind.scheme = scheme  # the metrics read the scheme's dates without another query
    figures = {ind.pk: METRICS[ind.metric].compute(f, ind) for ind in indicators}
    overdue = Counter()
    for (unit, _kind), n in f.overdue_tally.items():
        overdue[unit] += n
    grade = mean_grades(f)
    adjustments = defaultdict(list)
    for e in f.entries:
        if e.kind == Entry.Kind.ADJUSTMENT:
            adjustments[e.unit_id].append(Line("adjustment", "加减分", e.points, e.reason, f"{e.adjusted_at:%Y-%m-%d} 区府办调整", "adjustment"))
    # Per indicator, what every unit's line needs, looked up once rather than once per unit.
    columns = [(ind, figures[ind.pk], METRICS[ind.metric].missing, {}) for ind in indicators]
    out = []
    for unit, (name, position) in f.units.items():
        lines = []
        for ind, by_unit, missing, scored in columns:
            fig = by_unit.get(unit) or missing()
            key = (type(fig.value), fig.value)  # points_for is pure, and many units share a figure
            got = scored.get(key)
            if got is None:
                got = scored[key] = points_for(ind.rule, ind.points, ind.per_event, ind.params, fig.value)
            lines.append(Line("indicator", ind.name, got[0], fig.text, got[1], ind.code, fig.value, fig.refs, fig.n, fig.ok))
        lines += adjustments.get(unit, ())
        lines, total = total_of(scheme.base, lines, scheme.cap)
        out.append(UnitScore(unit, name, position, lines, total, overdue.get(unit, 0), grade.get(unit)))
    return out


def standings(scheme: Scheme, *, as_of: datetime.date | None = None, records: bool = False) -> list[UnitScore]:
    """All units, ranked, with the advanced ones by tier."""
    return rank(compute(scheme, as_of=as_of, records=records), scheme.advanced_count, [float(b) for b in scheme.tier_bonuses],
                scheme.overdue_rule)


def mean_grades(f) -> dict:
    """The tie-break's mean grade of each unit: the value of the grade_mean figure with its usual
    roles (lead and separate)."""
    return {u: fig.value for u, fig in METRICS["grade_mean"].compute(f, _USUAL).items()}


class _Usual:
    """An indicator that takes its metric's usual roles and no parameters."""
    roles: list = []
    params: dict = {}
    metric = "grade_mean"


_USUAL = _Usual()
