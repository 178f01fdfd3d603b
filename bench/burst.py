"""A burst of concurrent clients over real HTTP (issue 15.6: "50 concurrent clients on SQLite,
16 of 400 requests failed with 'database is locked'").

    python -m bench.burst                       # a fresh SQLite database with the demo, served by runserver
    python -m bench.burst --url http://127.0.0.1:8000   # a server already running (e.g. `make run`)
    python -m bench.burst --clients 50 --requests 400 --rounds 3

Each client is a browser of its own: it fetches the login page, logs in (Django writes the session
and last_login, the autocommit writes where "database is locked" used to come from), then reads
(to-do page, item list, item page, API list and detail) and writes (a message, a consultation of
an item it handles, marking its notifications read) until the clients together have sent
`--requests`. All clients start at the same instant (a barrier), so the logins and the first
writes collide. An error is any answer other than the one expected (a 5xx, a failed login, a
refused write), any connection failure, and any "database is locked" in the server's log.

`tests/security/test_sqlite_burst.py` runs the same burst (run_burst below) against the test
server; this command prints the figures (p50/p95, requests per second) for the README.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "banli-demo"
# Demo accounts a burst may log in as: the roles for whom two-factor authentication is optional
# (members, deputies, unit liaisons), so a login is one POST.
DEMO_ACCOUNTS = ("member1", "member2", "deputy1", "unit1", "unit2")


@dataclass
class Target:
    """What one account may read and write, found over HTTP before the burst starts."""
    username: str
    password: str
    items: list[int]  # items the account can read
    message_items: list[int]  # items it may post a message on
    consultations: list[tuple[int, int, str]]  # (item, assignment, kind) where it may record a consultation


@dataclass
class Outcome:
    kind: str
    method: str
    path: str
    status: int  # 0: no answer (connection failed)
    seconds: float
    error: str = ""


@dataclass
class BurstResult:
    clients: int
    outcomes: list[Outcome]
    wall_seconds: float
    server_log_errors: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error]

    def percentile(self, p: float) -> float:
        times = sorted(o.seconds for o in self.outcomes)
        return times[min(len(times) - 1, int(round(p / 100 * (len(times) - 1))))] if times else 0.0

    def summary(self) -> str:
        n = len(self.outcomes)
        writes = sum(o.method == "POST" for o in self.outcomes)
        lines = [
            f"{self.clients} clients, {n} requests ({writes} writes) in {self.wall_seconds:.2f} s: "
            f"{n / self.wall_seconds:.0f} requests/s",
            f"latency p50 {self.percentile(50) * 1000:.0f} ms, p95 {self.percentile(95) * 1000:.0f} ms, "
            f"max {max((o.seconds for o in self.outcomes), default=0) * 1000:.0f} ms",
            f"errors: {len(self.errors)}; 'database is locked' in the server log: "
            f"{sum('database is locked' in e for e in self.server_log_errors)}",
        ]
        by_kind: dict[str, list[float]] = {}
        for o in self.outcomes:
            by_kind.setdefault(o.kind, []).append(o.seconds)
        for kind, times in sorted(by_kind.items()):
            lines.append(f"  {kind:<14} {len(times):4d}  median {statistics.median(times) * 1000:6.0f} ms  "
                         f"max {max(times) * 1000:6.0f} ms")
        for o in self.errors[:10]:
            lines.append(f"  ERROR {o.method} {o.path} -> {o.status}: {o.error}")
        return "\n".join(lines)


def _login(session: requests.Session, base: str, username: str, password: str) -> requests.Response:
    session.get(f"{base}/login/", timeout=60)
    return session.post(f"{base}/login/", data={
        "username": username, "password": password, "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
    }, allow_redirects=False, timeout=60)


def _logged_in(response: requests.Response) -> bool:
    return response.status_code == 302 and "/login/" not in response.headers.get("Location", "")


def discover(base: str, username: str, password: str, *, limit: int = 20) -> Target:
    """Log in once and ask the API what this account may read and do (not timed)."""
    s = requests.Session()
    if not _logged_in(_login(s, base, username, password)):
        raise RuntimeError(f"{username} cannot log in at {base}")
    page = s.get(f"{base}/api/items/", timeout=60).json()
    rows = page.get("results", page if isinstance(page, list) else [])[:limit]
    ids = [row["id"] for row in rows]
    # After closure only the follow-up visit (办后回访) may be recorded.
    kinds = {row["id"]: "after" if row.get("state") == "closed" else "during" for row in rows}
    target = Target(username, password, ids, [], [])
    for item_id in ids:
        for a in s.get(f"{base}/api/items/{item_id}/actions/", timeout=60).json():
            if a["action"] == "post_message":
                target.message_items.append(item_id)
            elif a["action"] == "record_consultation":
                target.consultations.append((item_id, a["assignment"], kinds[item_id]))
    s.post(f"{base}/logout/", data={"csrfmiddlewaretoken": s.cookies.get("csrftoken", "")}, timeout=60)
    return target


class _Client:
    """One browser: its own cookies, logged in as one account, sending its share of the burst."""

    def __init__(self, base: str, target: Target, index: int, share: int, outcomes: list, lock):
        self.base, self.t, self.index, self.share = base, target, index, share
        self.s = requests.Session()
        self.outcomes, self.lock = outcomes, lock
        self.rng = random.Random(index)

    def _send(self, kind, method, path, expect=(200,), **kw) -> requests.Response | None:
        start = time.perf_counter()
        error, status, response = "", 0, None
        try:
            headers = {"X-CSRFToken": self.s.cookies.get("csrftoken", ""), "Referer": self.base + "/"}
            response = self.s.request(method, self.base + path, headers=headers, allow_redirects=False, timeout=120, **kw)
            status = response.status_code
            if status not in expect:
                error = f"expected {expect}, body: {response.text[:200]!r}"
        except requests.RequestException as e:
            error = f"{type(e).__name__}: {e}"
        outcome = Outcome(kind, method, path, status, time.perf_counter() - start, error)
        with self.lock:
            self.outcomes.append(outcome)
        return response

    def _write(self, n: int) -> None:
        t = self.t
        kinds = [k for k, possible in (("message", t.message_items), ("consultation", t.consultations), ("mark_read", True))
                 if possible]
        kind = kinds[(self.index + n) % len(kinds)]
        if kind == "consultation":
            item_id, assignment, kind = self.rng.choice(t.consultations)
            self._send("consultation", "POST", f"/api/items/{item_id}/actions/record_consultation/", json={
                "assignment": assignment, "kind": kind, "form": "phone", "held_on": dt.date.today().isoformat(),
                "participants": f"联络员、提案人（并发测试 {self.index}-{n}）"})
        elif kind == "message":
            item_id = self.rng.choice(t.message_items)
            self._send("message", "POST", f"/api/items/{item_id}/actions/post_message/",
                       json={"body": f"并发测试留言 {self.index}-{n}：请告知办理进展。"})
        else:
            self._send("mark_read", "POST", "/api/notifications/read-all/", expect=(200, 204))

    def run(self, barrier: threading.Barrier) -> None:
        barrier.wait()
        self._send("login_page", "GET", "/login/")
        r = self._send("login", "POST", "/login/", expect=(302,), data={
            "username": self.t.username, "password": self.t.password,
            "csrfmiddlewaretoken": self.s.cookies.get("csrftoken", "")})
        if r is not None and not _logged_in(r):
            with self.lock:
                self.outcomes[-1].error = self.outcomes[-1].error or f"login refused: {r.headers.get('Location')}"
        item = self.rng.choice(self.t.items) if self.t.items else None
        reads = [("todo", "/"), ("item_list", "/items/"), ("item_page", f"/items/{item}/"),
                 ("api_list", "/api/items/"), ("api_detail", f"/api/items/{item}/")]
        if item is None:
            reads = reads[:2] + reads[3:4]
        # A write after every second read, so that writes meet reads and other writes throughout.
        for n in range(self.share - 2):
            if n % 2 == 1:
                self._write(n)
            else:
                kind, path = reads[(n // 2) % len(reads)]
                self._send(kind, "GET", path)


def run_burst(base: str, targets: list[Target], *, clients: int = 50, total: int = 400) -> BurstResult:
    """`clients` threads, each logged in as targets[i % len(targets)], sending `total` requests in all."""
    shares = [total // clients + (1 if i < total % clients else 0) for i in range(clients)]
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)
    workers = [_Client(base.rstrip("/"), targets[i % len(targets)], i, shares[i], outcomes, lock) for i in range(clients)]
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for f in [pool.submit(w.run, barrier) for w in workers]:
            f.result()
    return BurstResult(clients, outcomes, time.perf_counter() - start)


# ---------------------------------------------------------------------------------------------
# The command: a fresh SQLite database with the demo, served as `make run` serves it.
# ---------------------------------------------------------------------------------------------

def _serve_demo(workdir: Path, port: int, server: str, copy_db: str | None = None) -> tuple[subprocess.Popen, Path]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}", "BANLI_MEDIA_ROOT": str(workdir / "media"),
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]), "BANLI_SCAN_EVERY_SECONDS": "0"}
    py = sys.executable
    if copy_db:
        # A demo loaded once before (python -m demo load takes minutes): copied with SQLite's backup API.
        src, dest = sqlite3.connect(copy_db), sqlite3.connect(workdir / "db.sqlite3")
        src.backup(dest)
        src.close()
        dest.close()
    print("migrating and loading the demo into", workdir, flush=True)
    subprocess.run([py, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([py, "-m", "demo", "load", "--if-empty"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    log = workdir / "server.log"
    if server == "gunicorn":
        cmd = [py, "-m", "gunicorn", "banli.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "25"]
    else:
        cmd = [py, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            requests.get(f"http://127.0.0.1:{port}/login/", timeout=2)
            return proc, log
        except requests.RequestException:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError(f"the server did not start; see {log}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", help="a running server (its demo accounts are used); default: serve a fresh demo")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--requests", type=int, default=400)
    p.add_argument("--rounds", type=int, default=1, help="bursts one after the other")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--server", choices=["runserver", "gunicorn"], default="runserver",
                   help="runserver as `make run` serves; gunicorn (2 processes of 25 threads) when it is installed")
    p.add_argument("--copy-db", help="start from a copy of this SQLite database (e.g. a demo loaded before) instead of loading the demo")
    p.add_argument("--accounts", default=",".join(DEMO_ACCOUNTS))
    p.add_argument("--password", default=DEMO_PASSWORD)
    args = p.parse_args(argv)

    proc = log = None
    base = args.url
    tmp = None
    if not base:
        tmp = tempfile.TemporaryDirectory(prefix="banli-burst-")
        proc, log = _serve_demo(Path(tmp.name), args.port, args.server, args.copy_db)
        base = f"http://127.0.0.1:{args.port}"
    failed = 0
    try:
        targets = [discover(base, name, args.password) for name in args.accounts.split(",")]
        for r in range(args.rounds):
            offset = log.stat().st_size if log else 0
            result = run_burst(base, targets, clients=args.clients, total=args.requests)
            if log:
                with log.open(errors="replace") as f:
                    f.seek(offset)
                    result.server_log_errors = [line.strip() for line in f
                                                if re.search(r"database is locked|Traceback|Internal Server Error", line)]
            print(f"round {r + 1} ({args.server if proc else base}):")
            print(result.summary(), flush=True)
            failed += len(result.errors) + len(result.server_log_errors)
    finally:
        if proc:
            proc.terminate()
            proc.wait(10)
        if tmp:
            tmp.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
