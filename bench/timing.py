"""Timing a case against its floor, alternately, so background load on the machine hits both alike."""

from __future__ import annotations

import math
import statistics
import time


def percentile_ms(samples, p: float) -> float:
    """Nearest-rank percentile of samples in seconds, in ms (p=50 is the median)."""
    if not samples:
        return float("nan")
    if p == 50:
        return statistics.median(samples) * 1000
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000


def measure(case, floor, *, repeat, warmup) -> tuple[dict, dict]:
    """case and floor are (setup, run) pairs; setup() builds the arguments outside the timing (e.g.
    a fresh user object, as each request loads one). Each is run once under CaptureQueriesContext
    to count its queries, `warmup` times untimed, then `repeat` timed runs of the two alternate
    (ABBA order). Returns for each {"p50", "p95" (ms), "queries", "n"}."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for setup, run in (case, floor):
        with CaptureQueriesContext(connection) as ctx:
            run(*setup())
        counts.append(len(ctx.captured_queries))
    for _ in range(warmup):
        for setup, run in (case, floor):
            run(*setup())
    samples = ([], [])
    for i in range(repeat):
        for k in ((0, 1) if i % 2 == 0 else (1, 0)):
            setup, run = (case, floor)[k]
            a = setup()
            t = time.perf_counter()
            run(*a)
            samples[k].append(time.perf_counter() - t)
    return tuple({"p50": percentile_ms(s, 50), "p95": percentile_ms(s, 95), "queries": q, "n": len(s)} for s, q in zip(samples, counts))
