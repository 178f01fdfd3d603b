"""CPU per request: where a page's time goes inside the server, measured in one process so that
the figure does not depend on what else the machine is doing.

Each case (each role's to-do page, the item list filtered and searched, the item page, the inbox,
two API steps) is requested N times through Django's request handler (the test Client: the
settings' whole middleware stack, sessions in the database, the user signed in with the second
factor where production requires one), with production-like settings: DEBUG off, the cached
template loader, BANLI_2FA_REQUIRED on, the process started as a gunicorn worker is (banli.wsgi
imported: warmed, its objects frozen out of the garbage collector). For each case it reports

- cpu ms: this process's CPU time per request (time.process_time), what a gunicorn worker spends;
- db ms: the PostgreSQL backend's own CPU time per request (its /proc/<pid>/stat; the server runs
  on the same machine, so a request costs the sum of the two);
- wall ms and queries per request.

and with --profile CASE a cProfile top list of that case (or "all" for every case together).

    # once: a database of its own (banli_cpu unless --db), migrated and filled with 10k items
    PYTHONPATH=src:. .venv/bin/python -m bench.cpu --generate 10000
    # then, as often as wanted (reuses it):
    PYTHONPATH=src:. .venv/bin/python -m bench.cpu [--repeat 30] [--profile "item page (gov office)"] [--json out.json]

The server is the one DATABASE_URL names (default postgres://postgres@127.0.0.1:5432); the
database name is --db, never the one DATABASE_URL names, so it cannot write into another's data.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
MESSAGE = "请于本周内报送办理进展。"  # what the benchmark's API step posts (marking the items it used)


def _db_url(server: str, name: str) -> str:
    return urlunsplit(urlsplit(server)._replace(path="/" + name))


def _summary_path(name: str) -> Path:
    return OUT / f"cpu_{name}.json"


# ---------------------------------------------------------------------------------------------
# Generating the database (a process of its own: the measurement starts cold)


def generate_db(server: str, name: str, items: int, seed: int) -> None:
    from .run import _pg_admin

    _pg_admin(server, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = _db_url(server, name)
    import django

    django.setup()
    from django.core.management import call_command

    from .generate import generate

    call_command("migrate", verbosity=0, interactive=False)
    summary = generate(items, seed=seed, batch=2000, progress=lambda m: print(m, flush=True))
    OUT.mkdir(parents=True, exist_ok=True)
    _summary_path(name).write_text(json.dumps(summary, indent=1, ensure_ascii=False))
    print(f"database {name}: {items} items; summary in {_summary_path(name)}")


# ---------------------------------------------------------------------------------------------
# The cases


def cases(summary) -> list[dict]:
    """(key, user id, method, path, data) of each case: bench.pages' to-do and list cases, the item
    page, the inbox, and two API steps that can be repeated (mark/unmark a key item alternately,
    post a message)."""
    from django.contrib.auth import get_user_model

    from banli.proposals.access import visible_items
    from banli.proposals.models import ItemState, Message

    from .pages import page_cases

    User = get_user_model()
    out = []
    for case in page_cases(summary):
        if case.get("params") and "late" in case["params"]:
            continue  # late=1 is part C's query; the list is measured filtered and searched
        query = urlencode(case["params"]) if case.get("params") else ""
        out.append({"key": case["key"], "user": case["user"], "method": "get", "path": case["path"] + (f"?{query}" if query else "")})
    gov, liaison = summary["gov_user_id"], summary["busiest_unit_liaison_id"]
    pages = set()
    for who, uid in (("gov office", gov), ("unit liaison", liaison)):
        item = (visible_items(User.objects.get(pk=uid)).filter(state=ItemState.HANDLING).order_by("-pk").values_list("pk", flat=True).first())
        pages.add(item)
        out.append({"key": f"item page ({who})", "user": uid, "method": "get", "path": f"/items/{item}/"})
    out.append({"key": "inbox (member)", "user": summary["member_user_id"], "method": "get", "path": "/inbox/"})
    out.append({"key": "api list (unit liaison)", "user": liaison, "method": "get", "path": "/api/items/"})
    # The steps act on an item of their own, one that no run before touched (never marked key, none
    # of the benchmark's messages), so that each run answers with an item of the generated size.
    touched = Message.objects.filter(body=MESSAGE).values("item_id")
    target = (visible_items(User.objects.get(pk=gov)).filter(state=ItemState.HANDLING, is_key=False, key_marks__isnull=True)
              .exclude(pk__in=pages).exclude(pk__in=touched).order_by("-pk").values_list("pk", flat=True).first())
    out.append({"key": "api mark/unmark key (gov office)", "user": gov, "method": "post", "steps": [
        (f"/api/items/{target}/actions/mark_key/", {"leader_id": summary["leader_user_id"], "reason": "群众关注度高"}),
        (f"/api/items/{target}/actions/unmark_key/", {"reason": "已有进展"})]})
    out.append({"key": "api post message (gov office)", "user": gov, "method": "post",
                "steps": [(f"/api/items/{target}/actions/post_message/", {"body": MESSAGE})]})
    out.append({"key": "api post message, Prefer minimal", "user": gov, "method": "post", "headers": {"Prefer": "return=minimal"},
                "steps": [(f"/api/items/{target}/actions/post_message/", {"body": MESSAGE})]})
    return out


def _client(uid):
    """A client signed in as uid; verified by a second factor when the rules require one, as a
    staff member's browser is after the login's second step."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from banli.org import twofactor

    user = get_user_model().objects.get(pk=uid)
    client = Client()
    client.force_login(user)
    if twofactor.requires_second_factor(user):
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _request(client, case, i):
    if case["method"] == "get":
        response = client.get(case["path"])
    else:
        path, data = case["steps"][i % len(case["steps"])]
        response = client.post(path, data, content_type="application/json", headers=case.get("headers"))
    if response.status_code != 200:
        raise RuntimeError(f"{case['key']}: {case['method'].upper()} answered {response.status_code}: {response.content[:300]!r}")
    return response


def _backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) of the PostgreSQL backend process pid so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(summary, *, repeat: int, warmup: int, only: str | None = None, profile: str | None = None) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.ensure_connection()
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        backend = cur.fetchone()[0]
    local_db = Path(f"/proc/{backend}/stat").exists()
    rows, prof = [], cProfile.Profile() if profile else None
    clients = {}
    for case in cases(summary):
        if only and only not in case["key"]:
            continue
        client = clients.get(case["user"]) or clients.setdefault(case["user"], _client(case["user"]))
        for i in range(warmup):
            _request(client, case, i)
        with CaptureQueriesContext(connection) as ctx:
            response = _request(client, case, warmup)
        queries, size = len(ctx.captured_queries), len(response.content)
        profiling = prof is not None and profile in ("all", case["key"])
        db0, cpu0, wall0 = _backend_cpu(backend) if local_db else 0.0, time.process_time(), time.perf_counter()
        if profiling:
            prof.enable()
        for i in range(repeat):
            _request(client, case, warmup + 1 + i)
        if profiling:
            prof.disable()
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        db = (_backend_cpu(backend) - db0) if local_db else float("nan")
        row = {"case": case["key"], "cpu_ms": round(cpu / repeat * 1000, 2), "db_ms": round(db / repeat * 1000, 2),
               "wall_ms": round(wall / repeat * 1000, 2), "queries": queries, "bytes": size, "n": repeat, "profiled": profiling}
        rows.append(row)
        print(f"  {row['case']:<44} cpu {row['cpu_ms']:7.2f} ms  db {row['db_ms']:6.2f} ms  wall {row['wall_ms']:7.2f} ms  "
              f"{queries:3d} queries  {size:7d} bytes", flush=True)
    if prof is not None:
        _print_profile(prof)
    return rows


def _print_profile(prof, top: int = 40) -> None:
    for order in ("cumulative", "tottime"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(order).print_stats(top)
        text = buf.getvalue()
        print(f"\n== profile, by {order}\n" + text[text.find("   ncalls"):])


def first_request(summary) -> dict:
    """What a fresh worker's first request costs: a new process imports the WSGI application
    (banli.wsgi, as gunicorn's preload_app would) and then answers one to-do page."""
    import subprocess

    code = (
        "import time; t0 = time.process_time(); w0 = time.perf_counter()\n"
        "import banli.wsgi\n"
        "t1 = time.process_time(); w1 = time.perf_counter()\n"
        "from bench.cpu import _client\n"
        "c = _client(int(__import__('sys').argv[1]))\n"
        "t2 = time.process_time(); w2 = time.perf_counter()\n"
        "r = c.get('/'); assert r.status_code == 200, r.status_code\n"
        "t3 = time.process_time(); w3 = time.perf_counter()\n"
        "r = c.get('/'); t4 = time.process_time()\n"
        "print(round((t1-t0)*1000), round((t3-t2)*1000), round((w3-w2)*1000), round((t4-t3)*1000))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    out = subprocess.run([sys.executable, "-c", code, str(summary["gov_user_id"])], env=env, cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    startup, first_cpu, first_wall, second_cpu = (int(x) for x in out.stdout.split()[-4:])
    return {"startup_cpu_ms": startup, "first_request_cpu_ms": first_cpu, "first_request_wall_ms": first_wall, "second_request_cpu_ms": second_cpu}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.cpu", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default="banli_cpu", help="the database's name on the server (default banli_cpu)")
    ap.add_argument("--generate", type=int, metavar="ITEMS", help="make the database anew with ITEMS items, then stop")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=30, help="timed requests per case (default 30)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed requests per case first (default 3)")
    ap.add_argument("--only", help="only the cases whose name contains this")
    ap.add_argument("--profile", help="a case's name (or 'all'): print a cProfile top list of its timed requests")
    ap.add_argument("--no-first", action="store_true", help="skip the fresh-process first-request measurement")
    ap.add_argument("--json", help="write the figures to this file")
    args = ap.parse_args(argv)

    server = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    if urlsplit(server).scheme not in ("postgres", "postgresql", "pgsql"):
        ap.error("DATABASE_URL must name a PostgreSQL server (the database name in it is not used: see --db)")
    # Production-like: no debug (no query log, the cached template loader), the second factor required.
    os.environ["BANLI_DEBUG"] = "0"
    os.environ["BANLI_2FA_REQUIRED"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banli.settings")
    if args.generate:
        generate_db(server, args.db, args.generate, args.seed)
        return 0
    if not _summary_path(args.db).exists():
        ap.error(f"no database {args.db} made by this benchmark yet: run it with --generate 10000 first")
    summary = json.loads(_summary_path(args.db).read_text())
    os.environ["DATABASE_URL"] = _db_url(server, args.db)
    # As a gunicorn worker starts: the WSGI module sets Django up, warms it and freezes what it loaded.
    import banli.wsgi  # noqa: F401

    from django.conf import settings

    assert not settings.DEBUG
    print(f"CPU per request, {summary['items']} items in {args.db}, {args.repeat} requests per case after {args.warmup} untimed; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    rows = measure(summary, repeat=args.repeat, warmup=args.warmup, only=args.only, profile=args.profile)
    cpu = sum(r["cpu_ms"] for r in rows) / len(rows)
    db = sum(r["db_ms"] for r in rows) / len(rows)
    print(f"  {'mean of the cases':<44} cpu {cpu:7.2f} ms  db {db:6.2f} ms  (cpu + db {cpu + db:.1f} ms)")
    result = {"items": summary["items"], "cases": rows, "mean_cpu_ms": round(cpu, 2), "mean_db_ms": round(db, 2)}
    if not args.no_first and not args.only:
        result["first"] = first = first_request(summary)
        print(f"  fresh process: import of banli.wsgi {first['startup_cpu_ms']} ms CPU; first to-do page {first['first_request_cpu_ms']} ms CPU "
              f"({first['first_request_wall_ms']} ms wall), the second {first['second_request_cpu_ms']} ms CPU")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
