"""Assessment benchmark (年度考核): standings(scheme), every unit's lines, points, rank and tier
for a year, against a floor of hand-written SQL that states the same per-unit figures
(bench.assessment_floor), timed alternately in the same run, and checked equal, so the floor cannot
be cheaper by counting less. Targets: at most 1.5 x the floor, and p95 under 2 s. The query count
must not grow with the number of units or items (tests/assessment/test_queries.py).

Each generated database has two schemes (bench.assessment_data): the last closed year scored by
the weighted preset, the current year by the per-item preset. From bench.run's child:

    from bench.assessment import assessment_case
    rows = assessment_case(repeat=5, warmup=1)

On its own, at province size (600 units; 12,000 items over two years, so each year has 6,000,
with full histories), in a throw-away SQLite database, or a kept one (--keep / --reuse):

    PYTHONPATH=src python -m bench.assessment [--items 12000] [--units 600] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

TARGET_RATIO = 1.5
TARGET_MS = 2000.0
ON_TIME = {"sign_on_time": ("sign",), "consult_on_time": ("consult",), "reply_on_time": ("reply", "second_reply"),
           "co_opinion_on_time": ("co_opinion",), "progress_on_time": ("progress",)}
BY_ROLE = {"grade_mean": "ratings", "agreement": "agrees", "praise": "praise", "three_contacts": "contacts"}
BY_UNIT = {"co_grade_proposer": "co_proposer", "co_grade_lead": "co_lead", "message_hours": "messages", "question_hours": "questions"}
EVENTS = {"urges": "urges", "refused_adjustments": "refused", "liaison_changes": "liaison"}


def _expected(ind, unit, f: dict) -> tuple:
    """(records counted, records counted for the unit or a sum, the figure's value) by the floor."""
    from banli.assessment.facts import submitted_by
    from banli.assessment.metrics import METRICS

    roles = set(ind.roles or METRICS[ind.metric].default_roles)
    m = ind.metric
    if m in ON_TIME:
        n = ok = 0
        for kind in ON_TIME[m]:
            for role in roles:
                a, b = f["deadlines"].get((unit, kind, role), (0, 0))
                n, ok = n + a, ok + b
        return n, ok, (ok / n if n else None)
    if m == "ab_share":
        codes = set(ind.params.get("codes") or ["A", "B"])
        rows = [(code, k) for (u, role, code), k in f["replies"].items() if u == unit and role in roles]
        n, ok = sum(k for _, k in rows), sum(k for code, k in rows if code in codes)
        return n, ok, (ok / n if n else None)
    if m in BY_ROLE or m in BY_UNIT:
        pairs = [f[BY_ROLE[m]].get((unit, role), (0, 0)) for role in roles] if m in BY_ROLE else [f[BY_UNIT[m]].get(unit, (0, 0))]
        n, total = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
        if m == "praise":
            return n, n, n
        if m in ("agreement", "three_contacts"):
            return n, total, (total / n if n else None)
        mean = total / n if n else None
        return n, None, (mean if m.endswith("_hours") or mean is None else mean / f["max_score"])
    if m == "overdue":
        kinds = set(ind.params.get("kinds") or [])
        n = sum(k for (u, kind), k in f["overdue"].items() if u == unit and (not kinds or kind in kinds))
        return n, 0, n
    if m in EVENTS:
        n = f[EVENTS[m]].get(unit, 0)
        if m == "liaison_changes":
            return n, None, max(0, n - int(ind.params.get("allowed", 1)))
        return n, 0, n
    if m in ("manual", "evaluation"):
        pts = [float(p) for u, i, kind, p in f["entries"] if u == unit and i == ind.pk and kind == m]
        return len(pts), None, (sum(pts) / len(pts) if pts else None)
    if m == "self_assessment":
        when = f["self"].get(unit)
        return int(when is not None), None, (None if when is None else float(submitted_by(ind.scheme, _aware(when))))
    if m == "per_item":
        n = sum(1 for _, u, role, *_ in f["items"] if u == unit and role in roles)
        return n, None, None
    raise ValueError(m)


def _aware(value):
    import datetime as dt

    from django.utils import timezone

    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.timezone.utc)


COUNTED_FOR = set(ON_TIME) | {"ab_share", "agreement", "three_contacts"}  # figures whose records are each for or against the unit


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))


def differences(scores, f: dict, scheme) -> list[str]:
    """Where standings() and the floor disagree (empty: they agree): the units assessed, each
    unit's overdue events, and for each indicator line the records it counts, how many of them
    count for the unit, and the figure's value (but the per-item mean, whose inputs the floor
    fetches without scoring them)."""
    problems = []
    if {s.unit for s in scores} != set(f["units"]):
        problems.append(f"units: standings {len(scores)} vs SQL {len(f['units'])}")
    indicators = {i.code: i for i in scheme.indicators.all()}
    for i in indicators.values():
        i.scheme = scheme
    for s in scores:
        overdue = sum(k for (u, _), k in f["overdue"].items() if u == s.unit)
        if s.overdue != overdue:
            problems.append(f"{s.name}: overdue events {s.overdue} vs SQL {overdue}")
        for line in s.lines:
            ind = indicators.get(line.code) if line.kind == "indicator" else None
            if ind is None:
                continue
            n, ok, value = _expected(ind, s.unit, f)
            stated_ok = line.ok if ind.metric in COUNTED_FOR else None
            if (line.n, stated_ok) != (n, ok if ind.metric in COUNTED_FOR else None) or (
                    ind.metric != "per_item" and not _close(line.value, value)):
                problems.append(f"{s.name}: {ind.code} states {line.n} records, {stated_ok} for, value {line.value}; "
                                f"SQL {n}, {ok}, {value}")
    return problems


def assessment_case(summary: dict | None = None, *, repeat: int = 5, warmup: int = 1, target_ratio: float = TARGET_RATIO,
                    target_ms: float = TARGET_MS) -> list[dict]:
    """One row per scheme of the database: standings against the floor, and whether they agree."""
    from django.db.models import Count

    from banli.assessment.compute import standings
    from banli.assessment.models import Scheme
    from banli.proposals.models import Item
    from bench.assessment_floor import floor_counts
    from bench.timing import measure

    rows = []
    for scheme in Scheme.objects.order_by("year"):
        scores = standings(scheme)
        mismatch = differences(scores, floor_counts(scheme), scheme)
        timed, floor = measure((lambda: (), lambda s=scheme: standings(s)), (lambda: (), lambda s=scheme: floor_counts(s)),
                               repeat=repeat, warmup=warmup)
        items = Item.objects.filter(session__year=scheme.year).aggregate(n=Count("id"))["n"]
        ratio = timed["p50"] / floor["p50"] if floor["p50"] else float("nan")
        rows.append({"case": f"assessment {scheme.style} {scheme.year} ({items:,} items, {len(scores)} units)",
                     "p50_ms": round(timed["p50"], 1), "p95_ms": round(timed["p95"], 1), "floor_p50_ms": round(floor["p50"], 1),
                     "ratio": round(ratio, 2), "queries": timed["queries"], "floor_queries": floor["queries"], "n": timed["n"],
                     "target_ratio": target_ratio, "target_ms": target_ms, "mismatch": mismatch,
                     "pass": ratio <= target_ratio and timed["p95"] < target_ms and not mismatch})
    return rows


def print_rows(rows: list[dict]) -> None:
    for r in rows:
        extra = f"; figures differ from SQL: {r['mismatch'][:5]}" if r["mismatch"] else ""
        print(f"{r['case']}: p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, {r['queries']} queries (n={r['n']}); floor {r['floor_p50_ms']} ms, "
              f"{r['floor_queries']} queries; ratio {r['ratio']} (target <= {r['target_ratio']}, p95 < {r['target_ms']:g} ms)  "
              f"{'PASS' if r['pass'] else 'FAIL'}{extra}", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.assessment", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=12_000, help="items over the years (default 12000: two years of 6,000)")
    ap.add_argument("--units", type=int, default=600, help="units (default 600, a province)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--db", default="", help="SQLite file to use (default: a throw-away one); with --reuse, one made before")
    ap.add_argument("--reuse", action="store_true", help="time the database --db names again instead of generating it")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a case misses a target (as bench.run --strict)")
    args = ap.parse_args(argv)
    from bench.scratch import scratch_django

    tmp, path = scratch_django("assessment", args.db)
    from django.core.management import call_command
    from django.db import connection, connections

    if not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        call_command("migrate", verbosity=0, interactive=False)
        with connection.cursor() as c:
            c.execute("PRAGMA synchronous=OFF")  # the load only
        from bench.generate import generate

        started = time.perf_counter()
        generate(args.items, seed=args.seed, units=args.units, progress=lambda m: print(m, flush=True))
        print(f"generated in {time.perf_counter() - started:.0f}s", flush=True)
        connection.close()
    load = os.getloadavg()[0]
    rows = assessment_case(repeat=args.repeat, warmup=args.warmup)
    print_rows(rows)
    print(f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end ({os.cpu_count()} CPUs)")
    connections.close_all()
    if tmp is not None:
        tmp.cleanup()
    return 1 if args.strict and not all(r["pass"] for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
