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


def compute(scheme: Scheme, *, as_of: datetime.date | None = None, unit_id: int | None = None) -> list[UnitScore]:
    """Every assessed unit's lines and total (or one unit's), unranked. The units assessed are
    those with an assignment on the year's items."""
    with _few_collections():
        return _compute(scheme, asof.as_of(as_of), unit_id)


def _compute(scheme: Scheme, at, unit_id) -> list[UnitScore]:
    f = load(scheme, at, unit_id)
    indicators = sorted(scheme.indicators.all(), key=lambda i: (i.position, i.pk))
    for ind in indicators:
        ind.scheme = scheme  # the metrics read the scheme's dates without another query
    figures = {ind.pk: METRICS[ind.metric].compute(f, ind) for ind in indicators}
    overdue = Counter(e[1] for e in f.overdue)
    grade = mean_grades(f)
    adjustments = [e for e in f.entries if e.kind == Entry.Kind.ADJUSTMENT]
    out = []
    scored = {}  # (indicator, figure) -> (points, rule in words): points_for is pure, and many units share a figure
    for unit, (name, position) in f.units.items():
        lines = []
        for ind in indicators:
            metric = METRICS[ind.metric]
            fig = figures[ind.pk].get(unit) or metric.missing()
            key = (ind.pk, type(fig.value), fig.value)
            if key not in scored:
                scored[key] = points_for(ind.rule, ind.points, ind.per_event, ind.params, fig.value)
            pts, rule = scored[key]
            lines.append(Line("indicator", ind.name, pts, fig.text, rule, ind.code, fig.value, fig.refs))
        for e in adjustments:
            if e.unit_id == unit:
                lines.append(Line("adjustment", "加减分", e.points, e.reason, f"{e.at:%Y-%m-%d} 区府办调整", "adjustment"))
        lines, total = total_of(scheme.base, lines, scheme.cap)
        out.append(UnitScore(unit, name, position, lines, total, overdue.get(unit, 0), grade.get(unit)))
    return out


def standings(scheme: Scheme, *, as_of: datetime.date | None = None) -> list[UnitScore]:
    """All units, ranked, with the advanced ones by tier."""
    return rank(compute(scheme, as_of=as_of), scheme.advanced_count, [float(b) for b in scheme.tier_bonuses], scheme.overdue_rule)


def mean_grades(f) -> dict:
    """The tie-break's mean grade of each unit: the value of the grade_mean figure with its usual
    roles (lead and separate), the same sum in the same order, without the records behind it."""
    by_unit = defaultdict(list)
    for fb, unit, a_id, role, item, score, agrees, praise, in_force in f.ratings:
        if in_force and score is not None and role in ("lead", "separate"):
            by_unit[unit].append(score)
    return {u: sum(xs) / len(xs) / f.max_score for u, xs in by_unit.items()}
