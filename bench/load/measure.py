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


def server_cpu(gunicorn_pid: int | None, database: str | None) -> dict:
    """CPU seconds so far of gunicorn (master, its workers, and workers already gone) and of the
    PostgreSQL backends connected to `database` (found by their process title, which names it)."""
    out = {"gunicorn": 0.0, "postgres": 0.0}
    if gunicorn_pid:
        try:
            master = psutil.Process(gunicorn_pid)
            out["gunicorn"] = _cpu(master, reaped=True) + sum(_cpu(c) for c in master.children(recursive=True))
        except psutil.NoSuchProcess:
            pass
    if database:
        for proc in psutil.process_iter(["name", "cmdline"]):
            cmd = " ".join(proc.info.get("cmdline") or ())
            if cmd.startswith("postgres: ") and f" {database} " in f"{cmd} ":
                out["postgres"] += _cpu(proc)
    out["locust"] = _cpu(psutil.Process())
    return {k: round(v, 3) for k, v in out.items()}


class Recorder:
    """Response times (ms) and failures per request name, only while a stage is measured."""

    def __init__(self):
        self.stage = None  # index of the stage being measured, or None between (ramp-up, settling)
        self.times: dict[str, list[float]] = {}
        self.failures: dict[str, list[str]] = {}
        self.logins: list[float] = []  # every login's time, measured or not
        self.between: list[tuple[str, str]] = []  # failures while ramping up or settling: errors all the same

    def begin(self, stage: int) -> None:
        self.times, self.failures, self.stage = {}, {}, stage

    def end(self) -> tuple[dict, dict]:
        self.stage = None
        return self.times, self.failures

    def on_request(self, request_type, name, response_time, response_length, exception=None, **kw) -> None:
        if self.stage is None:
            if exception is not None:
                self.between.append((name, str(exception)[:300]))
            return
        self.times.setdefault(name, []).append(response_time)
        if exception is not None:
            msgs = self.failures.setdefault(name, [])
            msgs.append(str(exception)[:300])
