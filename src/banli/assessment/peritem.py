"""Per-item scoring (单件考核): each of a unit's items scored on its own rule, then averaged.

The indicator's params name the components of the rule for the items a unit leads or handles
separately ("lead") and for those it co-handles ("co"), each with its points:

    reply_speed        the reply deadline: full if met on time, minus per_day for each working
                       day late, never below zero
    co_opinion_speed   the co-handling opinion's deadline, likewise
    grade              the proposer's grade in force, as a share of the top grade's score
    reply_type         the reply type in force, through a map of type code -> share (A: 1 ...)
    proposer_co_grade  the proposer's grade of this co-handling unit, as a share
    lead_grade         the lead unit's grade of this co-handling unit, as a share

A component with nothing to read yet (no rating given, no reply sent, a deadline not yet due)
scores its `missing` share of the points: by default the full points for speeds and grades (the
unit is not marked down for what is not yet due, or for a proposer's silence) and none for the
reply type (no reply, no result). An item's score is out of the rule's total; the unit's figure is
the mean of its items' scores on a scale of 100."""

from __future__ import annotations

from collections import defaultdict

from banli.deadlines.models import Milestone
from banli.workdays.calendar import working_days_between

from .evidence import Figure, Ref
from .facts import Facts

NAMES = {"reply_speed": "答复时效", "co_opinion_speed": "会办时效", "grade": "答复质量", "reply_type": "办理效果",
         "proposer_co_grade": "委员评价", "lead_grade": "主办单位评价"}
MISSING = {"reply_type": 0.0}

DEFAULT_RULES = {
    "lead": [{"figure": "reply_speed", "points": 20, "per_day": 2}, {"figure": "grade", "points": 50},
             {"figure": "reply_type", "points": 30, "map": {"A": 1, "B": 0.8, "C": 0.4}}],
    "co": [{"figure": "co_opinion_speed", "points": 40, "per_day": 4}, {"figure": "lead_grade", "points": 30},
           {"figure": "proposer_co_grade", "points": 30}],
}


def _speed(deadline, at, comp):
    """Share of the points for a deadline: (share, words)."""
    if deadline is None:
        return None, "无期限"
    due, met, days_late = deadline
    if met is not None and met <= due:
        return 1.0, "按时"
    if met is None and due >= at.day:
        return None, "未到期"
    days = days_late or working_days_between(due, met or at.day)
    per_day = float(comp.get("per_day", 0))
    points = float(comp["points"])
    return max(0.0, points - per_day * days) / points if points else 0.0, f"超期 {days} 个工作日"


def _component(comp, ctx, f: Facts):
    kind = comp["figure"]
    if kind == "reply_speed":
        return _speed(ctx["reply"], f.at, comp)
    if kind == "co_opinion_speed":
        return _speed(ctx["co_opinion"], f.at, comp)
    if kind == "grade":
        s = ctx["grade"]
        return (s / f.max_score, f"评价 {s:g} 分") if s is not None else (None, "尚无评价")
    if kind == "reply_type":
        code = ctx["type"]
        if code is None:
            return None, "尚未答复"
        return float((comp.get("map") or {}).get(code, 0)), f"{code} 类"
    if kind in ("proposer_co_grade", "lead_grade"):
        s = ctx[kind]
        return (s / f.max_score, f"评价 {s:g} 分") if s is not None else (None, "尚无评价")
    raise ValueError(kind)


def item_score(rule, ctx, f: Facts) -> tuple[float, float, list[str]]:
    """(points, out of, words per component) for one assignment."""
    got, whole, words = 0.0, 0.0, []
    for comp in rule:
        points = float(comp["points"])
        share, why = _component(comp, ctx, f)
        if share is None:
            share = float(comp.get("missing", MISSING.get(comp["figure"], 1.0)))
        got += points * share
        whole += points
        words.append(f"{NAMES.get(comp['figure'], comp['figure'])} {points * share:.1f}/{points:g}（{why}）")
    return got, whole, words


def per_item_figures(f: Facts, ind) -> dict:
    rules = {**DEFAULT_RULES, **{k: v for k, v in (ind.params or {}).items() if k in ("lead", "co")}}
    roles = set(ind.roles or ("lead", "co", "separate"))
    first = {}  # (assignment, kind) -> (due, met, days late): the first round's deadline
    for d_id, unit, a_id, role, item, kind, due, met, days_late in sorted(f.deadlines, key=lambda d: d[6]):
        if kind in (Milestone.REPLY, Milestone.CO_OPINION):
            first.setdefault((a_id, kind), (due, met, days_late))
    grade = {r[2]: r[5] for r in f.ratings if r[8]}
    reply_type = {r[2]: r[5] for r in f.replies}
    by_unit = defaultdict(list)
    for a_id, unit, item, role, bits in f.assignments:
        if role not in roles:
            continue
        group = "co" if role == "co" else "lead"
        ctx = {"reply": first.get((a_id, Milestone.REPLY)), "co_opinion": first.get((a_id, Milestone.CO_OPINION)),
               "grade": grade.get(a_id), "type": reply_type.get(a_id),
               "proposer_co_grade": f.co_grades.get((unit, item)), "lead_grade": f.lead_grades.get(a_id)}
        got, whole, words = item_score(rules[group], ctx, f)
        score = got / whole * 100 if whole else 0.0
        ref = Ref("item", item, item, f.items.get(item, ""), None,
                  f"{'会办' if group == 'co' else '主办'} {score:.1f} 分：" + "；".join(words)) if f.records else None
        by_unit[unit].append((score, ref))
    return {u: Figure(sum(s for s, _ in xs) / len(xs), f"单件考核 {len(xs)} 件，平均 {sum(s for s, _ in xs) / len(xs):.2f} 分",
                      [r for _, r in xs] if f.records else [], len(xs))
            for u, xs in by_unit.items()}
