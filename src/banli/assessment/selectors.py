"""Reads of the assessment, as every door shows them (the page, the API, the Word and Excel
files): the year's table, one unit's explanation, and, once the year is final, what a
recomputation would change. Before the office finalises, figures are computed from the records
as asked; after, they are read from the frozen results."""

from __future__ import annotations

import datetime
from dataclasses import asdict, fields
from decimal import Decimal

from django.db.models import QuerySet

from banli.errors import not_found
from banli.params import MAX_ID

from .access import check_read, check_runs, check_unit, readable_units, sees_every_unit, sees_ranking
from .compute import compute, standings
from .models import Entry, Result, Scheme, SelfAssessment, SelfAssessmentFile
from .scoring import TIE_RULE, Line


def schemes(user) -> QuerySet[Scheme]:
    check_read(user)
    return Scheme.objects.order_by("-year")


def scheme_for(user, year) -> Scheme:
    check_read(user)
    try:
        scheme = Scheme.objects.prefetch_related("indicators").filter(year=int(year)).first()
    except (TypeError, ValueError):
        scheme = None
    if scheme is None:
        raise not_found()
    return scheme


def _row(s, *, refs=False) -> dict:
    return {"unit": s.unit, "name": s.name, "total": s.total, "rank": s.rank, "tier": s.tier, "bonus": s.bonus,
            "overdue": s.overdue, "standing": s.standing, "lines": _lines(s.lines, refs=refs)}


def _lines(lines, *, refs=True) -> list[dict]:
    """The explanation's lines as plain data; the table leaves out the records (the unit's page
    lists them), so that a province's table stays small."""
    out = []
    for ln in lines:
        if isinstance(ln, dict):  # a frozen line
            d = ln
        else:  # not asdict(), which would copy every record only to drop them
            d = {k: getattr(ln, k) for k in LINE_FIELDS}
            d["refs"] = [asdict(r) for r in ln.refs] if refs else []
        out.append({**d, "points": Decimal(str(d["points"])), **({} if refs else {"refs": []})})
    return out


LINE_FIELDS = [f.name for f in fields(Line) if f.name != "refs"]


def _frozen(scheme: Scheme, unit_ids=None, *, refs=False) -> list[dict]:
    qs = Result.objects.filter(scheme=scheme).select_related("unit").order_by("rank")
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    out = []
    for r in qs:
        out.append({"unit": r.unit_id, "name": r.unit.name, "total": r.total, "rank": r.rank, "tier": r.tier, "bonus": r.bonus,
                    "overdue": r.overdue, "standing": r.standing, "lines": _lines(r.lines, refs=refs)})
    return out


UNRANKED = {"rank": None, "tier": None, "bonus": None, "standing": ""}


def _shows_rank(a, scheme) -> bool:
    """A rank or a tier says something about the other units: a unit sees its own only once the
    result is published; the offices and district leaders see them all along."""
    return sees_ranking(a, scheme) or sees_every_unit(a) or a.district_leader


def table(user, year, *, as_of: datetime.date | None = None) -> dict:
    """The year's table as this reader may see it: every unit ranked (the offices), the portfolio
    (a district leader), the unit's own row without a rank (a unit, before publication), the
    published ranking (everyone, after)."""
    a = check_read(user)
    scheme = scheme_for(user, year)
    ranking = sees_ranking(a, scheme)
    units = None if ranking else readable_units(a)
    ranked = _shows_rank(a, scheme)
    if scheme.frozen:
        rows = _frozen(scheme, units)
        day = scheme.finalised_as_of
    else:
        day = as_of
        scores = standings(scheme, as_of=as_of) if ranked else compute(scheme, as_of=as_of)
        rows = [_row(s) for s in scores if units is None or s.unit in units]
    if not ranked:  # a unit before publication: its own total only
        rows = [{**r, **UNRANKED} for r in rows]
    # all_units: the rows are every assessed unit (not only the reader's own or the portfolio).
    return {"scheme": scheme, "rows": rows, "as_of": day, "ranked": ranked, "all_units": units is None, "tie_rule": TIE_RULE,
            "indicators": [{"code": i.code, "name": i.name, "points": i.points, "per_event": i.per_event, "rule": i.rule,
                            "metric": i.metric} for i in sorted(scheme.indicators.all(), key=lambda i: (i.position, i.pk))],
            "advanced": [r for r in rows if r.get("tier")],
            "criticised": [{**r, "reasons": _criticism(r, scheme)} for r in rows if ranked and _criticism(r, scheme)]}


def _criticism(row: dict, scheme: Scheme) -> list[str]:
    """Why the results notice criticises a unit (通报批评): a total under the pass mark, overdue events."""
    out = []
    if row["total"] < scheme.pass_mark:
        out.append(f"总分 {row['total']} 分，低于合格分 {scheme.pass_mark.normalize():f} 分")
    if row["overdue"]:
        out.append(f"超期办理 {row['overdue']} 次")
    return out


def unit_report(user, year, unit_id, *, as_of: datetime.date | None = None) -> dict:
    """One unit's explanation: each line with its figure, rule, points and records."""
    try:
        unit_id = int(unit_id)
    except (TypeError, ValueError):
        raise not_found() from None
    if not 1 <= unit_id <= MAX_ID:  # past what the database holds: missing, not a crash
        raise not_found()
    a = check_unit(user, unit_id)
    scheme = scheme_for(user, year)
    if scheme.frozen:
        rows = _frozen(scheme, [unit_id], refs=True)
        if not rows:
            raise not_found()
        row = rows[0]
    else:
        scores = compute(scheme, as_of=as_of, unit_id=unit_id, records=True)
        if not scores:
            raise not_found()
        row = {**_row(scores[0], refs=True), **UNRANKED}  # a rank needs every unit: see the table
    if not _shows_rank(a, scheme):
        row = {**row, **UNRANKED}
    entries = Entry.objects.filter(scheme=scheme, unit_id=unit_id).select_related("indicator", "by").order_by("id")
    self_assessment = SelfAssessment.objects.filter(scheme=scheme, unit_id=unit_id).select_related("submitted_by").prefetch_related("files").first()
    return {"scheme": scheme, **row, "entries": list(entries), "self_assessment": self_assessment,
            "as_of": scheme.finalised_as_of if scheme.frozen else as_of}


def self_assessment_file(user, year, unit_id, file_id) -> SelfAssessmentFile:
    """A file of a unit's self-assessment, for whoever may open that unit's page; any other file
    (another unit's, another year's, a missing one) answers as not found."""
    try:
        unit_id, file_id, year = int(unit_id), int(file_id), int(year)
    except (TypeError, ValueError):
        raise not_found() from None
    check_unit(user, unit_id)
    f = SelfAssessmentFile.objects.filter(pk=file_id, self_assessment__unit_id=unit_id, self_assessment__scheme__year=year).first()
    if f is None:
        raise not_found()
    return f


def recomputation(user, year, *, as_of: datetime.date | None = None) -> list[dict]:
    """For a final year: what computing it again now would change, unit by unit and line by line
    (a late record, a corrected rating), without changing the frozen result."""
    check_runs(user)
    scheme = scheme_for(user, year)
    if not scheme.frozen:
        return []
    frozen = {r["unit"]: r for r in _frozen(scheme, refs=False)}
    live = {s.unit: s for s in standings(scheme, as_of=as_of)}
    out = []
    for unit in sorted(set(frozen) | set(live), key=lambda u: (frozen.get(u) or {}).get("rank") or 10**6):
        f, s = frozen.get(unit), live.get(unit)
        before = {ln["name"]: ln for ln in (f["lines"] if f else [])}
        after = {ln["name"]: ln for ln in (_lines(s.lines, refs=False) if s else [])}
        lines = [{"name": n, "before": before.get(n, {}).get("points"), "after": after.get(n, {}).get("points"),
                  "figure_before": before.get(n, {}).get("figure", ""), "figure_after": after.get(n, {}).get("figure", "")}
                 for n in list(before) + [n for n in after if n not in before]
                 if before.get(n, {}).get("points") != after.get(n, {}).get("points")
                 or before.get(n, {}).get("figure") != after.get(n, {}).get("figure")]
        tier_before, tier_after = (f or {}).get("tier", 0), (s.tier if s else 0)
        if lines or tier_before != tier_after:
            out.append({"unit": unit, "name": (f or {}).get("name") or s.name, "total_before": (f or {}).get("total"),
                        "total_after": s.total if s else None, "rank_before": (f or {}).get("rank"), "rank_after": s.rank if s else None,
                        "tier_before": tier_before, "tier_after": tier_after, "lines": lines})
    return out
