"""The load test's figures from what the locust process recorded (bench.load.measure), the table
printed at the end, and the verdicts against issue 16's targets: no error at the top stage (300
users), and every page's p95 at most 3x the trivial endpoint's p95 in the same stage."""

from __future__ import annotations

from .roles import BASELINE

MAX_RATIO = 3.0


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 100)) - 1))
    return ordered[k]


def summarise(stage: dict, think=(4.0, 12.0), cores: int = 2) -> dict:
    """One stage's rows (baseline first, then the pages in name order) and totals."""
    seconds = stage["seconds"] or 1.0
    rows = []
    base = stage["times"].get(BASELINE, [])
    base_p95 = percentile(base, 95)
    for name in [BASELINE] + sorted(n for n in stage["times"] if n != BASELINE):
        times = stage["times"].get(name, [])
        p95 = percentile(times, 95)
        rows.append({
            "page": name, "n": len(times), "rps": round(len(times) / seconds, 2),
            "p50_ms": round(percentile(times, 50), 1), "p95_ms": round(p95, 1), "p99_ms": round(percentile(times, 99), 1),
            "errors": len(stage["failures"].get(name, [])),
            "ratio": round(p95 / base_p95, 2) if base_p95 else None,
        })
    requests = sum(r["n"] for r in rows)
    errors = sum(r["errors"] for r in rows) + len(stage.get("between_failures", []))
    cpu = stage["cpu"]
    over = [r for r in rows if r["page"] != BASELINE and (r["ratio"] is None or r["ratio"] > MAX_RATIO)]
    # What the users would send if each answer were instant (one request per think time, plus the
    # probe): a server that keeps up answers nearly that; one that falls well short is saturated,
    # and its users wait in the queue instead of thinking.
    offered = stage["users"] / (sum(think) / 2) + 1
    return {
        "users": stage["users"], "seconds": stage["seconds"], "requests": requests, "rps": round(requests / seconds, 2),
        "offered_rps": round(offered, 1), "saturated": requests / seconds < 0.8 * offered,
        "writes": sum(r["n"] for r in rows if ": write " in r["page"]),
        "errors": errors, "errors_between": len(stage.get("between_failures", [])),
        "error_samples": [f"{n}: {m}" for n, msgs in stage["failures"].items() for m in msgs[:2]][:10]
                         + [f"{n} (ramp-up): {m}" for n, m in stage.get("between_failures", [])[:5]],
        "baseline_p95_ms": round(base_p95, 1),
        "cpu_s": cpu, "cpu_ms_per_request": {k: round(v * 1000 / requests, 1) if requests else None for k, v in cpu.items()},
        # What the machine's cores could serve if the server (gunicorn and its backends) had them to
        # itself: the figure that a shared machine does not blur (the req/s above it does).
        "capacity_rps": round(cores * 1000 / ((cpu["gunicorn"] + cpu["postgres"]) * 1000 / requests), 1)
                        if requests and cpu["gunicorn"] + cpu["postgres"] > 0 else None,
        "ratio_pass": not over, "over_ratio": [r["page"] for r in over], "errors_pass": errors == 0,
        "ramp_seconds": stage["ramp_seconds"], "ramp_complete": stage["ramp_complete"], "logged_in": stage["logged_in"],
        "logins": len(stage.get("logins", [])), "logins_with_code": stage.get("logins_with_code", 0),
        "requested_so_far": stage.get("requested", {}),
        "rows": rows,
    }


def verdict(stages: list[dict]) -> dict:
    """The targets, judged at the top stage: 0 errors; every page's p95 <= 3x the baseline's."""
    if not stages:
        return {"pass": False, "errors_pass": False, "ratio_pass": False, "why": "no stage was measured"}
    top = stages[-1]
    # A saturated server passes the ratio for the wrong reason (every answer is mostly the queue):
    # it fails here too, for not serving what the users ask.
    keeps_up = not top["saturated"]
    return {"users": top["users"], "errors_pass": top["errors_pass"], "ratio_pass": top["ratio_pass"], "keeps_up": keeps_up,
            "pass": top["errors_pass"] and top["ratio_pass"] and keeps_up}


def _ok(flag: bool) -> str:
    return "PASS" if flag else "FAIL"


def table(stages: list[dict], baseline_path: str, cores: int = 2) -> str:
    lines = []
    for s in stages:
        cpu, per = s["cpu_s"], s["cpu_ms_per_request"]
        lines += [
            "",
            f"{s['users']} users: {s['requests']} requests in {s['seconds']:.0f} s = {s['rps']:.1f} req/s of {s['offered_rps']:.0f} offered"
            + (" (SATURATED: the users wait in the queue)" if s["saturated"] else "") + f" ({s['writes']} writes), "
            f"errors {s['errors']}" + (f" ({s['errors_between']} while ramping up)" if s["errors_between"] else "")
            + f"; ramp-up {s['ramp_seconds']:.0f} s" + ("" if s["ramp_complete"] else " (INCOMPLETE: not every user logged in)"),
            f"  server CPU: gunicorn {cpu['gunicorn']:.1f} s = {per['gunicorn']} ms/request, PostgreSQL {cpu['postgres']:.1f} s = "
            f"{per['postgres']} ms/request (load generator {cpu['locust']:.1f} s)"
            + (f"; {cores} cores to itself would serve ~{s['capacity_rps']:.0f} req/s at this CPU per request" if s.get("capacity_rps") else ""),
            f"  {'page':<38} {'n':>6} {'req/s':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6} {'p95/base':>8}",
        ]
        for r in s["rows"]:
            name = f"{r['page']} ({baseline_path})" if r["page"] == BASELINE else r["page"]
            ratio = "-" if r["ratio"] is None else f"{r['ratio']:.1f}"
            flag = "" if r["page"] == BASELINE or (r["ratio"] is not None and r["ratio"] <= MAX_RATIO) else "  >3x"
            lines.append(f"  {name:<38} {r['n']:>6} {r['rps']:>6.2f} {r['p50_ms']:>8.0f} {r['p95_ms']:>8.0f} {r['p99_ms']:>8.0f} "
                         f"{r['errors']:>6} {ratio:>8}{flag}")
        lines.append(f"  at {s['users']} users: errors {_ok(s['errors_pass'])}; every page p95 <= {MAX_RATIO:g}x baseline "
                     f"{_ok(s['ratio_pass'])}" + (f" ({len(s['over_ratio'])} pages over)" if s["over_ratio"] else ""))
        for e in s["error_samples"]:
            lines.append(f"    error: {e}")
    v = verdict(stages)
    if stages:
        lines += ["", f"Targets at {v['users']} users: 0 errors {_ok(v['errors_pass'])}; every page's p95 <= {MAX_RATIO:g}x the "
                      f"trivial endpoint's {_ok(v['ratio_pass'])}; serves the offered rate {_ok(v['keeps_up'])}; overall {_ok(v['pass'])}"]
        saturated = [str(s["users"]) for s in stages if s["saturated"]]
        if saturated:
            lines.append(f"Saturated at {', '.join(saturated)} users: every request waits for a worker, so the ratios tend to 1 "
                         "and say little there; read req/s and the CPU per request.")
    return "\n".join(lines)
