"""What the locust process records while a stage is measured: every request's time by page, its
failures, and the CPU time the server's processes spent (gunicorn's master and workers, and the
PostgreSQL backends serving the load database), plus the TOTP codes a staff login needs.

Plain Python (no locust, no Django), so that the runner and the tests can use it too."""

from __future__ import annotations

import hashlib
import hmac
import struct
import time

import psutil


def totp(key_hex: str, at: float | None = None, *, step: int = 30, digits: int = 6) -> str:
    """The 6-digit code an authenticator app shows for this key (RFC 6238, HMAC-SHA1), as
    django_otp's TOTPDevice checks it (t0 = 0, 30-second steps)."""
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)


def _cpu(proc: psutil.Process, *, reaped: bool = False) -> float:
    try:
        t = proc.cpu_times()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return 0.0
    total = t.user + t.system
    if reaped:  # workers that gunicorn restarted and waited for
        total += t.children_user + t.children_system
    return total


def _backends(database: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend connected to `database` (its process title names it)."""
    out = {}
    for proc in psutil.process_iter(["cmdline"]):
        cmd = " ".join(proc.info.get("cmdline") or ())
        if cmd.startswith("postgres: ") and f" {database} " in f"{cmd} ":
            out[proc.pid] = _cpu(proc)
    return out


class ServerCpu:
    """CPU seconds the server spends over a window: gunicorn (master, its workers, and workers it
    replaced and reaped) and the PostgreSQL backends of the load database. Backends come and go
    (a worker's connection is closed after CONN_MAX_AGE and opened again), so they are sampled
    every second and each counts from its first sighting (or the window's start) to its last: a
    backend that ends between two samples loses at most that second."""

    def __init__(self, gunicorn_pid: int | None, database: str | None):
        self.pid, self.database = gunicorn_pid, database
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}

    def gunicorn(self) -> float:
        if not self.pid:
            return 0.0
        try:
            master = psutil.Process(self.pid)
            return _cpu(master, reaped=True) + sum(_cpu(c) for c in master.children(recursive=True))
        except psutil.NoSuchProcess:
            return 0.0

    def sample(self) -> None:
        if not self.database:
            return
        for pid, cpu in _backends(self.database).items():
            self.first.setdefault(pid, 0.0 if self.started else cpu)
            self.last[pid] = cpu

    def start(self) -> None:
        self.first, self.last, self.started = {}, {}, False
        self.sample()
        self.started = True  # backends first seen from now on started within the window
        self.t0 = {"gunicorn": self.gunicorn(), "locust": _cpu(psutil.Process())}

    def stop(self) -> dict:
        self.sample()
        out = {"gunicorn": self.gunicorn() - self.t0["gunicorn"], "locust": _cpu(psutil.Process()) - self.t0["locust"],
               "postgres": sum(self.last[pid] - self.first[pid] for pid in self.last)}
        return {k: round(v, 3) for k, v in out.items()}


class Recorder:
    """Response times (ms) and failures per request name, only while a stage is measured."""

    def __init__(self):
        self.stage = None  # index of the stage being measured, or None between (ramp-up, settling)
        self.times: dict[str, list[float]] = {}
        self.failures: dict[str, list[str]] = {}
        self.logins: list[float] = []  # every login's time, measured or not
        self.codes = 0  # logins that passed the second step (a TOTP code)
        self.requested: dict[str, int] = {}  # every request of the run by name, measured or not
        self.between: list[tuple[str, str]] = []  # failures while ramping up or settling: errors all the same

    def begin(self, stage: int) -> None:
        self.times, self.failures, self.stage = {}, {}, stage

    def end(self) -> tuple[dict, dict]:
        self.stage = None
        return self.times, self.failures

    def on_request(self, request_type, name, response_time, response_length, exception=None, **kw) -> None:
        self.requested[name] = self.requested.get(name, 0) + 1
        if self.stage is None:
            if exception is not None:
                self.between.append((name, str(exception)[:300]))
            return
        self.times.setdefault(name, []).append(response_time)
        if exception is not None:
            msgs = self.failures.setdefault(name, [])
            msgs.append(str(exception)[:300])
