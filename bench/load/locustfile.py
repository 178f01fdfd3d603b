"""The load test's users, one class per role (bench.load.roles), and the stages they run in.

Run by bench.load.runner as `locust -f bench/load/locustfile.py --headless`, with the plan (a JSON
file named by BANLI_LOAD_PLAN: stages, seconds, think time, the accounts that bench.load.prepare
found, where to write the results). Not meant to be started by hand; see `python -m bench.load`.

Each user logs in through the login page like a browser (the password, then for staff the TOTP
code computed from the generator's key), then, with a think time between requests, reads its
role's pages and now and then writes a step through the item page's form (CSRF token and all),
following the redirect back to the item page. The requests carry what the reverse proxy would
add (X-Forwarded-Proto: https, X-Forwarded-For), since gunicorn runs with production settings.

The stages: the shape raises the users to each stage's count, waits until all have logged in and
then `settle` seconds, then measures for `seconds`: every request's time by page, its failures,
and the server's CPU time (bench.load.measure), written to the plan's `out` file after each stage.
A probe requests the trivial endpoint once a second throughout, as the baseline."""

from __future__ import annotations

import copy
import functools
import json
import os
import random
import time
import uuid
from itertools import count
from pathlib import Path

import gevent
from gevent.lock import Semaphore
from locust import HttpUser, LoadTestShape, events, task
from locust.clients import HttpSession

from bench.load.measure import Recorder, ServerCpu, totp
from bench.load.roles import BASELINE, ITEM, ROLES, WRITE_SHARE, write_form

PLAN = json.loads(Path(os.environ["BANLI_LOAD_PLAN"]).read_text())
DATA = json.loads(Path(PLAN["accounts"]).read_text())
REC = Recorder()
LOGINS: dict[str, dict] = {}  # username -> {"lock", "cookies"}: one login per account, shared by its users
LOGGED_IN = [0]  # users past on_start
SEQ = count(1)


@events.request.add_listener
def _record(**kw):
    REC.on_request(**kw)


def _proxy_headers(host: str, n: int) -> dict:
    """What the reverse proxy in front of gunicorn would add: the scheme (TLS ends there), the
    client's address, and the browser's same-origin Referer (checked by CSRF on https)."""
    return {"X-Forwarded-Proto": "https", "X-Forwarded-For": f"10.16.{n // 250}.{n % 250 + 1}",
            "Referer": f"https://{host.split('://', 1)[-1].rstrip('/')}/"}


class RoleUser(HttpUser):
    abstract = True
    role = ""
    _next_account: dict[str, int] = {}

    def wait_time(self):
        return random.uniform(*PLAN["think"])

    def on_start(self):
        accounts = DATA["accounts"][self.role]
        k = RoleUser._next_account.get(self.role, 0)
        RoleUser._next_account[self.role] = k + 1
        self.account = accounts[k % len(accounts)]
        self.n = next(SEQ)
        self.client.headers.update(_proxy_headers(self.host, self.n))
        # An answer slower than the proxy waits (nginx's proxy_read_timeout) is a 504 for the person.
        self.client.request = functools.partial(self.client.request, timeout=PLAN["timeout"])
        self._login()
        spec = ROLES[self.role]
        self.pages = [(name, path) for name, path, _ in spec["pages"]]
        self.weights = [w for _, _, w in spec["pages"]]
        self.writes = [w for w in self.account["writes"] if w["action"] in spec["writes"]]
        if PLAN.get("cover"):
            # A short run (the test's): every page and each kind of write once before the user counts
            # as ready, so that the run sees them all whatever the machine's speed.
            for name, path in self.pages:
                self._read(name, path)
            for kind in sorted({w["action"] for w in self.writes}):
                self._write(random.choice([w for w in self.writes if w["action"] == kind]))
        LOGGED_IN[0] += 1

    def on_stop(self):
        LOGGED_IN[0] -= 1

    # -- logging in ------------------------------------------------------------------------------

    def _login(self):
        username = self.account["username"]
        shared = LOGINS.setdefault(username, {"lock": Semaphore(), "cookies": None})
        with shared["lock"]:
            if shared["cookies"] is None:
                self._login_steps(username)
                shared["cookies"] = [copy.copy(c) for c in self.client.cookies]
            else:
                for c in shared["cookies"]:  # a second tab of the same person
                    self.client.cookies.set_cookie(copy.copy(c))

    def _login_steps(self, username):
        name = f"{self.role}: login"
        started = time.perf_counter()
        self.client.get("/login/", name=name)
        with self.client.post("/login/", name=name, allow_redirects=False, catch_response=True, data={
                "username": username, "password": DATA["password"], "csrfmiddlewaretoken": self._csrf()}) as r:
            where = r.headers.get("Location", "")
            if r.status_code != 302 or where.startswith("/login/?") or where == "/login/":
                r.failure(f"password step of {username}: {r.status_code} {where}")
                return
        if where.startswith("/login/verify/"):
            for attempt in range(3):
                with self.client.post("/login/verify/", name=name, allow_redirects=False, catch_response=True, data={
                        "otp_token": totp(DATA["totp_key"]), "csrfmiddlewaretoken": self._csrf()}) as r:
                    if r.status_code == 302:
                        REC.codes += 1
                        break
                    if attempt < 2:
                        r.success()  # this 30-second code was spent already (one code, one login): wait for the next
                    else:
                        r.failure(f"second step of {username}: {r.status_code}")
                        return
                gevent.sleep(30.5 - time.time() % 30)
        REC.logins.append((time.perf_counter() - started) * 1000)

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    # -- reading and writing ---------------------------------------------------------------------

    def _path(self, path: str) -> str:
        return path.format(item=random.choice(self.account["items"]) if self.account["items"] else 0,
                           session=DATA["session"], category=DATA["category"])

    def _read(self, name, path):
        if path == ITEM and not self.account["items"]:
            return
        with self.client.get(self._path(path), name=f"{self.role}: {name}", allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} {r.headers.get('Location', '')}")

    def _write(self, w):
        data = {**write_form(w["action"], self.n), "csrfmiddlewaretoken": self._csrf(), "idempotency_key": uuid.uuid4().hex}
        if w.get("assignment"):
            data["assignment"] = w["assignment"]
        with self.client.post(f"/items/{w['item']}/do/{w['action']}/", data=data, name=f"{self.role}: write {w['action']}",
                              allow_redirects=False, catch_response=True) as r:
            where = r.headers.get("Location", "")
            if r.status_code != 302 or "/login/" in where:
                r.failure(f"{r.status_code} {where} {r.text[:200]!r}")
                return
        with self.client.get(where, name=f"{self.role}: item", allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} after {w['action']}")

    @task
    def step(self):
        if self.writes and random.random() < WRITE_SHARE:
            self._write(random.choice(self.writes))
        else:
            self._read(*random.choices(self.pages, weights=self.weights)[0])


def _role_class(role: str, spec: dict) -> type:
    name = "".join(w.capitalize() for w in role.split()) + "User"
    # --even (the test's few users): one user of each role in turn, whatever the shares.
    weight = 1 if PLAN.get("even") else spec["share"]
    return type(name, (RoleUser,), {"role": role, "weight": weight, "__module__": __name__})


for _role, _spec in ROLES.items():
    _cls = _role_class(_role, _spec)
    globals()[_cls.__name__] = _cls
del _cls  # locust takes every User class it finds in the module: once each


# -- the baseline probe and the stages -------------------------------------------------------------

def _probe(environment):
    """The trivial endpoint, once a second from start to end, each request on its own greenlet
    (open loop: a slow answer does not delay the next probe): the floor the pages are compared to."""
    session = HttpSession(environment.host, environment.events.request, None)
    session.headers.update(_proxy_headers(environment.host, 0))

    def once():
        with session.get(PLAN["baseline"], name=BASELINE, allow_redirects=False, catch_response=True, timeout=PLAN["timeout"]) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")

    while True:
        gevent.spawn(once)
        gevent.sleep(1.0)


@events.test_start.add_listener
def _start_probe(environment, **kw):
    gevent.spawn(_probe, environment)


class Stages(LoadTestShape):
    """Up to each stage's users, wait for their logins, settle, measure; then the next stage."""

    def __init__(self):
        super().__init__()
        self.stage, self.phase, self.since, self.results = 0, "ramp", time.monotonic(), []
        self.cpu = ServerCpu(PLAN.get("gunicorn_pid"), PLAN.get("database"))

    def tick(self):
        if self.stage >= len(PLAN["stages"]):
            return None
        users = PLAN["stages"][self.stage]
        now = time.monotonic()
        if self.phase == "ramp":
            ready = self.runner.user_count >= users and LOGGED_IN[0] >= users
            if ready or now - self.since > PLAN["ramp_timeout"]:
                self.ramp_seconds, self.ramp_complete = now - self.since, ready
                self.phase, self.since = "settle", now
        elif self.phase == "settle" and now - self.since >= PLAN["settle"]:
            self.phase, self.since = "measure", now
            self.cpu.start()
            REC.begin(self.stage)
        elif self.phase == "measure" and now - self.since < PLAN["seconds"]:
            self.cpu.sample()  # tick() runs every second
        elif self.phase == "measure":
            self._finish_stage(users, now)
            self.stage, self.phase, self.since = self.stage + 1, "ramp", now
            return self.tick()
        return users, PLAN["spawn_rate"]

    def _finish_stage(self, users, now):
        times, failures = REC.end()
        self.results.append({
            "users": users, "seconds": round(now - self.since, 2), "ramp_seconds": round(self.ramp_seconds, 1),
            "ramp_complete": self.ramp_complete, "logged_in": LOGGED_IN[0],
            "cpu": self.cpu.stop(),
            "times": times, "failures": failures,
            "between_failures": REC.between[:], "logins": REC.logins[:], "logins_with_code": REC.codes,
            "requested": dict(REC.requested),
        })
        REC.between.clear()
        Path(PLAN["out"]).write_text(json.dumps(self.results, ensure_ascii=False))
