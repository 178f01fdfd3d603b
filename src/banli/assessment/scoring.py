"""From figures to points, and from points to the ranking: pure functions, no database.

Each line of a unit's explanation is rounded to hundredths first and the total is the sum of the
lines, so the lines always add up to the total: where the total would fall below zero or above
the scheme's cap, a line says so and takes up the difference."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
RATE, PER_EVENT, HOURS, ENTERED, PER_ITEM = "rate", "per_event", "hours", "entered", "per_item"


def cents(x) -> Decimal:
    d = Decimal(str(x)).quantize(CENT, rounding=ROUND_HALF_UP)
    return d if d else abs(d)  # no "-0.00"


@dataclass
class Line:
    kind: str  # base, indicator, adjustment, floor, cap
    name: str
    points: Decimal
    figure: str = ""  # the figure in words (how it was counted)
    rule: str = ""  # the rule in words
    code: str = ""
    value: float | None = None
    refs: list = field(default_factory=list)  # listed only when asked for (compute(records=True))
    n: int | None = None  # the records the figure counts
    ok: int | None = None  # of them, those counted for the unit, where that applies


@dataclass
class UnitScore:
    unit: int
    name: str
    position: int  # the office's order of units: the last tie-break
    lines: list
    total: Decimal
    overdue: int = 0
    grade_mean: float | None = None
    rank: int = 0
    tier: int = 0
    bonus: Decimal = Decimal(0)
    standing: str = ""  # why advanced or not, in words


def _fmt(x) -> str:
    return f"{Decimal(x).normalize():f}" if x is not None else ""


def points_for(rule: str, points, per_event, params: dict, value: float | None) -> tuple[Decimal, str]:
    """The points of one indicator for a figure, and the rule in words."""
    params = params or {}
    full = Decimal(points) if points is not None else None
    none_full = params.get("none", "full") == "full"
    if rule == RATE:
        words = f"{_fmt(full)} 分 × 比率"
        if value is None:
            return (cents(full) if none_full else CENT * 0), words + ("；无适用事项按满分计" if none_full else "；无适用事项不得分")
        return cents(full * Decimal(str(value))), words
    if rule == PER_ITEM:
        words = f"{_fmt(full)} 分 × 单件平均分 ÷ 100"
        if value is None:
            return (cents(full) if none_full else CENT * 0), words + ("；无承办件按满分计" if none_full else "")
        return cents(full * Decimal(str(value)) / 100), words
    if rule == HOURS:
        good, bad = float(params.get("good", 24)), float(params.get("bad", 120))
        words = f"平均不超过 {good:g} 小时得 {_fmt(full)} 分，达到 {bad:g} 小时不得分，其间按比例"
        if value is None:
            return (cents(full) if none_full else CENT * 0), words + ("；无留言按满分计" if none_full else "")
        share = 1.0 if value <= good else 0.0 if value >= bad else (bad - value) / (bad - good)
        return cents(full * Decimal(str(share))), words
    if rule == PER_EVENT:
        each = Decimal(per_event or 0)
        n = int(value or 0)
        raw = each * n
        sign = "加" if each >= 0 else "扣"
        words = f"每次{sign} {_fmt(abs(each))} 分" + (f"，最多{sign} {_fmt(full)} 分" if full is not None else "")
        if full is not None:
            raw = max(-full, min(full, raw))
        return cents(raw), words
    if rule == ENTERED:
        words = f"人工评分，满分 {_fmt(full)} 分" if full is not None else "人工评分"
        if value is None:
            return CENT * 0, words + "；尚未评分"
        v = Decimal(str(value))
        if full is not None:
            v = max(Decimal(0), min(full, v))
        return cents(v), words
    raise ValueError(rule)


def total_of(base, lines: list, cap) -> tuple[list, Decimal]:
    """The lines with the base first and, where needed, the floor or cap line; and the total."""
    out = [Line("base", "基础分", cents(base))] + lines if base else list(lines)
    total = sum((ln.points for ln in out), Decimal(0))
    if total < 0:
        out.append(Line("floor", "扣至零分为止", -total))
        total = Decimal(0)
    if cap is not None and total > Decimal(cap):
        out.append(Line("cap", f"总分不超过 {_fmt(cap)} 分", cents(cap) - total))
        total = cents(cap)
    return out, cents(total)


def tier_sizes(count: int, tiers: int) -> list[int]:
    """12 in three tiers: 4, 4, 4; 10 in three: 4, 3, 3 (the higher tiers take the remainder)."""
    if tiers <= 0:
        return []
    base, extra = divmod(count, tiers)
    return [base + (1 if i < extra else 0) for i in range(tiers)]


TIE_RULE = "总分相同时，超期次数少者在前；仍相同时，委员满意度（平均等次）高者在前；再相同时按单位排列顺序。"


def rank(scores: list, advanced_count: int, bonuses: list, overdue_rule: str) -> list:
    """Rank the units and name the advanced ones by tier (in place; returns them in rank order)."""
    ordered = sorted(scores, key=lambda s: (-s.total, s.overdue, -(s.grade_mean or 0), s.position))
    sizes = tier_sizes(advanced_count, len(bonuses))
    bounds = []  # tier of the k-th advanced place
    for t, size in enumerate(sizes, start=1):
        bounds += [t] * size
    for i, s in enumerate(ordered, start=1):
        s.rank, s.tier, s.bonus, s.standing = i, 0, Decimal(0), ""
    if overdue_rule == "exclude":
        eligible = [s for s in ordered if s.overdue == 0]
        for place, s in enumerate(eligible[:len(bounds)]):
            s.tier = bounds[place]
        for s in ordered:
            if s.overdue and s.rank <= len(bounds):
                s.standing = f"有超期 {s.overdue} 次，不得评为先进"
    else:
        for place, s in enumerate(ordered[:len(bounds)]):
            s.tier = bounds[place] + (1 if s.overdue else 0)
            if s.overdue:
                s.standing = f"有超期 {s.overdue} 次，降一档"
            if s.tier > len(bonuses):
                s.tier = 0
    for s in ordered:
        if s.tier:
            s.bonus = cents(bonuses[s.tier - 1])
            s.standing = s.standing or f"先进单位{'一二三四五六七八九十'[s.tier - 1]}档"
    return ordered
