"""Benchmark of the daily scan: M open milestones (due dates spread from 30 days back to 90 ahead,
so about a quarter are late and some fall due today or soon) among H closed historical items
whose milestones are all met. Timed against a floor measured in the same run: the bare SQL read
of the same open milestones plus the insert of as many log rows.

    PYTHONPATH=src python -m bench.scan [--open 10000,100000] [--history 100000]
    PYTHONPATH=src python -m bench.scan --kept 1000000    # on bench.run's kept database

Each size runs in its own subprocess on a fresh SQLite file, or, when DATABASE_URL names a
PostgreSQL server, in a database of its own there (banli_scan_<open>, dropped afterwards): never
in the database the URL names. The target: 100k open milestones in at most 10 s on 2 cores, and
time that follows the open milestones, not the history.

--kept N times the scan over the open milestones of the full histories that `bench.run --scales N
--keep` generated (banli_bench_N, or bench/out/bench_N.sqlite3), inside a transaction that is
rolled back, so the kept database is the same afterwards and can be timed again."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def child(n_open: int, n_history: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from banli.deadlines.models import Deadline, ReminderLog
    from banli.deadlines.scan import run_scan
    from banli.notify.models import Notification
    from banli.org.models import Assembly, Person, Session, StaffRole, Term, Unit, UnitLiaison
    from banli.proposals.models import Item

    User = get_user_model()
    today = _working_day()
    t0 = time.perf_counter()
    with transaction.atomic():
        term = Term.objects.create(assembly=Assembly.CPPCC, ordinal=1, name="第一届", starts_on=datetime.date(2020, 1, 1))
        session = Session.objects.create(term=term, ordinal=1, name="第一次会议", year=today.year, opens_on=datetime.date(today.year, 1, 1), is_current=True)
        users = User.objects.bulk_create([User(username=f"u{i}") for i in range(130)])
        units = Unit.objects.bulk_create([Unit(name=f"单位{i}", leader=users[60 + i]) for i in range(60)])
        UnitLiaison.objects.bulk_create([UnitLiaison(unit=u, user=users[i], started_on=datetime.date(2020, 1, 1)) for i, u in enumerate(units)])
        StaffRole.objects.create(user=users[125], kind="gov_office")
        person = Person.objects.create(assembly="cppcc", user=users[126], name="委员")
        total = n_open + n_history
        for start in range(0, total, 5000):
            Item.objects.bulk_create([Item(assembly="cppcc", session=session, title=f"事项{i}", proposer=person,
                                           state="closed" if i < n_history else "handling", replied_at=timezone.now())
                                      for i in range(start, min(total, start + 5000))])
        ids = list(Item.objects.order_by("id").values_list("id", flat=True))
        for start in range(0, total, 5000):
            rows = []
            for n, item_id in enumerate(ids[start:start + 5000], start):
                historical = n < n_history
                due = today - datetime.timedelta(days=400 + n % 300) if historical else today + datetime.timedelta(days=(n % 121) - 30)
                rows.append(Deadline(key=f"reply:{item_id}", kind="reply", item_id=item_id, unit=units[n % 60], starts_on=due - datetime.timedelta(days=90),
                                     due_on=due, state="met" if historical else "open", met_on=due if historical else None))
            Deadline.objects.bulk_create(rows)
    setup = time.perf_counter() - t0

    def floor():
        soon = [today + datetime.timedelta(days=1), today + datetime.timedelta(days=7)]
        with transaction.atomic():
            with connection.cursor() as c:
                c.execute("SELECT id, kind, due_on, unit_id, item_id FROM deadlines_deadline WHERE state IN ('open', 'late') "
                          "AND (due_on <= %s OR due_on IN (%s, %s))", [today, *soon])
                rows = c.fetchall()
            ReminderLog.objects.bulk_create([ReminderLog(deadline_id=r[0], on_date=today - datetime.timedelta(days=3650), stage="floor") for r in rows],
                                            batch_size=2000)
            transaction.set_rollback(True)
        return len(rows)

    t = time.perf_counter()
    floor_rows = floor()
    floor_s = time.perf_counter() - t
    t = time.perf_counter()
    result = run_scan(today)
    scan_s = time.perf_counter() - t
    t = time.perf_counter()
    again = run_scan(today)
    again_s = time.perf_counter() - t
    return {"open": n_open, "history": n_history, "setup_s": round(setup, 1), "scan_s": round(scan_s, 2), "floor_s": round(floor_s, 2),
            "ratio": round(scan_s / floor_s, 1) if floor_s else None, "floor_rows": floor_rows, "result": result,
            "second_run_s": round(again_s, 2), "second_reminded": again.get("reminded"), "notifications": Notification.objects.count()}


def child_kept() -> dict:
    """The scan over a kept benchmark database, rolled back (see the module's docstring)."""
    import django

    django.setup()
    from django.db import transaction

    from banli.deadlines.models import Deadline
    from banli.deadlines.scan import run_scan
    from banli.proposals.models import Item

    today = _working_day()
    items = Item.objects.count()
    running = Deadline.objects.filter(state__in=(Deadline.State.OPEN, Deadline.State.LATE)).count()
    timings, result = [], None
    for _ in range(2):
        with transaction.atomic():
            t = time.perf_counter()
            result = run_scan(today)
            timings.append(time.perf_counter() - t)
            transaction.set_rollback(True)
    return {"items": items, "running": running, "scan_s": [round(x, 2) for x in timings], "result": result}


def _working_day():
    """Today, or on a weekend or holiday the last working day before it: the scan sends reminders
    and records lapsed feedback on working days only, and the benchmark times a day that does
    (on a Saturday it timed only the marking of late rows)."""
    from django.utils import timezone

    from banli.workdays.calendar import add_working_days, is_working_day

    today = timezone.localdate()
    return today if is_working_day(today) else add_working_days(today, -1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--open", default="10000,100000")
    ap.add_argument("--history", type=int, default=100000)
    ap.add_argument("--child", nargs=2, type=int)
    ap.add_argument("--kept", type=int, help="time the scan on the database `bench.run --scales N --keep` left")
    ap.add_argument("--child-kept", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(*args.child), ensure_ascii=False, default=str))
        return
    if args.child_kept:
        print(json.dumps(child_kept(), ensure_ascii=False, default=str))
        return
    from bench.run import _prepare_db

    base_url = os.environ.get("DATABASE_URL")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "banli.settings", "PYTHONPATH": str(ROOT / "src")}
    if args.kept:
        env["DATABASE_URL"], _ = _prepare_db(args.kept, OUT, base_url, reuse=True)
        out = subprocess.run([sys.executable, "-m", "bench.scan", "--child-kept"], env=env, cwd=ROOT, capture_output=True, text=True)
        if out.returncode:
            print(out.stderr[-3000:])
            sys.exit(out.returncode)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        verdict = "PASS" if max(r["scan_s"]) <= 10 else "FAIL"
        print(f"scan of a kept {r['items']:,}-item history, {r['running']:,} running milestones: {r['scan_s'][0]} s, again {r['scan_s'][1]} s "
              f"(target <= 10 s) {verdict}; {r['result']}")
        return
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"{'open':>8} {'history':>8} {'scan s':>8} {'floor s':>8} {'ratio':>6} {'reminded':>9} {'again s':>8}")
    for n in [int(x) for x in args.open.split(",")]:
        env["DATABASE_URL"], cleanup = _prepare_db(n, OUT, base_url, stem="scan")
        try:
            out = subprocess.run([sys.executable, "-m", "bench.scan", "--child", str(n), str(args.history)], env=env, cwd=ROOT,
                                 capture_output=True, text=True)
        finally:
            cleanup()
        if out.returncode:
            print(out.stderr[-3000:])
            sys.exit(out.returncode)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['open']:>8} {r['history']:>8} {r['scan_s']:>8} {r['floor_s']:>8} {r['ratio']:>6} {r['result'].get('reminded'):>9} "
              f"{r['second_run_s']:>8}   (setup {r['setup_s']} s, marked late {r['result']['marked_late']}, second run reminded {r['second_reminded']})")


if __name__ == "__main__":
    main()
