"""Scale benchmark: does the cost of the item list, the item detail and a lifecycle action stay
flat as the database grows? And do the pages (each role's to-do page, the filtered item list,
rendered in full through the test Client, see bench.pages) meet p95 <= 100 ms at 100k items?

    PYTHONPATH=src python -m bench.run [--scales 1000,10000,100000] [--repeat 20] [--page-repeat 40]

For each scale a fresh database is made (an SQLite file under bench/out/, or, when DATABASE_URL
names PostgreSQL, a database banli_bench_<scale> on that server; either is removed afterwards
unless --keep), migrated and filled by bench.generate. Each scale runs in its own subprocess, so
memory is measured cleanly.
Every case is timed against a floor measured in the same run: the bare SQL that fetches or writes
the same data. The ratio (case / floor) is what should not grow with N, nor the number of queries
of a page. With --keep the databases stay; --reuse then times a kept one again without generating
it anew (the two action cases act on further rows of it).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.tables import print_pages, print_table

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "out"


# ---------------------------------------------------------------------------------------------
# Parent: one subprocess per scale, then the table


def _is_postgres(url: str | None) -> bool:
    return bool(url) and urlsplit(url).scheme in ("postgres", "postgresql", "pgsql")


def _pg_admin(base_url: str, *statements: str) -> None:
    """Run CREATE/DROP DATABASE on the server DATABASE_URL names, from its maintenance database
    (or, failing that, from the database the URL names)."""
    import psycopg

    parts = urlsplit(base_url)._replace(scheme="postgresql")
    try:
        conn = psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)
    except psycopg.OperationalError:
        conn = psycopg.connect(urlunsplit(parts), autocommit=True)
    with conn:
        for sql in statements:
            conn.execute(sql)


def _prepare_db(scale: int, out: Path, base_url: str | None, reuse: bool = False, stem: str = "bench") -> tuple[str, callable]:
    """A database of the benchmark's own (banli_<stem>_<scale> on the PostgreSQL server
    DATABASE_URL names, else an SQLite file under out/): never the database the URL names itself,
    which may be the server's maintenance database or someone's data."""
    if _is_postgres(base_url):
        name = f"banli_{stem}_{scale}"
        if not reuse:
            _pg_admin(base_url, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
        url = urlunsplit(urlsplit(base_url)._replace(path="/" + name))
        return url, (lambda: _pg_admin(base_url, f'DROP DATABASE IF EXISTS "{name}"'))
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{stem}_{scale}.sqlite3"

    def remove():
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)

    if not reuse:
        remove()
    return f"sqlite:///{path}", remove


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="1000,10000,100000", help="comma-separated item counts (default 1000,10000,100000)")
    ap.add_argument("--repeat", type=int, default=20, help="timed runs per case after the warm-up (default 20)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed runs per case first (default 3)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=2000, help="items generated and inserted per transaction (default 2000)")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="directory for SQLite files and results (default bench/out)")
    ap.add_argument("--keep", action="store_true", help="keep each scale's database (SQLite file or PostgreSQL database) afterwards")
    ap.add_argument("--reuse", action="store_true", help="time a database kept by an earlier --keep run again instead of generating it")
    ap.add_argument("--page-repeat", type=int, default=40, help="timed runs per page case (default 40; p95 needs more than the median)")
    ap.add_argument("--target-ms", type=float, default=100.0, help="the p95 target for the pages at the largest scale (default 100)")
    ap.add_argument("--units", type=int, help="units in the generated district (default: the vocabulary's; 600 for a province)")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a page misses the target or its query count varies with N")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--scale", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return _child(args)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    base_url = os.environ.get("DATABASE_URL")
    scales = [int(s.replace("_", "")) for s in args.scales.split(",") if s.strip()]
    env = {"BANLI_2FA_REQUIRED": "0", **os.environ}  # the measured staff log in by force_login, with no phone
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.setdefault("DJANGO_SETTINGS_MODULE", "banli.settings")
    results = []
    for scale in scales:
        print(f"== scale {scale}", flush=True)
        reuse = args.reuse and (out / f"summary_{scale}.json").exists()
        url, cleanup = _prepare_db(scale, out, base_url, reuse=reuse)
        result_path = out / f"result_{scale}.json"
        result_path.unlink(missing_ok=True)
        cmd = [sys.executable, "-m", "bench.run", "--child", "--scale", str(scale), "--repeat", str(args.repeat), "--warmup", str(args.warmup),
               "--seed", str(args.seed), "--batch", str(args.batch), "--result", str(result_path), "--page-repeat", str(args.page_repeat),
               "--target-ms", str(args.target_ms)] + (["--reuse"] if reuse else []) + (["--units", str(args.units)] if args.units else [])
        try:
            proc = subprocess.run(cmd, env={**env, "DATABASE_URL": url}, cwd=ROOT)
        finally:
            if not args.keep:
                cleanup()
        if proc.returncode != 0:
            print(f"scale {scale} failed (exit {proc.returncode})", file=sys.stderr)
            return proc.returncode
        results.append(json.loads(result_path.read_text()))
        print_table(results)
    (out / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    ok = print_pages(results, args.target_ms) if any(r.get("pages") for r in results) else True
    return 1 if args.strict and not ok else 0


# ---------------------------------------------------------------------------------------------
# Child: one scale, one database


def _child(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.consistency import check_consistency
    from bench.generate import generate
    from bench.writing import peak_rss_mb

    summary_path = Path(args.result).with_name(f"summary_{args.scale}.json")
    if args.reuse:
        summary = json.loads(summary_path.read_text())
        # New migrations (an index, say) apply to the kept data, so a fix can be timed without regenerating.
        call_command("migrate", verbosity=0, interactive=False)
        print(f"reusing the kept database of {args.scale} items ({connection.vendor})", flush=True)
    else:
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        print(f"migrated in {time.perf_counter() - t0:.1f}s ({connection.vendor})", flush=True)
        if connection.vendor == "sqlite":
            with connection.cursor() as cur:
                cur.execute("PRAGMA synchronous=OFF")  # the load only; timings run with the settings' pragmas
        summary = generate(args.scale, seed=args.seed, batch=args.batch, progress=lambda m: print(m, flush=True), units=args.units)
        summary_path.write_text(json.dumps(summary, indent=1, ensure_ascii=False))
    rss_gen = peak_rss_mb()
    connection.close()  # reconnect with the settings' own init (WAL, synchronous=NORMAL)

    import random

    from django.db.models import Max, Min

    from banli.proposals.models import Item

    rng = random.Random(args.seed)
    bounds = Item.objects.aggregate(lo=Min("id"), hi=Max("id"))
    sample = rng.sample(range(bounds["lo"], bounds["hi"] + 1), min(2000, bounds["hi"] - bounds["lo"] + 1))
    problems = check_consistency(sample)
    for p in problems[:20]:
        print("  consistency:", p)

    from bench.more_pages import run_more_cases
    from bench.pages import run_page_cases
    from bench.public import run_public_cases

    load = [round(x, 1) for x in os.getloadavg()]
    cases = _run_cases(summary, args.repeat, args.warmup)
    print("pages (the public site's last):", flush=True)
    pages = [*run_page_cases(summary, repeat=args.page_repeat, warmup=args.warmup, target_ms=args.target_ms, progress=lambda m: print(m, flush=True)),
             *run_more_cases(summary, repeat=args.page_repeat, warmup=args.warmup, target_ms=args.target_ms, progress=lambda m: print(m, flush=True)),
             *run_public_cases(repeat=args.page_repeat, warmup=args.warmup, target_ms=args.target_ms, progress=lambda m: print(m, flush=True))]
    from bench.assessment import assessment_case
    from bench.dossier import dossier_case
    from bench.report import report_case, report_page_cases
    print("documents:", flush=True)
    warm_report, *cold_report = report_page_cases(summary, repeat=args.page_repeat, warmup=args.warmup, target_ms=args.target_ms)
    documents = [report_case(summary, repeat=args.page_repeat, warmup=args.warmup), dossier_case(summary, repeat=5, warmup=1),
                 *assessment_case(summary, repeat=5, warmup=1), *cold_report]
    for d in documents:
        print(f"  {d}", flush=True)
    load += [round(x, 1) for x in os.getloadavg()]
    result = {
        "scale": args.scale, "backend": connection.vendor, "rows": summary["rows"], "gen_seconds": summary["seconds"],
        "peak_rss_gen_mb": rss_gen, "peak_rss_mb": peak_rss_mb(), "states": summary["states"], "cases": cases,
        "checked": len(sample), "problems": len(problems), "pages": [*pages, warm_report], "target_ms": args.target_ms, "documents": documents,
        "load": f"{load[0]} at the start, {load[3]} at the end (1-min, {os.cpu_count()} CPUs)", "reused": bool(args.reuse),
        "counts": {k: summary.get(k) for k in ("deadlines", "notifications", "questions")},
    }
    Path(args.result).write_text(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


def _measure(case, floor, *, repeat, warmup):
    """bench.timing.measure (alternate runs of the case and its floor, queries counted once),
    as (median ms, queries, n) for the case and for the floor."""
    from bench.timing import measure

    timed, fl = measure(case, floor, repeat=repeat, warmup=warmup)
    return (timed["p50"], timed["queries"], timed["n"]), (fl["p50"], fl["queries"], fl["n"])


def _case(name, timed, floor):
    ms, q, n = timed
    fms, fq, _ = floor
    return {"case": name, "median_ms": round(ms, 3), "floor_ms": round(fms, 3), "ratio": round(ms / fms, 2) if fms else None,
            "queries": q, "floor_queries": fq, "n": n}


def _run_cases(summary, repeat, warmup) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from banli.api.pagination import ItemPagination
    from banli.api.serializers.detail import ItemDetailSerializer
    from banli.api.serializers.items import ItemListSerializer
    from banli.audit.models import AuditRecord
    from banli.org.models import UnitLiaison
    from banli.proposals import selectors
    from banli.proposals.actions import register, sign
    from banli.proposals.models import Assignment, Item

    from bench.floors import detail_floor, list_floor, register_floor, sign_floor

    User = get_user_model()
    factory = APIRequestFactory()
    cases = []

    def fresh(uid):
        return User.objects.get(pk=uid)

    # -- a. the list, as the office and as the busiest unit's liaison
    session_id = summary["current_sessions"]["cppcc"]
    params = {"session": str(session_id), "state": "handling,replied"}

    def list_call(user):
        req = Request(factory.get("/api/items/", params))
        req.user = user
        pager = ItemPagination()
        page = pager.paginate_queryset(selectors.item_list(req.user, req.query_params), req)
        return pager.get_paginated_response(ItemListSerializer(page, many=True).data).data

    for who, uid, unit_ids in (("gov office", summary["gov_user_id"], None),
                               ("unit liaison", summary["busiest_unit_liaison_id"], [summary["busiest_unit_id"]])):
        data = list_call(fresh(uid))
        floor_ids = list_floor(session_id, ["handling", "replied"], unit_ids)
        if [r["id"] for r in data["results"]] != floor_ids:
            print(f"  WARNING: list floor for {who} returned other rows than the selector", flush=True)
        timed, floor = _measure((lambda uid=uid: (fresh(uid),), list_call),
                                (lambda: (), lambda ui=unit_ids: list_floor(session_id, ["handling", "replied"], ui)), repeat=repeat, warmup=warmup)
        cases.append(_case(f"list ({who}, {data['count']} hits)", timed, floor))

    # -- b. the detail of a closed item with the fullest history in the current session
    row = (AuditRecord.objects.filter(item__session_id=session_id, item__state="closed").values("item_id")
           .annotate(n=Count("id")).order_by("-n", "item_id").first())
    item_id = row["item_id"]

    def detail_call(user):
        req = Request(factory.get(f"/api/items/{item_id}/"))
        req.user = user
        return ItemDetailSerializer(selectors.item_detail(req.user, item_id), context={"request": req}).data

    data = detail_call(fresh(summary["gov_user_id"]))
    timed, floor = _measure((lambda: (fresh(summary["gov_user_id"]),), detail_call), (lambda: (), lambda: detail_floor(item_id)),
                            repeat=repeat, warmup=warmup)
    cases.append(_case(f"detail ({len(data['history'])} audit rows)", timed, floor))

    # -- c. lifecycle actions, each call on a different item. The floor, a bare UPDATE of the same
    # row and an INSERT of an audit row in one transaction, runs on rows the action already wrote.
    act_warmup = min(warmup, 2)
    need = 1 + act_warmup + repeat
    office = summary["office_user_ids"]
    submitted = list(Item.objects.filter(state="submitted").order_by("id").values_list("id", "assembly")[:need])
    pending = list(Assignment.objects.filter(state="pending", item__state="assigned").order_by("id").values_list("id", "item_id", "unit_id")[:need])
    liaison = dict(UnitLiaison.objects.filter(ended_on__isnull=True).values_list("unit_id", "user_id"))
    for name, todo, action, floor_run, args_of in (
        ("action register", submitted, register, register_floor, lambda row: (fresh(office[row[1]]), row[0])),
        ("action sign", pending, lambda user, item_id, asg: sign(user, item_id, assignment=asg), sign_floor,
         lambda row: (fresh(liaison[row[2]]), row[1], row[0])),
    ):
        if len(todo) < act_warmup + 2:
            print(f"  {name}: only {len(todo)} rows to act on, skipped", flush=True)
            continue
        done, floor_at = [], [0]

        def case_setup(todo=todo, done=done, args_of=args_of):
            row = todo[len(done)]
            done.append(row)
            return args_of(row)

        def floor_setup(done=done, floor_at=floor_at, name=name):
            row = done[min(floor_at[0], len(done) - 1)]  # in ABBA order the floor may be one ahead
            floor_at[0] += 1
            if name == "action register":
                return (row[0],)
            return (row[0], liaison[row[2]])

        timed, floor = _measure((case_setup, action), (floor_setup, floor_run), repeat=len(todo) - 1 - act_warmup, warmup=act_warmup)
        cases.append(_case(name, timed, floor))
    return cases


if __name__ == "__main__":
    sys.exit(main())
