"""Dossier benchmark (一案一册): the time to make one item's dossier as PDF and Word, for the item
with the fullest history, as the government office reads it. DOMAIN target: at most 1 s.

The timed case is what GET /items/<id>/dossier.pdf and .docx do together, without HTTP: read the
item with its whole history (selectors.item_detail), build the dossier, render the PDF, render the
Word file. The floor, run alternately in the same run (bench.timing.measure), is the bare SQL that
reads the same rows (bench.run's detail floor), so the ratio says how much the documents cost on
top of reading the records. The parts (read, build, PDF, Word) are timed separately as well.

From bench.run's child, on a generated database:

    from bench.dossier import dossier_case
    row = dossier_case(summary, repeat=10, warmup=2)     # summary: bench.generate.generate()

On its own (a throw-away SQLite database with one item built through the actions):

    PYTHONPATH=src python -m bench.dossier [--repeat 10]
"""

from __future__ import annotations

import argparse
import time

TARGET_MS = 1000.0


def _fullest_closed_item(session_id=None) -> int | None:
    from django.db.models import Count

    from banli.audit.models import AuditRecord

    qs = AuditRecord.objects.filter(item__state="closed")
    if session_id:
        qs = qs.filter(item__session_id=session_id)
    row = qs.values("item_id").annotate(n=Count("id")).order_by("-n", "item_id").first()
    return row["item_id"] if row else None


def _office_user_id() -> int:
    from banli.org.models import StaffRole

    return StaffRole.objects.filter(kind=StaffRole.Kind.GOV_OFFICE).order_by("user_id").values_list("user_id", flat=True).first()


def dossier_case(summary: dict | None = None, *, repeat: int = 10, warmup: int = 2, item_id: int | None = None,
                 target_ms: float = TARGET_MS) -> dict:
    """Time one dossier (PDF + Word) of the closed item with the most audit rows (in the current
    CPPCC session when a bench summary is given). Returns a row for the results table."""
    from django.contrib.auth import get_user_model

    from banli.proposals import selectors
    from banli.proposals.access import actor_for
    from banli.reports.documents.dossier import build_dossier
    from banli.reports.documents.dossier_docx import dossier_docx
    from banli.reports.documents.dossier_pdf import dossier_pdf
    from bench.floors import detail_floor
    from bench.timing import measure, percentile_ms

    summary = summary or {}
    item_id = item_id or _fullest_closed_item((summary.get("current_sessions") or {}).get("cppcc"))
    if item_id is None:
        return {"case": "dossier PDF+Word", "skipped": "no closed item"}
    uid = summary.get("gov_user_id") or _office_user_id()
    User = get_user_model()

    def fresh():
        return (User.objects.get(pk=uid),)  # each request loads its user, and its roles, anew

    def whole(user):
        dossier = build_dossier(selectors.item_detail(user, item_id), actor_for(user))
        return dossier_pdf(dossier), dossier_docx(dossier)

    floor = (lambda: (), lambda: detail_floor(item_id))
    floor_name = "bare SQL of the item's history"
    timed, fl = measure((fresh, whole), floor, repeat=repeat, warmup=warmup)

    # The parts, for where the time goes.
    parts = {"read": [], "build": [], "pdf": [], "docx": []}
    pdf = b""
    for _ in range(max(3, repeat // 2)):
        (user,) = fresh()
        t0 = time.perf_counter()
        item = selectors.item_detail(user, item_id)
        t1 = time.perf_counter()
        dossier = build_dossier(item, actor_for(user))
        t2 = time.perf_counter()
        pdf = dossier_pdf(dossier)
        t3 = time.perf_counter()
        dossier_docx(dossier)
        t4 = time.perf_counter()
        for k, a, b in (("read", t0, t1), ("build", t1, t2), ("pdf", t2, t3), ("docx", t3, t4)):
            parts[k].append(b - a)
    audit_rows = len(item.audit_records.all())
    pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")
    return {
        "case": f"dossier PDF+Word (item {item_id}, {audit_rows} audit rows, {pages} PDF pages)",
        "p50_ms": round(timed["p50"], 1), "p95_ms": round(timed["p95"], 1), "queries": timed["queries"], "n": timed["n"],
        "floor": floor_name, "floor_ms": round(fl["p50"], 2), "floor_queries": fl["queries"],
        "ratio": round(timed["p50"] / fl["p50"], 1) if fl["p50"] else None,
        "parts_ms": {k: round(percentile_ms(v, 50), 1) for k, v in parts.items()},
        "pdf_kb": round(len(pdf) / 1024, 1), "target_ms": target_ms, "pass": timed["p95"] <= target_ms,
    }


def print_row(row: dict) -> None:
    if row.get("skipped"):
        print(f"{row['case']}: skipped ({row['skipped']})")
        return
    parts = ", ".join(f"{k} {v} ms" for k, v in row["parts_ms"].items())
    print(f"{row['case']}\n  p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, {row['queries']} queries (n={row['n']}); "
          f"floor ({row['floor']}) {row['floor_ms']} ms, ratio {row['ratio']}\n  parts: {parts}; PDF {row['pdf_kb']} KB\n"
          f"  {'PASS' if row['pass'] else 'FAIL'}: p95 <= {row['target_ms']:.0f} ms")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.dossier", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    args = ap.parse_args(argv)
    from bench.scratch import scratch_django

    tmp, _path = scratch_django("dossier")
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    # One item with every step on record, built through the actions (as the tests build it).
    from tests.builders import build_world
    from tests.reports.dossier_items import full_item

    world = build_world()
    item = full_item(world)
    row = dossier_case(repeat=args.repeat, warmup=args.warmup, item_id=item.pk)
    print_row(row)
    from django.db import connections

    connections.close_all()
    tmp.cleanup()
    return 0 if row.get("pass") else 1


if __name__ == "__main__":
    raise SystemExit(main())
