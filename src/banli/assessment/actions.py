"""Writes of the assessment: the scheme and its indicators, what people enter by hand, the unit's
self-assessment, finalising and publishing. Each checks who may (access.py), writes in one
transaction with its audit row, and tells people only after the commit."""

from __future__ import annotations

import datetime
from dataclasses import asdict
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from banli.audit.service import record
from banli.errors import BanliError, invalid, not_found
from banli.notify.service import notify
from banli.org.models import Unit, UnitLiaison
from banli.proposals.access import actor_for
from banli.uploads import check_upload

from .access import check_runs, runs_assessment
from .compute import standings
from .models import Entry, Indicator, Result, Scheme, SelfAssessment, SelfAssessmentFile
from .presets import PRESETS
from .rules import clean_indicator, clean_settings, number
from .scoring import cents


def _refuse(code, zh, en) -> BanliError:
    return BanliError(code, zh, en, status=409)


def _scheme(year, *, for_update=True, draft=True) -> Scheme:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise not_found() from None
    qs = Scheme.objects.select_for_update() if for_update else Scheme.objects
    scheme = qs.filter(year=year).first()
    if scheme is None:
        raise not_found()
    if draft and scheme.frozen:
        raise _refuse("final", f"{scheme.year}年度考核已定稿，不能再修改。", f"The {scheme.year} assessment is final and cannot be changed.")
    return scheme


def _points(value, field="points") -> Decimal:
    return cents(number(value, field, "分值", en="Points", low=-1000, high=1000))


def _reason(reason) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason", "请填写理由。", "A reason is required.")
    if len(reason) > 2000:
        raise invalid("reason", "理由过长（最多2000字）。", "The reason is too long (at most 2000 characters).")
    return reason


def _snapshot(ind: Indicator) -> dict:
    return {k: getattr(ind, k) for k in ("code", "name", "metric", "rule", "points", "per_event", "roles", "params", "position")}


@transaction.atomic
def create_scheme(user, year, *, preset: str = "weighted", copy_from: int | None = None) -> Scheme:
    """The year's scheme from a preset, or copied from another year's (one click: "copy last year's")."""
    check_runs(user)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise invalid("year", "请填写年度。", "Give the year.") from None
    if not 2000 <= year <= 2100:
        raise invalid("year", "年度不正确。", "Not a valid year.")
    existing = Scheme.objects.filter(year=year).first()
    if existing is not None:
        return existing
    if copy_from:
        source = Scheme.objects.filter(year=copy_from).first()
        if source is None:
            raise invalid("copy_from", f"{copy_from}年度没有考核办法可复制。", f"There is no {copy_from} scheme to copy.")
        scheme = Scheme.objects.create(
            year=year, name=source.name, style=source.style, base=source.base, cap=source.cap, advanced_count=source.advanced_count,
            tier_bonuses=source.tier_bonuses, overdue_rule=source.overdue_rule, pass_mark=source.pass_mark, copied_from=source, created_by=user,
            self_assessment_due=_same_day_next(source.self_assessment_due, year - source.year))
        Indicator.objects.bulk_create([Indicator(scheme=scheme, **_snapshot(i), note=i.note) for i in source.indicators.all()])
    else:
        if preset not in PRESETS:
            raise invalid("preset", "请选择考核方式。", "Choose a kind of scheme.")
        p = PRESETS[preset]
        scheme = Scheme.objects.create(year=year, name=p["name"], style=preset, created_by=user, **p["settings"],
                                       advanced_count=settings.BANLI_ADVANCED_UNITS, tier_bonuses=list(settings.BANLI_ADVANCED_BONUSES),
                                       overdue_rule=settings.BANLI_ADVANCED_OVERDUE_RULE,
                                       self_assessment_due=datetime.date(year, 12, 20))
        Indicator.objects.bulk_create([Indicator(scheme=scheme, position=n, **i) for n, i in enumerate(p["indicators"], start=1)])
    record(actor=user, action="create_scheme", target=scheme,
           after={"year": year, "preset": "" if copy_from else preset, "copied_from": copy_from or None})
    return scheme


def _same_day_next(day, years):
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def update_scheme(user, year, **fields) -> Scheme:
    check_runs(user)
    scheme = _scheme(year)
    clean = clean_settings(fields)
    before = {k: getattr(scheme, k) for k in clean}
    if all(before[k] == v for k, v in clean.items()):
        return scheme
    for k, v in clean.items():
        setattr(scheme, k, v)
    scheme.save()
    record(actor=user, action="update_scheme", target=scheme, before=before, after=clean)
    return scheme


@transaction.atomic
def save_indicator(user, year, *, indicator_id=None, **fields) -> Indicator:
    """Add an indicator to the year's scheme, or change one."""
    check_runs(user)
    scheme = _scheme(year)
    ind = None
    if indicator_id:
        ind = scheme.indicators.filter(pk=indicator_id).first()
        if ind is None:
            raise not_found()
    clean = clean_indicator(fields, scheme, ind)
    if ind is None:
        clean.setdefault("position", (max((i.position for i in scheme.indicators.all()), default=0) + 1))
        ind = Indicator.objects.create(scheme=scheme, **clean)
        record(actor=user, action="add_indicator", target=ind, after=_snapshot(ind))
        return ind
    before = _snapshot(ind)
    for k, v in clean.items():
        setattr(ind, k, v)
    if _snapshot(ind) == before:
        return ind
    ind.save()
    record(actor=user, action="change_indicator", target=ind, before=before, after=_snapshot(ind))
    return ind


@transaction.atomic
def remove_indicator(user, year, indicator_id) -> None:
    check_runs(user)
    scheme = _scheme(year)
    ind = scheme.indicators.filter(pk=indicator_id).first()
    if ind is None:
        return  # removed already
    if ind.entries.exists():
        raise _refuse("has_entries", "该指标已有人工评分，请先撤销这些评分。", "Points were entered under this indicator; withdraw them first.")
    record(actor=user, action="remove_indicator", target=ind, before=_snapshot(ind))
    ind.delete()


def _unit(unit_id) -> Unit:
    try:
        unit = Unit.objects.filter(pk=int(unit_id)).first()
    except (TypeError, ValueError):
        unit = None
    if unit is None:
        raise invalid("unit_id", "请选择承办单位。", "Choose a unit.")
    return unit


@transaction.atomic
def enter_points(user, year, *, indicator_id, unit_id, points, reason, assembly: str = "") -> Entry:
    """The office's score on one of its own indicators, or an assembly office's evaluation of a
    unit. A later entry replaces the earlier one (both kept)."""
    scheme = _scheme(year)
    ind = scheme.indicators.filter(pk=indicator_id, metric__in=("manual", "evaluation")).first() if str(indicator_id).isdigit() else None
    if ind is None:
        raise invalid("indicator_id", "请选择需要人工评分的指标。", "Choose an indicator scored by hand.")
    a = actor_for(user)
    if ind.metric == "manual":
        check_runs(user)
        kind, assembly = Entry.Kind.MANUAL, ""
    else:
        offices = sorted(a.assembly_offices)
        if not offices:
            raise BanliError("forbidden", "只有提案委/代表工委可以评价承办单位。", "Only the assembly offices evaluate units.", status=403)
        assembly = assembly if assembly in offices else offices[0]
        kind = Entry.Kind.EVALUATION
    unit = _unit(unit_id)
    pts = _points(points)
    if pts < 0 or (ind.points is not None and pts > ind.points):
        top = f"{ind.points.normalize():f}"
        raise invalid("points", f"分值应在 0 至 {top} 之间。", f"Points must be between 0 and {top}.")
    reason = _reason(reason)
    last = Entry.objects.filter(scheme=scheme, indicator=ind, unit=unit, kind=kind, assembly=assembly).order_by("-id").first()
    if last is not None and not last.withdrawn and last.points == pts and last.reason == reason:
        return last
    e = Entry.objects.create(scheme=scheme, indicator=ind, unit=unit, kind=kind, assembly=assembly, points=pts, reason=reason, by=user)
    record(actor=user, action="enter_points", target=e, before={"points": last.points} if last and not last.withdrawn else None,
           after={"indicator": ind.code, "unit": unit.pk, "points": pts}, note=reason)
    return e


@transaction.atomic
def adjust_score(user, year, *, unit_id, points, reason) -> Entry:
    """Points added to or taken from a unit's total by the office, with the reason the unit will read."""
    check_runs(user)
    scheme = _scheme(year)
    unit = _unit(unit_id)
    pts = _points(points)
    if pts == 0:
        raise invalid("points", "加减分不能为零。", "An adjustment cannot be zero.")
    e = Entry.objects.create(scheme=scheme, unit=unit, kind=Entry.Kind.ADJUSTMENT, points=pts, reason=_reason(reason), by=user)
    record(actor=user, action="adjust_score", target=e, after={"unit": unit.pk, "points": pts}, note=e.reason)
    return e


@transaction.atomic
def withdraw_entry(user, year, entry_id, *, reason) -> Entry:
    scheme = _scheme(year)
    e = Entry.objects.filter(scheme=scheme, pk=entry_id).select_for_update().first() if str(entry_id).isdigit() else None
    a = actor_for(user)
    if e is None or not (runs_assessment(a) or (e.kind == Entry.Kind.EVALUATION and e.assembly in a.assembly_offices)):
        raise not_found()
    if e.withdrawn:
        return e
    e.withdrawn = True
    e.save(update_fields=["withdrawn"])
    record(actor=user, action="withdraw_entry", target=e, before={"points": e.points}, after={"withdrawn": True}, note=_reason(reason))
    return e


@transaction.atomic
def submit_self_assessment(user, year, *, unit_id, text, score=None, files=()) -> SelfAssessment:
    """A unit's 总结自评, by its liaison or its leader, until the scheme's date; again before then
    to correct it."""
    scheme = _scheme(year)
    unit = _unit(unit_id)
    if unit.pk not in actor_for(user).unit_ids:
        raise BanliError("forbidden", "只能提交本单位的总结自评。", "You may submit only your own unit's self-assessment.", status=403)
    today = timezone.localdate()
    if scheme.self_assessment_due and today > scheme.self_assessment_due:
        raise _refuse("closed", f"总结自评已于{scheme.self_assessment_due:%Y年%m月%d日}截止提交。",
                      f"Self-assessments closed on {scheme.self_assessment_due:%Y-%m-%d}.")
    text = (text or "").strip()
    if not text:
        raise invalid("text", "请填写自评内容。", "Write the self-assessment.")
    if len(text) > 20000:
        raise invalid("text", "自评内容过长（最多20000字）。", "The self-assessment is too long (at most 20,000 characters).")
    score = _points(score, "score") if score not in (None, "") else None
    checked = [(f, *check_upload(f)) for f in files]
    s = SelfAssessment.objects.filter(scheme=scheme, unit=unit).select_for_update().first()
    before = {"text": s.text, "score": s.score} if s else None
    if s is None:
        s = SelfAssessment.objects.create(scheme=scheme, unit=unit, text=text, score=score, submitted_by=user, submitted_at=timezone.now())
    else:
        s.text, s.score, s.submitted_by, s.submitted_at = text, score, user, timezone.now()
        s.save()
    for f, name, content_type in checked:
        att = SelfAssessmentFile(self_assessment=s, name=name, content_type=content_type, size=f.size)
        att.file.save(name, f, save=False)
        att.save()
    record(actor=user, action="submit_self_assessment", target=s, before=before,
           after={"unit": unit.pk, "score": score, "files": [n for _, n, _ in checked]})
    return s


@transaction.atomic
def finalise(user, year, *, as_of: datetime.date | None = None) -> Scheme:
    """Freeze the year: every unit's total, rank, tier and explanation as computed now."""
    check_runs(user)
    scheme = _scheme(year)
    day = as_of or timezone.localdate()
    ranked = standings(scheme, as_of=day, records=True)  # the frozen lines list their records
    Result.objects.bulk_create([Result(scheme=scheme, unit_id=s.unit, total=s.total, rank=s.rank, tier=s.tier, bonus=s.bonus,
                                       overdue=s.overdue, standing=s.standing, lines=lines_json(s)) for s in ranked])
    scheme.state, scheme.finalised_by, scheme.finalised_at, scheme.finalised_as_of = Scheme.State.FINAL, user, timezone.now(), day
    scheme.save()
    record(actor=user, action="finalise_assessment", target=scheme,
           after={"units": len(ranked), "advanced": [s.unit for s in ranked if s.tier], "as_of": day})
    return scheme


@transaction.atomic
def publish(user, year) -> Scheme:
    """通报: the units see the ranking and their own result."""
    check_runs(user)
    scheme = _scheme(year, draft=False)
    if scheme.state == Scheme.State.PUBLISHED:
        return scheme
    if scheme.state != Scheme.State.FINAL:
        raise _refuse("not_final", "请先定稿再通报考核结果。", "Finalise the year before publishing the result.")
    scheme.state, scheme.published_by, scheme.published_at = Scheme.State.PUBLISHED, user, timezone.now()
    scheme.save()
    record(actor=user, action="publish_assessment", target=scheme, after={"state": scheme.state})
    units = list(scheme.results.values_list("unit_id", flat=True))
    people = set(Unit.objects.filter(pk__in=units, leader__isnull=False).values_list("leader_id", flat=True))
    people |= set(UnitLiaison.objects.filter(unit_id__in=units, ended_on__isnull=True).values_list("user_id", flat=True))
    notify(people, "assessment", f"{scheme.year}年度建议提案办理工作考核结果已通报，请查看本单位得分明细。")
    return scheme


def lines_json(s) -> list:
    """The explanation as frozen: each line with its figure, rule, points and records."""
    return [{"kind": ln.kind, "code": ln.code, "name": ln.name, "points": str(ln.points), "figure": ln.figure, "rule": ln.rule,
             "value": ln.value, "refs": [asdict(r) for r in ln.refs]} for ln in s.lines]

