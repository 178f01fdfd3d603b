"""The local stack's processes (deploy/stack.py): each started in a process group of its own, so
that stopping it stops everything it started (gunicorn's workers, celery's pool) and nothing else;
and the small waits the start needs (a port that answers, a socket that accepts)."""

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path


class StackError(Exception):
    """The stack could not start or stop as it should; the message says what to look at."""


@dataclass
class Service:
    name: str
    argv: list[str]
    log: Path
    stop_signal: int = signal.SIGTERM
    extra_env: dict = field(default_factory=dict)
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self, env: dict, cwd: Path) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            # A new session: the process leads its own group, which stop() signals as a whole.
            self.process = subprocess.Popen(self.argv, env=env | self.extra_env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)

    @property
    def pgid(self) -> int | None:
        return self.process.pid if self.process else None

    def check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise StackError(f"{self.name} exited with status {self.process.returncode}; its log: {self.log}\n{tail(self.log)}")

    def stop(self, grace: float) -> None:
        """The service's own graceful stop signal to the whole group, then SIGKILL to what is left."""
        if self.process is None:
            return
        _signal_group(self.pgid, self.stop_signal)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and group_alive(self.pgid):
            self.process.poll()
            time.sleep(0.1)
        if group_alive(self.pgid):
            _signal_group(self.pgid, signal.SIGKILL)
            for _ in range(50):
                if not group_alive(self.pgid):
                    break
                time.sleep(0.1)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def group_alive(pgid: int | None) -> bool:
    """Whether any process of the group is still there (zombies of our own children excepted)."""
    if pgid is None:
        return False
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        state, process_group = fields[0], int(fields[2])
        if process_group == pgid and state != "Z":
            return True
    return False


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(what: str, ready, *, timeout: float, services=()) -> None:
    """Poll `ready()` until true; a service that died meanwhile is reported at once, with its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for s in services:
            s.check_alive()
        if ready():
            return
        time.sleep(0.2)
    raise StackError(f"{what} not ready after {timeout:.0f} s")


def accepts(address) -> bool:
    family = socket.AF_UNIX if isinstance(address, str) else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(1)
        try:
            s.connect(address)
        except OSError:
            return False
    return True


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
