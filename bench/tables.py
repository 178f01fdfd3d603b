"""The tables bench.run prints: the API cases, the pages with their PASS/FAIL and growth, and the
documents. Kept apart from bench.run so that each stays a size one can read."""

from __future__ import annotations


def print_table(results: list[dict]) -> None:
    print()
    print(f"{'scale':>7}  {'case':<24} {'median ms':>10} {'floor ms':>9} {'ratio':>6} {'queries':>7} {'floor q':>7} {'n':>3}")
    print("-" * 82)
    for res in results:
        for c in res["cases"]:
            ratio = f"{c['ratio']:.1f}" if c.get("ratio") is not None else "-"
            print(f"{res['scale']:>7}  {c['case']:<24} {c['median_ms']:>10.2f} {c['floor_ms']:>9.2f} {ratio:>6} {c['queries']:>7} {c['floor_queries']:>7} {c['n']:>3}")
    print("-" * 82)
    for res in results:
        made = (f"reused a kept database ({res['rows']:,} rows, generated in {res['gen_seconds']:.0f}s)" if res.get("reused") else
                f"generated {res['rows']:,} rows in {res['gen_seconds']:.1f}s; peak RSS {res['peak_rss_gen_mb']:.0f} MB after generation")
        print(f"{res['scale']:>7}  {made}, {res['peak_rss_mb']:.0f} MB at the end; {res['backend']}; consistency problems in a "
              f"{res['checked']}-item sample: {res['problems']}; load average {res.get('load', '?')}")
    if any(res.get("pages") for res in results):
        print_pages(results, verdict=False)
    _print_documents(results)


def _print_documents(results: list[dict]) -> None:
    """The yearly report against its SQL floor (target <= 1.5x) and one dossier (target <= 1 s)."""
    rows = [(res["scale"], d) for res in results for d in res.get("documents", [])]
    if not rows:
        return
    print()
    for scale, d in rows:
        if d.get("skipped"):
            print(f"{scale:>7}  {d['case']}: skipped ({d['skipped']})")
            continue
        target = (f"ratio {d['ratio']} (target <= {d['target_ratio']}" + (f", p95 < {d['target_ms']:g} ms)" if "target_ms" in d else ")")
                  if "target_ratio" in d else f"(target <= {d.get('target_ms', 1000):g} ms)")
        verdict = "PASS" if d.get("pass") else "FAIL"
        extra = f"; figures differ from SQL: {d['mismatch']}" if d.get("mismatch") else ""
        print(f"{scale:>7}  {d['case']:<40} p50 {d.get('p50_ms')} ms  p95 {d.get('p95_ms')} ms  floor {d.get('floor_p50_ms', d.get('floor_ms', '-'))} ms  "
              f"{target}  {verdict}{extra}")


def print_pages(results: list[dict], target_ms: float | None = None, verdict: bool = True) -> bool:
    """The page table; with verdict, whether each page runs the same number of queries at every
    scale and PASS/FAIL against the p95 target at the largest scale. True if all is well."""
    target_ms = target_ms or results[-1].get("target_ms", 100.0)
    print()
    print("Pages, full server-side render through the test Client (ms; floor = bare SQL for the same rows; ratio = p50 / floor p50)")
    print(f"{'scale':>7}  {'page':<44} {'p50':>7} {'p95':>7} {'floor50':>7} {'floor95':>7} {'ratio':>6} {'queries':>7} {'floor q':>7} {'hits':>6}  p95<={target_ms:g}")
    print("-" * 124)
    for res in results:
        for c in res.get("pages", []):
            ratio = f"{c['ratio']:.1f}" if c.get("ratio") is not None else "-"
            print(f"{res['scale']:>7}  {c['case']:<44} {c['p50_ms']:>7.1f} {c['p95_ms']:>7.1f} {c['floor_p50_ms']:>7.1f} {c['floor_p95_ms']:>7.1f} "
                  f"{ratio:>6} {c['queries']:>7} {c['floor_queries']:>7} {c['hits']:>6}  {'PASS' if c['p95_ms'] <= target_ms else 'FAIL'}")
    print("-" * 124)
    if not verdict:
        return True
    ok = True
    counts: dict[str, dict[int, int]] = {}
    for res in results:
        for c in res.get("pages", []):
            counts.setdefault(c["case"], {})[res["scale"]] = c["queries"]
    varying = {k: v for k, v in counts.items() if len(set(v.values())) > 1}
    if len(results) > 1:
        if varying:
            ok = False
            for k, v in varying.items():
                print(f"QUERIES VARY WITH N: {k}: " + ", ".join(f"{n}: {q}" for n, q in v.items()))
        else:
            print(f"Queries per page: the same at every scale ({', '.join(str(r['scale']) for r in results)}).")
    if len(results) > 1:
        _print_growth(results)
    mismatched = [(res["scale"], c["case"], c["mismatch"]) for res in results for c in res.get("pages", []) if c.get("mismatch")]
    for scale, case, m in mismatched:
        print(f"FLOOR READ OTHER ROWS: {scale} {case}: {m}")
    last = results[-1]
    failing = [c for c in last.get("pages", []) if c["p95_ms"] > target_ms]
    verdict = "PASS" if not failing else "FAIL"
    print(f"{verdict}: {len(last['pages']) - len(failing)}/{len(last['pages'])} pages within p95 <= {target_ms:g} ms at {last['scale']:,} items"
          + (" (the target is set for 100,000)" if last["scale"] < 100_000 else ""))
    for c in failing:
        print(f"  FAIL {c['case']}: p95 {c['p95_ms']:.1f} ms, {c['queries']} queries; slowest queries of one render:")
        for q in c.get("slowest", [])[:2]:
            print(f"    {q['ms']:.1f} ms  {q['sql'][:300]}")
            for line in (q.get("plan") or "").splitlines()[:8]:
                print(f"        {line}")
    return ok and not failing


def _print_growth(results: list[dict]) -> None:
    """Each page's p95 at the smallest and the largest scale and how it grew: a page that does
    its work through indexes stays near 1x however many years of history pile up."""
    first, last = results[0], results[-1]
    before = {c["case"]: c for c in first.get("pages", [])}
    print(f"Growth from {first['scale']:,} to {last['scale']:,} items (p95):")
    for c in last.get("pages", []):
        b = before.get(c["case"])
        if b:
            grew = c["p95_ms"] / b["p95_ms"] if b["p95_ms"] else float("nan")
            print(f"  {c['case']:<44} {b['p95_ms']:>7.1f} -> {c['p95_ms']:>7.1f} ms  x{grew:.2f}")
