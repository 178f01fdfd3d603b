"""`python -m bench.load`: the load test of issue 16.3, from an empty database to the table.

1. The database: its own PostgreSQL database (banli_load_<items>, or --db; never the server's
   maintenance database, and never the one DATABASE_URL names), on the server DATABASE_URL names
   when that is PostgreSQL, else on the machine's (postgres://postgres@127.0.0.1:5432), whatever
   the caller's database is. A fresh one is copied from a migrated template (banli_load_template_
   <hash of the migrations>, migrated once: a migration takes half a minute) and filled by
   bench.generate; --reuse keeps one made before. bench.load.prepare picks the accounts.
2. The server: gunicorn with deploy/gunicorn.conf.py when it exists (its settings, but the port and
   --workers from here), else sync workers; production settings (BANLI_PRODUCTION=1) as behind
   the reverse proxy, over plain http (see SERVER_ENV for what differs).
3. locust, headless, with bench/load/locustfile.py: the stages one after the other in one run.
4. The table (bench.load.report), and the JSON of the results under bench/out/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from . import report

ROOT = Path(__file__).resolve().parent.parent.parent
OUT = ROOT / "bench" / "out"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
RESERVED = {"postgres", "template0", "template1"}
# What the server runs with: production settings as behind the proxy, with three differences,
# said in the table's header: the cookies are not marked Secure (the load client speaks plain http
# to gunicorn, as the proxy does; a browser's leg to the proxy is TLS), there is no proxy (static
# files come from WhiteNoise in the workers), and Celery runs tasks in the request (no broker).
SERVER_ENV = {"BANLI_PRODUCTION": "1", "BANLI_SECURE_COOKIES": "0", "BANLI_2FA_REQUIRED": "1", "BANLI_DEBUG": "0",
              "BANLI_CACHE": "redis://127.0.0.1:6379/11"}
DIFFERENCES = ("cookies not Secure (plain http to gunicorn; the proxy's X-Forwarded-Proto/-For sent by the client); "
               "no reverse proxy (static files from WhiteNoise); Celery tasks run in the request (no broker)")


def pg_server() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if urlsplit(url).scheme in ("postgres", "postgresql", "pgsql") else DEFAULT_PG


def db_url(server: str, name: str) -> str:
    return urlunsplit(urlsplit(server)._replace(scheme="postgresql", path="/" + name))


def pg(server: str, *statements: str, fetch: bool = False):
    """Statements on the server's maintenance database (CREATE/DROP DATABASE cannot run elsewhere)."""
    import psycopg

    with psycopg.connect(db_url(server, "postgres"), autocommit=True) as conn:
        rows = None
        for sql in statements:
            cur = conn.execute(sql)
            rows = cur.fetchall() if fetch else None
        return rows


def exists(server: str, name: str) -> bool:
    return bool(pg(server, f"SELECT 1 FROM pg_database WHERE datname = '{name}'", fetch=True))


def migrations_hash() -> str:
    """What the schema depends on: the project's migrations and the pinned packages (theirs)."""
    h = hashlib.sha256((ROOT / "requirements.lock").read_bytes())
    for path in sorted((ROOT / "src").glob("banli/**/migrations/*.py")):
        h.update(str(path.relative_to(ROOT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def _env(url: str) -> dict:
    return {**os.environ, "DATABASE_URL": url, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            "DJANGO_SETTINGS_MODULE": "banli.settings"}


def template(server: str, progress) -> str:
    """A migrated, empty database to copy from, made once per state of the migrations."""
    import psycopg

    name = f"banli_load_template_{migrations_hash()}"
    if exists(server, name):
        return name
    # One run builds it; another arriving meanwhile (the test beside a measurement) waits for it.
    with psycopg.connect(db_url(server, "postgres"), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_key("template"),))
        if not exists(server, name):
            _build_template(server, name, progress)
    return name


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(f"banli.load:{name}".encode()).digest()[:8], "big", signed=True)


def _build_template(server: str, name: str, progress) -> None:
    building = name + "_building"
    pg(server, f'DROP DATABASE IF EXISTS "{building}"', f'CREATE DATABASE "{building}"')
    progress(f"migrating a template database {name} (once per state of the migrations)")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=_env(db_url(server, building)), check=True)
    old = [r[0] for r in pg(server, "SELECT datname FROM pg_database WHERE datname LIKE 'banli\\_load\\_template\\_%'", fetch=True)
           if r[0] not in (building, name)]
    pg(server, f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    for o in old:  # templates of earlier migrations; one being copied right now stays (dropped next time)
        try:
            pg(server, f'DROP DATABASE IF EXISTS "{o}"')
        except Exception:  # noqa: BLE001 - psycopg's ObjectInUse
            pass


def make_database(server: str, name: str, items: int, reuse: bool, progress) -> bool:
    """Create (from the template) and fill the load database, unless --reuse finds it. Returns
    whether it generated."""
    if name in RESERVED or name.startswith("banli_load_template_") or name == urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/"):
        raise SystemExit(f"refusing to use {name!r} as the load database: it is not the load test's own")
    if reuse and exists(server, name):
        return False
    tmpl = template(server, progress)
    for attempt in range(20):  # the template may be being copied by another run this instant
        try:
            pg(server, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}" TEMPLATE "{tmpl}"')
            break
        except Exception:  # noqa: BLE001 - psycopg's ObjectInUse; tried again, then raised
            if attempt == 19:
                raise
            time.sleep(0.5)
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, port: int, workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    env = {**_env(url), **SERVER_ENV, "BANLI_SECRET_KEY": secrets.token_urlsafe(50)}
    if GUNICORN_CONF.exists():
        how = f"-c {GUNICORN_CONF.relative_to(ROOT)} --workers {workers}"
        cmd = ["-c", str(GUNICORN_CONF)]
    else:
        how = f"deploy/gunicorn.conf.py absent: --workers {workers} --worker-class sync --timeout 120"
        cmd = ["--worker-class", "sync", "--timeout", "120"]
    cmd = [sys.executable, "-m", "gunicorn", *cmd, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
           "--error-logfile", str(log), "banli.wsgi:application"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.with_suffix(".out").open("w"), stderr=subprocess.STDOUT)
    return proc, how


def get(base: str, path: str) -> int:
    import requests

    try:
        return requests.get(base + path, headers={"X-Forwarded-Proto": "https"}, allow_redirects=False, timeout=30).status_code
    except requests.RequestException:
        return 0


def wait_ready(proc, base: str, log: Path, timeout: float = 90) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn stopped (exit {proc.returncode}); see {log}:\n{log.read_text()[-2000:]}")
        if get(base, "/login/") == 200:
            return
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer within {timeout:.0f}s; see {log}")


def baseline_path(base: str) -> str:
    """part B's liveness endpoint when it is there, else the login page (a page through the whole
    middleware, with no database read for an anonymous visitor)."""
    return "/health/live" if get(base, "/health/live") == 200 else "/login/"


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def hold_database(server: str, name: str):
    """A session-level advisory lock named after the load database, held until the run ends: a
    second run on the same database (which would drop it, or double the load) stops at once."""
    import psycopg

    conn = psycopg.connect(db_url(server, "postgres"), autocommit=True)
    if not conn.execute("SELECT pg_try_advisory_lock(%s)", (_key(name),)).fetchone()[0]:
        conn.close()
        raise SystemExit(f"another load test is using {name} right now: wait for it, or give this one --db NAME")
    return conn


def run(args, progress=print) -> dict:
    server = pg_server()
    name = args.db or f"banli_load_{args.items}"
    lock = hold_database(server, name)
    try:
        return _run(args, server, name, progress)
    finally:
        lock.close()


def _run(args, server: str, name: str, progress) -> dict:
    url = db_url(server, name)
    work = Path(tempfile.mkdtemp(prefix="banli-load-"))
    started = time.perf_counter()
    generated = make_database(server, name, args.items, args.reuse, progress)
    progress(f"{'generating' if generated else 'reusing'} {name} ({args.items} items)" if generated else f"reusing {name}")
    # Kept beside the results, for --reuse: found again only with a new database.
    accounts = OUT / f"load-accounts-{name}-{args.accounts or 'all'}.json"
    OUT.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "bench.load.prepare", "--out", str(accounts), "--accounts", str(args.accounts)]
    cmd += ["--generate", str(args.items)] if generated else ["--reuse-accounts"]
    subprocess.run(cmd, cwd=ROOT, env=_env(url), check=True)
    prepared = time.perf_counter() - started
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    log = work / "gunicorn.log"
    proc, how = start_gunicorn(url, port, args.workers, log)
    try:
        wait_ready(proc, base, log)
        probe = baseline_path(base)
        plan = {"accounts": str(accounts), "stages": args.stages, "seconds": args.seconds, "settle": args.settle,
                "spawn_rate": args.spawn_rate, "think": args.think, "cover": args.cover, "even": args.even, "out": str(work / "stages.json"),
                "baseline": probe, "gunicorn_pid": proc.pid, "database": name, "ramp_timeout": args.ramp_timeout,
                "timeout": args.timeout}
        (work / "plan.json").write_text(json.dumps(plan))
        progress(f"gunicorn ({how}) on {base}; baseline {probe}; stages {args.stages} users, {args.seconds:g} s measured each "
                 f"after {args.settle:g} s settling; think time {args.think[0]:g}-{args.think[1]:g} s")
        budget = len(args.stages) * (args.seconds + args.settle + args.ramp_timeout + 40) + 60
        with (work / "locust.log").open("w") as out:
            subprocess.run([sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "load" / "locustfile.py"), "--headless",
                            "--host", base, "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"],
                           cwd=ROOT, env={**_env(url), "BANLI_LOAD_PLAN": str(work / "plan.json")}, stdout=out,
                           stderr=subprocess.STDOUT, timeout=budget, check=True)
    finally:
        stop(proc)
        if args.drop:
            pg(server, f'DROP DATABASE IF EXISTS "{name}"')
    raw = json.loads((work / "stages.json").read_text()) if (work / "stages.json").exists() else []
    stages = [report.summarise(s, think=args.think, cores=os.cpu_count() or 1) for s in raw]
    server_errors = [line.strip() for line in log.read_text(errors="replace").splitlines()
                     if "Traceback" in line or "Internal Server Error" in line or "[CRITICAL]" in line or "WORKER TIMEOUT" in line]
    data = json.loads(accounts.read_text())
    if args.drop:
        accounts.unlink()
    result = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "items": data["items"], "database": name,
        "generated": generated, "prepare_seconds": round(prepared, 1), "workers": args.workers, "gunicorn": how,
        "settings": {k: v for k, v in SERVER_ENV.items()}, "differences_from_production": DIFFERENCES,
        "baseline": probe, "think_seconds": args.think, "stages_users": args.stages, "seconds": args.seconds,
        "settle": args.settle, "cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
        "accounts": {role: len(a) for role, a in data["accounts"].items()}, "unanalyzed_tables": data.get("unanalyzed_tables"),
        "write_kinds": {role: sorted({w["action"] for x in a for w in x["writes"]}) for role, a in data["accounts"].items()},
        "logins": {"n": sum(len(s["logins"]) for s in raw[-1:]), "p50_ms": round(report.percentile(raw[-1]["logins"], 50), 1) if raw else None},
        "server_log_errors": server_errors[:20], "stages": stages, "verdict": report.verdict(stages), "work_dir": str(work),
    }
    if server_errors and stages:
        result["verdict"]["pass"] = False
    return result


def parse(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.load", description="Load test per role against gunicorn and PostgreSQL (issue 16.3).")
    p.add_argument("--items", type=int, default=10_000, help="items in the load database (default 10000)")
    p.add_argument("--reuse", action="store_true", help="use the load database made by an earlier run if it is there")
    p.add_argument("--db", help="the load database's name (default banli_load_<items>)")
    p.add_argument("--workers", type=int, default=5, help="gunicorn workers (default 5)")
    p.add_argument("--stages", default="50,150,300", help="users at each stage (default 50,150,300)")
    p.add_argument("--seconds", type=float, default=90, help="measured seconds per stage (default 90)")
    p.add_argument("--settle", type=float, default=15, help="seconds between the last login of a stage and its measurement")
    p.add_argument("--think", default="4,12", help="think time between a user's requests, seconds: min,max (default 4,12)")
    p.add_argument("--spawn-rate", type=float, default=10, help="users started per second while ramping up")
    p.add_argument("--ramp-timeout", type=float, default=240, help="longest wait for a stage's users to log in")
    p.add_argument("--timeout", type=float, default=60, help="a request not answered within this is an error (the proxy's 60 s)")
    p.add_argument("--quick", action="store_true", help="a short run: 20 s measured per stage after 5 s settling")
    p.add_argument("--cover", action="store_true", help="each user opens every page of its role once after logging in (for short runs)")
    p.add_argument("--accounts", type=int, default=0, help="at most this many accounts per role (default: bench.load.roles.ACCOUNTS)")
    p.add_argument("--even", action="store_true", help="as many users of each role (default: the roles' shares, bench.load.roles)")
    p.add_argument("--drop", action="store_true", help="drop the load database afterwards")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--json", help="where to write the results (default bench/out/load-<items>-<time>.json)")
    args = p.parse_args(argv)
    args.stages = [int(x) for x in args.stages.split(",")]
    args.think = [float(x) for x in args.think.split(",")]
    if args.quick:
        args.seconds, args.settle = min(args.seconds, 20), min(args.settle, 5)
    return args


def main(argv=None) -> int:
    args = parse(argv)
    result = run(args)
    print(f"\nLoad test: {result['items']} items on PostgreSQL ({result['database']}), gunicorn {result['gunicorn']}; "
          f"{result['cpus']} CPUs, load average {result['load_average']}")
    print(f"settings: {' '.join(f'{k}={v}' for k, v in result['settings'].items())}; differs from production: {result['differences_from_production']}")
    print(report.table(result["stages"], result["baseline"], cores=result["cpus"]))
    if result["server_log_errors"]:
        print(f"\nserver log errors ({len(result['server_log_errors'])}): FAIL")
        for line in result["server_log_errors"][:5]:
            print("  " + line)
    path = Path(args.json) if args.json else OUT / f"load-{result['items']}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(f"\nresults: {path}")
    return 0 if result["verdict"].get("pass") else 1
