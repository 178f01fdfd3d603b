"""The production stack on this machine (issue 16.1, deploy/stack.py), as `make stack-smoke` runs
it: gunicorn with deploy/gunicorn.conf.py, a Celery worker and beat on Redis, nginx with the site
rendered from the production template and a certificate made at start, BANLI_PRODUCTION=1, against
this machine's PostgreSQL and Redis whatever DATABASE_URL says (its own database, banli_stack_smoke,
kept between runs: the first run on a machine loads the demo, a few minutes; later runs take about
40 s). The smoke itself (deploy/smoke.py) goes through the proxy's port only; the steps it must
report are listed below. After the stop no process of the stack is left and the ports are free.

Needs nginx (bin/system-deps), PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379, as the
rest of the suite on PostgreSQL does. Never skipped: without them this fails and says why."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from deploy.processes import free_port, group_alive, port_free

REPO = Path(__file__).resolve().parents[2]
DATABASE = "banli_stack_smoke"
REDIS_DB = "9"  # and 10 for the cache; the suite's other Redis users take 3, 11, 13 and 15

STEPS = [
    "login page 200 over https with HSTS, request id",
    "made by nginx; http answers 301 to https",
    "served by nginx (",  # a static file, with its year-long cache
    "logged in as member1 (Secure session cookie)",
    "shows its title",  # an item page
    "uploaded attachment",
    "sent by nginx (X-Accel-Redirect), bytes equal the stored file; /protected/ is internal",
    "deputy1 (not a reader of item",
    "is refused 413 by nginx",
    "run by the Celery worker",
    "/health/ 200",
]


def _environment() -> dict:
    """The caller's environment without its Banli settings: the stack must not depend on them."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith("BANLI_") and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}


def _command(command: str, https: int, http: int) -> list[str]:
    return [sys.executable, "-m", "deploy.stack", command, "--database", DATABASE, "--https-port", str(https),
            "--http-port", str(http), "--redis-db", REDIS_DB]


def _groups(out: str) -> dict[str, int]:
    return {name: int(pgid) for name, pgid in re.findall(r"stack: started ([\w-]+) \(process group (\d+)", out)}


def _assert_all_gone(out: str, *ports: int) -> None:
    groups = _groups(out)
    assert set(groups) == {"gunicorn", "celery-worker", "celery-beat", "nginx"}, out
    assert [name for name, pgid in groups.items() if group_alive(pgid)] == [], out
    assert all(port_free(p) for p in ports), out
    assert not (REPO / "var" / "stack" / DATABASE / "run" / "gunicorn.sock").exists()


def test_the_stack_serves_through_nginx_and_stops_with_nothing_left():
    https, http = free_port(), free_port()
    started = time.monotonic()
    done = subprocess.run(_command("smoke", https, http), cwd=REPO, env=_environment(), capture_output=True, text=True, timeout=1500)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    missing = [step for step in STEPS if not any(step in line for line in out.splitlines() if line.startswith("smoke: ok"))]
    assert missing == [], out
    smoke = float(re.search(r"smoke: PASSED in ([\d.]+) s", out).group(1))
    assert smoke < 60, out
    _assert_all_gone(out, https, http)
    print(out, f"\n(whole run {time.monotonic() - started:.0f} s)")


def test_stopping_a_running_stack_with_sigterm_leaves_nothing():
    """What systemd, Ctrl-C or a failed smoke do: the stop runs whatever interrupted the stack."""
    https, http = free_port(), free_port()
    proc = subprocess.Popen(_command("run", https, http), cwd=REPO, env=_environment(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("stack: up in") or line.startswith("stack: FAILED"):
                break
        assert any(line.startswith("stack: up in") for line in lines), "".join(lines)
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    out = "".join(lines) + rest
    assert proc.returncode == 0, out
    assert "stack: stopped in" in out and "still there" not in out, out
    _assert_all_gone(out, https, http)


def test_a_port_in_use_is_refused_before_anything_starts():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(_command("smoke", port, free_port()), cwd=REPO, env=_environment(), capture_output=True,
                              text=True, timeout=120)
    out = done.stdout + done.stderr
    assert done.returncode == 1 and f"port {port} is in use" in out, out
    assert "stack: started" not in out, out


def test_a_server_that_is_not_there_is_named_and_nothing_is_left_running():
    done = subprocess.run(_command("smoke", free_port(), free_port()) + ["--redis", "redis://127.0.0.1:1"], cwd=REPO,
                          env=_environment(), capture_output=True, text=True, timeout=120)
    out = done.stdout + done.stderr
    assert done.returncode == 1 and "Redis at redis://127.0.0.1:1 cannot be used" in out, out
    assert "stack: started" not in out, out


def test_the_maintenance_database_is_refused():
    done = subprocess.run([sys.executable, "-m", "deploy.stack", "smoke", "--database", "postgres"], cwd=REPO,
                          env=_environment(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "must be named banli_" in done.stderr, done.stderr
