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
            return Figure(0, self.absent or "无", [])
        return Figure(None, self.absent or "无适用事项", [])


def _roles(ind, default) -> set:
    return set(ind.roles or default)


def _share(ok: int, n: int) -> float | None:
    return ok / n if n else None


def _on_time(kinds, verb):
    def compute(f: Facts, ind):
        roles = _roles(ind, METRICS[ind.metric].default_roles)
        by_unit = defaultdict(list)
        labels = f.items
        # A province's year has tens of thousands of deadlines: the dates are written with
        # isoformat (the same YYYY-MM-DD as strftime, several times faster).
        for d_id, unit, a_id, role, item, kind, due, met, days_late in f.deadlines_of(kinds):
            if role in roles:
                ok = met is not None and met <= due
                note = "期限 " + due.isoformat() + "，" + (met.isoformat() + " 完成" if met else "截至计分日未完成")
                by_unit[unit].append(Ref("deadline", d_id, item, labels.get(item, ""), ok, note))
        out = {}
        for unit, refs in by_unit.items():
            ok = sum(1 for r in refs if r.ok)
            out[unit] = Figure(_share(ok, len(refs)), f"应{verb} {len(refs)} 项，按时 {ok} 项", refs)
        return out
    return compute


def _ratings_in_force(f: Facts, ind, default):
    roles = _roles(ind, default)
    return [r for r in f.ratings if r[8] and r[3] in roles]


def _grade_mean(f: Facts, ind):
    by_unit = defaultdict(list)
    for fb, unit, a_id, role, item, score, agrees, praise, _ in _ratings_in_force(f, ind, ("lead", "separate")):
        if score is not None:
            by_unit[unit].append((score, Ref("feedback", fb, item, f.items.get(item, ""), None, f"{score:g} 分")))
    return {u: Figure(sum(s for s, _ in xs) / len(xs) / f.max_score,
                      f"委员评价 {len(xs)} 件，平均 {sum(s for s, _ in xs) / len(xs):.1f} 分（最高等次 {f.max_score:g} 分）", [r for _, r in xs])
            for u, xs in by_unit.items()}


def _agreement(f: Facts, ind):
    by_unit = defaultdict(list)
    for fb, unit, a_id, role, item, score, agrees, praise, _ in _ratings_in_force(f, ind, ("lead", "separate")):
        if agrees is not None:
            by_unit[unit].append(Ref("feedback", fb, item, f.items.get(item, ""), agrees, "同意" if agrees else "不同意"))
    return {u: Figure(_share(sum(1 for r in refs if r.ok), len(refs)), f"表态 {len(refs)} 件，同意 {sum(1 for r in refs if r.ok)} 件", refs)
            for u, refs in by_unit.items()}


def _praise(f: Facts, ind):
    roles = _roles(ind, ("lead", "separate"))
    by_unit = defaultdict(dict)
    for fb, unit, a_id, role, item, score, agrees, praise, _ in f.ratings:
        if praise and role in roles:
            by_unit[unit][item] = Ref("feedback", fb, item, f.items.get(item, ""), True, "表扬")
    return {u: Figure(len(refs), f"受表扬 {len(refs)} 件", list(refs.values())) for u, refs in by_unit.items()}


def _type_share(f: Facts, ind):
    roles = _roles(ind, ("lead", "separate"))
    codes = set(ind.params.get("codes") or ["A", "B"])
    by_unit = defaultdict(list)
    for reply, unit, a_id, role, item, code in f.replies:
        if role in roles:
            by_unit[unit].append(Ref("reply", reply, item, f.items.get(item, ""), code in codes, f"{code} 类"))
    names = "+".join(sorted(codes))
    return {u: Figure(_share(sum(1 for r in refs if r.ok), len(refs)), f"答复 {len(refs)} 件，{names} 类 {sum(1 for r in refs if r.ok)} 件", refs)
            for u, refs in by_unit.items()}


def _contacts(f: Facts, ind):
    roles = _roles(ind, ("lead", "separate"))
    by_unit = defaultdict(list)
    for a_id, unit, item, role, bits in f.assignments:
        if role in roles:
            made = "、".join(n for b, n in ((1, "办前面商"), (2, "办中沟通"), (4, "办后回访")) if bits & b) or "均未记录"
            by_unit[unit].append(Ref("item", item, item, f.items.get(item, ""), bits == ALL_CONTACTS, made))
    return {u: Figure(_share(sum(1 for r in refs if r.ok), len(refs)), f"承办 {len(refs)} 件，三次沟通齐全 {sum(1 for r in refs if r.ok)} 件", refs)
            for u, refs in by_unit.items()}


def _co_grade(source):
    def compute(f: Facts, ind):
        by_unit = defaultdict(list)
        for a_id, unit, item, role, bits in f.assignments:
            if role != "co":
                continue
            got = f.co_grades.get((unit, item)) if source == "proposer" else f.lead_grades.get(a_id)
            if got is not None:
                by_unit[unit].append((got[1], Ref("item", item, item, f.items.get(item, ""), None, f"{got[1]:g} 分")))
        who = "委员" if source == "proposer" else "主办单位"
        return {u: Figure(sum(s for s, _ in xs) / len(xs) / f.max_score,
                          f"{who}评价 {len(xs)} 件，平均 {sum(s for s, _ in xs) / len(xs):.1f} 分", [r for _, r in xs])
                for u, xs in by_unit.items()}
    return compute


def _hours(source):
    def compute(f: Facts, ind):
        if source == "message":
            rows, what = f.messages, "留言"
        else:
            rows, what = [(q, unit, None, h) for q, unit, h in f.questions], "提问"
        by_unit = defaultdict(list)
        for r_id, unit, item, h in rows:
            by_unit[unit].append((h, Ref(source, r_id, item, f.items.get(item, "") if item else "有问必答", None, f"{h:.1f} 小时")))
        out = {}
        for unit, xs in by_unit.items():
            mean = sum(h for h, _ in xs) / len(xs)
            out[unit] = Figure(mean, f"答复{what} {len(xs)} 条，平均 {mean:.1f} 小时", [r for _, r in xs])
        return out
    return compute


def _overdue(f: Facts, ind):
    kinds = set(ind.params.get("kinds") or [])
    by_unit = defaultdict(list)
    for e_id, unit, item, kind, days_late, due, question in f.overdue:
        if not kinds or kind in kinds:
            label = f.items.get(item, "") if item else "有问必答"
            by_unit[unit].append(Ref("overdue", e_id, item, label, False, f"{OVERDUE_LABEL[kind]}，超期 {days_late} 个工作日"))
    return {u: Figure(len(refs), f"超期 {len(refs)} 次", refs) for u, refs in by_unit.items()}


def _events(attr, what, kind):
    def compute(f: Facts, ind):
        by_unit = defaultdict(list)
        for e_id, unit, item in getattr(f, attr):
            by_unit[unit].append(Ref(kind, e_id, item, f.items.get(item, ""), False, what))
        return {u: Figure(len(refs), f"{what} {len(refs)} 次", refs) for u, refs in by_unit.items()}
    return compute


def _liaison_changes(f: Facts, ind):
    allowed = int(ind.params.get("allowed", 1))
    out = {}
    for unit, changes in f.liaison_changes.items():
        refs = [Ref("liaison", row, None, f"{started:%Y-%m-%d} 起由{name}担任联络员", i < allowed, "允许范围内" if i < allowed else "超出允许次数")
                for i, (row, started, name) in enumerate(changes)]
        out[unit] = Figure(max(0, len(changes) - allowed), f"年内更换联络员 {len(changes)} 次，允许 {allowed} 次", refs)
    return out


def _entered(kind):
    def compute(f: Facts, ind):
        by_unit = defaultdict(list)
        for e in f.entries:
            if e.kind == kind and e.indicator_id == ind.pk:
                by_unit[e.unit_id].append(e)
        out = {}
        shown = {}  # the kind's name, translated once (each entry here is of the one kind)
        for unit, es in by_unit.items():
            value = sum(float(e.points) for e in es) / len(es)
            refs = [Ref("entry", e.pk, None, (shown.get(e.kind) or shown.setdefault(e.kind, e.get_kind_display()))
                        + (f"（{e.assembly}）" if e.assembly else ""), None,
                        f"{float(e.points):g} 分：{e.reason}") for e in es]
            text = f"评分 {value:g} 分" if len(es) == 1 else f"{len(es)} 方评分，平均 {value:.2f} 分"
            out[unit] = Figure(value, text, refs)
        return out
    return compute


def _self_assessment(f: Facts, ind):
    out = {}
    for unit, (s_id, when) in f.self_assessments.items():
        on_time = submitted_by(ind.scheme, when)
        out[unit] = Figure(1.0 if on_time else 0.0, f"{when:%Y-%m-%d} 提交" + ("" if on_time else "（逾期）"),
                           [Ref("self_assessment", s_id, None, "总结自评", on_time, "")])
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
    "message_hours": M("留言平均答复时长", "hours", _hours("message"), higher_is_better=False),
    "question_hours": M("有问必答平均答复时长", "hours", _hours("question"), higher_is_better=False),
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
