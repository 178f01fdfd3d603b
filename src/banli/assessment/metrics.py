"""The figures an indicator can score, each computed per unit from the loaded records (facts.py)
and carrying the records it came from, so that the unit's page can link every figure to them.

A figure's value is a share (0–1: on-time rates, agreement, the mean grade as a share of the top
grade's score), a count of events, a mean number of hours, points entered by people, or the mean
of the items' scores (0–100, peritem.py). An indicator's `roles` narrow the unit's assignments
that count (lead, co-handling, separate); left empty, each metric counts its usual ones."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from banli.deadlines.models import OVERDUE_LABEL, Milestone
from banli.reports.asof import ALL_CONTACTS

from .evidence import Figure, Ref
from .facts import Facts, submitted_by
from .models import Entry
from .peritem import per_item_figures


@dataclass(frozen=True)
class Metric:
    label: str
    kind: str  # share, count, hours, entered, per_item
    compute: Callable  # (facts, indicator) -> {unit id: Figure}
    default_roles: tuple = ("lead", "co", "separate")
    higher_is_better: bool = True
    absent: str = ""  # the figure in words when the unit has nothing to count

    def missing(self) -> Figure:
        if self.kind == "count":
            return Figure(0, self.absent or "无", [], 0, 0)
        return Figure(None, self.absent or "无适用事项", [], 0, 0)


def _roles(ind, default) -> set:
    return set(ind.roles or default)


def _share(ok: int, n: int) -> float | None:
    return ok / n if n else None


def _sum_roles(tally: dict, roles: set, out: dict | None = None) -> dict:
    """A tally keyed (unit, role), summed per unit over the roles (into `out`, if given)."""
    out = {} if out is None else out
    for key, counts in tally.items():
        if key[1] in roles:
            got = out.get(key[0])
            if got is not None:
                summed = tuple(a + b for a, b in zip(got, counts))
                counts = counts._make(summed) if hasattr(counts, "_make") else summed  # a RatingTally stays one
            out[key[0]] = counts
    return out


def _on_time(kinds, verb):
    def compute(f: Facts, ind):
        roles = _roles(ind, METRICS[ind.metric].default_roles)
        refs = defaultdict(list)
        if f.records:
            # A province's year has tens of thousands of deadlines: the dates are written with
            # isoformat (the same YYYY-MM-DD as strftime, several times faster).
            for d_id, unit, a_id, role, item, kind, due, met, days_late in f.deadlines_of(kinds):
                if role in roles:
                    note = "期限 " + due.isoformat() + "，" + (met.isoformat() + " 完成" if met else "截至计分日未完成")
                    refs[unit].append(Ref("deadline", d_id, item, f.items.get(item, ""), met is not None and met <= due, note))
        counts = {}
        for kind in kinds:
            _sum_roles(f.deadline_tally.get(kind, {}), roles, counts)
        return {u: Figure(_share(ok, n), f"应{verb} {n} 项，按时 {ok} 项", refs.get(u, []), n, ok) for u, (n, ok) in counts.items()}
    return compute


def _rating_refs(f: Facts, roles, keep, make) -> dict:
    """The ratings in force of these roles that `keep` accepts, as records per unit (none unless listed)."""
    refs = defaultdict(list)
    if f.records:
        for r in f.ratings:
            if r[8] and r[3] in roles and keep(r):
                refs[r[1]].append(make(r))
    return refs


def _grade_mean(f: Facts, ind):
    roles = _roles(ind, ("lead", "separate"))
    refs = _rating_refs(f, roles, lambda r: r[5] is not None,
                        lambda r: Ref("feedback", r[0], r[4], f.items.get(r[4], ""), None, f"{r[5]:g} 分"))
    out = {}
    for u, t in _sum_roles(f.rating_tally, roles).items():
        if t.graded:
            mean = t.score / t.graded
            out[u] = Figure(mean / f.max_score, f"委员评价 {t.graded} 件，平均 {mean:.1f} 分（最高等次 {f.max_score:g} 分）", refs.get(u, []), t.graded)
    return out


def _agreement(f: Facts, ind):
    roles = _roles(ind, ("lead", "separate"))
    refs = _rating_refs(f, roles, lambda r: r[6] is not None,
                        lambda r: Ref("feedback", r[0], r[4], f.items.get(r[4], ""), r[6], "同意" if r[6] else "不同意"))
    return {u: Figure(_share(t.agreed, t.stated), f"表态 {t.stated} 件，同意 {t.agreed} 件", refs.get(u, []), t.stated, t.agreed)
            for u, t in _sum_roles(f.rating_tally, roles).items() if t.stated}


def _praise(f: Facts, ind):
    roles = _roles(ind, ("lead", "separate"))
    refs = defaultdict(dict)
    if f.records:
        for fb, unit, a_id, role, item, score, agrees, praise, _ in f.ratings:
            if praise and role in roles:
                refs[unit][item] = Ref("feedback", fb, item, f.items.get(item, ""), True, "表扬")  # once per item
    return {u: Figure(t.praised, f"受表扬 {t.praised} 件", list(refs[u].values()) if u in refs else [], t.praised, t.praised)
            for u, t in _sum_roles(f.rating_tally, roles).items() if t.praised}


def _type_share(f: Facts, ind):
    roles = _roles(ind, ("lead", "separate"))
    codes = set(ind.params.get("codes") or ["A", "B"])
    refs = defaultdict(list)
    if f.records:
        for reply, unit, a_id, role, item, code in f.replies:
            if role in roles:
                refs[unit].append(Ref("reply", reply, item, f.items.get(item, ""), code in codes, f"{code} 类"))
    counts = defaultdict(lambda: [0, 0])
    for (unit, role, code), n in f.reply_tally.items():
        if role in roles:
            counts[unit][0] += n
            counts[unit][1] += n if code in codes else 0
    names = "+".join(sorted(codes))
    return {u: Figure(_share(ok, n), f"答复 {n} 件，{names} 类 {ok} 件", refs.get(u, []), n, ok) for u, (n, ok) in counts.items()}


def _contacts(f: Facts, ind):
    roles = _roles(ind, ("lead", "separate"))
    refs = defaultdict(list)
    if f.records:
        for a_id, unit, item, role, bits in f.assignments:
            if role in roles:
                made = "、".join(n for b, n in ((1, "办前面商"), (2, "办中沟通"), (4, "办后回访")) if bits & b) or "均未记录"
                refs[unit].append(Ref("item", item, item, f.items.get(item, ""), bits == ALL_CONTACTS, made))
    return {u: Figure(_share(ok, n), f"承办 {n} 件，三次沟通齐全 {ok} 件", refs.get(u, []), n, ok)
            for u, (n, ok) in _sum_roles(f.contact_tally, roles).items()}


def _listed(f: Facts, rows, make) -> list:
    """The records behind a figure counted from rows loaded anyway, made only when listed."""
    return [make(r) for r in rows] if f.records else []


def _co_grade(source):
    def compute(f: Facts, ind):
        by_unit = defaultdict(list)
        for a_id, unit, item, role, bits in f.assignments:
            got = f.co_grades.get((unit, item)) if source == "proposer" else f.lead_grades.get(a_id)
            if role == "co" and got is not None:
                by_unit[unit].append((got, item))
        who = "委员" if source == "proposer" else "主办单位"
        return {u: Figure(sum(s for s, _ in xs) / len(xs) / f.max_score, f"{who}评价 {len(xs)} 件，平均 {sum(s for s, _ in xs) / len(xs):.1f} 分",
                          _listed(f, xs, lambda x: Ref("item", x[1], x[1], f.items.get(x[1], ""), None, f"{x[0]:g} 分")), len(xs))
                for u, xs in by_unit.items()}
    return compute


def _message_hours(f: Facts, ind):
    refs = defaultdict(list)
    for m_id, unit, item, h in f.messages:  # listed only
        refs[unit].append(Ref("message", m_id, item, f.items.get(item, ""), None, f"{h:.1f} 小时"))
    return {u: Figure(hours / n, f"答复留言 {n} 条，平均 {hours / n:.1f} 小时", refs.get(u, []), n) for u, (n, hours) in f.message_tally.items()}


def _question_hours(f: Facts, ind):
    """Questions are few (有问必答, a few a year per unit): counted from their rows."""
    by_unit = defaultdict(list)
    for row in f.questions:
        by_unit[row[1]].append(row)
    out = {}
    for unit, xs in by_unit.items():
        mean = sum(r[2] for r in xs) / len(xs)
        refs = _listed(f, xs, lambda r: Ref("question", r[0], None, "有问必答", None, f"{r[2]:.1f} 小时"))
        out[unit] = Figure(mean, f"答复提问 {len(xs)} 条，平均 {mean:.1f} 小时", refs, len(xs))
    return out


def _overdue(f: Facts, ind):
    kinds = set(ind.params.get("kinds") or [])
    counts = defaultdict(int)
    for (unit, kind), n in f.overdue_tally.items():
        if not kinds or kind in kinds:
            counts[unit] += n
    refs = defaultdict(list)
    for e_id, unit, item, kind, days_late, due, question in f.overdue:  # listed only
        if not kinds or kind in kinds:
            label = f.items.get(item, "") if item else "有问必答"
            refs[unit].append(Ref("overdue", e_id, item, label, False, f"{OVERDUE_LABEL[kind]}，超期 {days_late} 个工作日"))
    return {u: Figure(n, f"超期 {n} 次", refs.get(u, []), n, 0) for u, n in counts.items()}


def _events(attr, what, kind):
    def compute(f: Facts, ind):
        by_unit = defaultdict(list)
        for e in getattr(f, attr):
            by_unit[e[1]].append(e)
        return {u: Figure(len(es), f"{what} {len(es)} 次", _listed(f, es, lambda e: Ref(kind, e[0], e[2], f.items.get(e[2], ""), False, what)),
                          len(es), 0)
                for u, es in by_unit.items()}
    return compute


def _liaison_changes(f: Facts, ind):
    allowed = int(ind.params.get("allowed", 1))
    out = {}
    for unit, changes in f.liaison_changes.items():
        refs = _listed(f, enumerate(changes), lambda c: Ref("liaison", c[1][0], None, f"{c[1][1]:%Y-%m-%d} 起由{c[1][2]}担任联络员",
                                                            c[0] < allowed, "允许范围内" if c[0] < allowed else "超出允许次数"))
        out[unit] = Figure(max(0, len(changes) - allowed), f"年内更换联络员 {len(changes)} 次，允许 {allowed} 次", refs, len(changes))
    return out


def _entered(kind):
    def compute(f: Facts, ind):
        by_unit = defaultdict(list)
        for e in f.entered.get((ind.pk, kind), ()):
            by_unit[e.unit_id].append(e)
        out = {}
        shown = str(Entry.Kind(kind).label)
        for unit, es in by_unit.items():
            value = sum(float(e.points) for e in es) / len(es)
            refs = _listed(f, es, lambda e: Ref("entry", e.id, None, shown + (f"（{e.assembly}）" if e.assembly else ""), None,
                                                f"{float(e.points):g} 分：{e.reason}"))
            text = f"评分 {value:g} 分" if len(es) == 1 else f"{len(es)} 方评分，平均 {value:.2f} 分"
            out[unit] = Figure(value, text, refs, len(es))
        return out
    return compute


def _self_assessment(f: Facts, ind):
    out = {}
    for unit, (s_id, when) in f.self_assessments.items():
        on_time = submitted_by(ind.scheme, when)
        out[unit] = Figure(1.0 if on_time else 0.0, f"{when:%Y-%m-%d} 提交" + ("" if on_time else "（逾期）"),
                           _listed(f, [s_id], lambda s: Ref("self_assessment", s, None, "总结自评", on_time, "")), 1, int(on_time))
    return out


M = Metric
METRICS: dict[str, Metric] = {
    "sign_on_time": M("按时签收率", "share", _on_time({Milestone.SIGN}, "签收")),
    "consult_on_time": M("按时面商率", "share", _on_time({Milestone.CONSULT}, "面商"), ("lead", "separate")),
    "reply_on_time": M("按时答复率", "share", _on_time({Milestone.REPLY, Milestone.SECOND_REPLY}, "答复"), ("lead", "separate")),
    "co_opinion_on_time": M("按时会办率", "share", _on_time({Milestone.CO_OPINION}, "提出会办意见"), ("co",)),
    "progress_on_time": M("按时报送进展率", "share", _on_time({Milestone.PROGRESS}, "报送进展"), ("lead", "separate")),
    "grade_mean": M("委员满意度（平均等次）", "share", _grade_mean, ("lead", "separate")),
    "agreement": M("同意答复率", "share", _agreement, ("lead", "separate")),
    "praise": M("受表扬件数", "count", _praise, ("lead", "separate")),
    "ab_share": M("A、B类答复占比", "share", _type_share, ("lead", "separate")),
    "three_contacts": M("三次沟通落实率", "share", _contacts, ("lead", "separate")),
    "co_grade_proposer": M("委员对会办的评价", "share", _co_grade("proposer"), ("co",)),
    "co_grade_lead": M("主办单位对会办的评价", "share", _co_grade("lead"), ("co",)),
    "message_hours": M("留言平均答复时长", "hours", _message_hours, higher_is_better=False),
    "question_hours": M("有问必答平均答复时长", "hours", _question_hours, higher_is_better=False),
    "overdue": M("超期次数", "count", _overdue, higher_is_better=False),
    "urges": M("被催办次数", "count", _events("urges", "被催办", "urge"), higher_is_better=False),
    "refused_adjustments": M("调整申请理由不成立", "count", _events("refused_adjustments", "调整申请不予同意", "adjustment"),
                             higher_is_better=False),
    "liaison_changes": M("超出允许的联络员更换", "count", _liaison_changes, higher_is_better=False),
    "manual": M("办公室评分", "entered", _entered("manual"), absent="尚未评分"),
    "evaluation": M("提案委/代表工委评价", "entered", _entered("evaluation"), absent="尚未评分"),
    "self_assessment": M("按时提交总结自评", "share", _self_assessment, absent="未提交"),
    "per_item": M("单件考核平均分", "per_item", per_item_figures),
}
