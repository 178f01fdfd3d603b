"""The production stack on this machine (issue 16.1): `make stack` and `make stack-smoke`.

    python -m deploy.stack run   [--https-port 8443] [--http-port 8080] [--database banli_stack]
    python -m deploy.stack smoke [same options]   start, run deploy/smoke.py through nginx, stop

It starts what a server runs, from the same files: gunicorn with deploy/gunicorn.conf.py, a Celery
worker and beat on Redis, nginx with the site rendered from deploy/nginx/banli.conf.template (by
deploy/render.py, as an operator renders it), with BANLI_PRODUCTION=1, BANLI_SENDFILE=nginx and the
cache on Redis, against the machine's PostgreSQL (its own database, created if missing; never the
maintenance database, and never DATABASE_URL's) and Redis (database numbers the tests do not use).
A self-signed certificate is made at each start, so https, Secure cookies and HSTS are as in
production. Two-factor stays required as in production: the demo's members and deputies may log in
with the password alone; office and unit staff are asked to enrol a phone (--no-2fa turns that off).

Each process runs in a process group of its own; stopping sends each group its graceful signal,
then SIGKILL, and checks that the ports are free again. State that outlives a run (the media files
that belong to the database, the secret key, beat's schedule, the logs) is in var/stack/<database>/."""

import argparse
import fcntl
import hashlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from deploy.processes import Service, StackError, accepts, group_alive, port_free, tail, wait_until
from deploy.tls import self_signed

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# The tests use Redis databases 3, 11, 13 and 15 (tests/portal, bench/load, tests/observe,
# tests/deadlines); the stack takes 7 and 8 (`make stack`) or two others given on the command line.
DEFAULT_REDIS_DB = 7


@dataclass
class StackConfig:
    https_port: int = 8443
    http_port: int = 8080
    database: str = "banli_stack"
    postgres: str = "postgres://postgres@127.0.0.1:5432"
    redis: str = "redis://127.0.0.1:6379"
    redis_db: int = DEFAULT_REDIS_DB  # the broker and results; the cache is the next one
    workers: int = 2
    two_factor: bool = True
    state: Path = field(default=None)

    def __post_init__(self):
        # Its own database only: a name that cannot be the maintenance database or a template.
        if not re.fullmatch(r"banli_[a-z0-9_]{1,40}", self.database):
            raise StackError(f"the stack's database must be named banli_<letters, digits or _>, not {self.database!r}")
        self.state = Path(self.state or REPO / "var" / "stack" / self.database)

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def broker(self) -> str:
        return f"{self.redis}/{self.redis_db}"


class Stack:
    def __init__(self, config: StackConfig, *, say=print):
        self.config = config
        self.say = say
        c = config
        self.run_dir, self.logs, self.media = c.state / "run", c.state / "logs", c.state / "media"
        self.socket = self.run_dir / "gunicorn.sock"
        self.services: list[Service] = []
        self._lock = None

    # --- start ---------------------------------------------------------------------------------

    def start(self) -> None:
        c = self.config
        started = time.monotonic()
        self._take_lock()
        for port in (c.https_port, c.http_port):
            if not port_free(port):
                raise StackError(f"port {port} is in use; choose others with --https-port / --http-port")
        shutil.rmtree(self.run_dir, ignore_errors=True)
        for d in (self.run_dir, self.run_dir / "metrics", self.logs, self.media):
            d.mkdir(parents=True, exist_ok=True)
        for log in self.logs.glob("*.log"):  # this run's logs alone; the previous run's stay as .log.1
            log.replace(log.with_suffix(".log.1"))
        self.env = self._environment()
        self._database()
        self._redis()
        # collectstatic first: with hashed names, loading the URLs (migrate's checks do) reads its manifest.
        self._collectstatic()
        self._manage("migrate", "--noinput", "-v0")
        self._run([PY, "-m", "demo", "load", "--if-empty"], "demo data")
        self.cert, self.key = self_signed(self.run_dir / "tls")
        self._render_nginx()
        py_services = [
            # The workers' metrics files (banli.observe.metrics), in a folder emptied at each start as the unit does.
            Service("gunicorn", [PY, "-m", "gunicorn", "-c", str(REPO / "deploy" / "gunicorn.conf.py")], self.logs / "gunicorn.log",
                    extra_env={"PROMETHEUS_MULTIPROC_DIR": str(self.run_dir / "metrics")}),
            Service("celery-worker", [PY, "-m", "celery", "-A", "banli", "worker", "-l", "INFO", "--concurrency", "1",
                                      "-n", f"{c.database}@%h", "--without-gossip", "--without-mingle"], self.logs / "worker.log"),
            Service("celery-beat", [PY, "-m", "celery", "-A", "banli", "beat", "-l", "INFO", "-s", str(c.state / "celerybeat-schedule"),
                                    "--pidfile", str(self.run_dir / "beat.pid")], self.logs / "beat.log"),
        ]
        nginx = Service("nginx", [NGINX, "-p", str(self.run_dir), "-c", str(self.run_dir / "nginx.conf"), "-e",
                                  str(self.logs / "nginx-error.log"), "-g", "daemon off;"], self.logs / "nginx.log",
                        stop_signal=signal.SIGQUIT)  # QUIT: finish the requests under way, then stop
        for s in py_services + [nginx]:
            s.start(self.env, REPO)
            self.services.append(s)
            self.say(f"stack: started {s.name} (process group {s.pgid}, log {s.log.name})")
        wait_until("gunicorn", lambda: accepts(str(self.socket)), timeout=90, services=self.services)
        wait_until("nginx", lambda: accepts(("127.0.0.1", c.https_port)), timeout=30, services=self.services)
        wait_until("the Celery worker", lambda: b" ready." in (self.logs / "worker.log").read_bytes(),
                   timeout=90, services=self.services)
        self.say(f"stack: up in {time.monotonic() - started:.1f} s at {c.base_url}/ (database {c.database}, Redis {c.broker})")

    def _take_lock(self) -> None:
        self.config.state.mkdir(parents=True, exist_ok=True)
        self._lock = (self.config.state / "lock").open("w")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StackError(f"another stack runs on database {self.config.database} ({self.config.state}); stop it first") from None

    def _environment(self) -> dict:
        c = self.config
        key_file = c.state / "secret_key"
        if not key_file.exists():
            key_file.touch(mode=0o600)
            key_file.write_text(secrets.token_urlsafe(50))
        # Nothing of the caller's Banli settings or DATABASE_URL: the stack is configured here only.
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("BANLI_") and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
        env.update({
            "PYTHONPATH": f"{REPO / 'src'}:{REPO}",
            "DJANGO_SETTINGS_MODULE": "banli.settings",
            "DATABASE_URL": f"{c.postgres}/{c.database}",
            "BANLI_PRODUCTION": "1",
            "BANLI_SECRET_KEY": key_file.read_text().strip(),
            # The address only, not "localhost": browsers keep HSTS for a name but never for an IP
            # address, and a year of HSTS on localhost would turn `make run`'s http://localhost:8000 into https.
            "BANLI_ALLOWED_HOSTS": "127.0.0.1",
            "BANLI_SITE_URL": c.base_url,
            "BANLI_SENDFILE": "nginx",
            "BANLI_STATIC_HASHED": "1",
            "BANLI_CELERY_BROKER": c.broker,
            "BANLI_CACHE": f"{c.redis}/{c.redis_db + 1}",
            "BANLI_MEDIA_ROOT": str(self.media),
            "BANLI_EMAIL_FILE_PATH": str(c.state / "mail"),
            "BANLI_2FA_REQUIRED": "1" if c.two_factor else "0",
            "BANLI_BIND": f"unix:{self.socket}",
            "BANLI_WORKERS": str(c.workers),
            "BANLI_LOG_LEVEL": "INFO",
        })
        return env

    def _database(self) -> None:
        import psycopg

        c = self.config
        try:
            with psycopg.connect(f"{c.postgres}/postgres", autocommit=True, connect_timeout=10) as conn:
                if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [c.database]).fetchone():
                    conn.execute(f'CREATE DATABASE "{c.database}"')
                    self.say(f"stack: created database {c.database}")
        except psycopg.OperationalError as e:
            raise StackError(f"PostgreSQL at {c.postgres} cannot be used ({e}); --postgres or STACK_POSTGRES names another") from None

    def _redis(self) -> None:
        import redis

        try:
            redis.Redis.from_url(self.config.broker, socket_connect_timeout=5).ping()
        except redis.RedisError as e:
            raise StackError(f"Redis at {self.config.redis} cannot be used ({e}); --redis or STACK_REDIS names another") from None

    def _collectstatic(self) -> None:
        """Hashing and compressing every file takes a minute or two on a busy 2-core machine: skipped
        when neither the project's static files nor the installed packages (the lock) changed since."""
        stamp = REPO / "staticfiles" / ".stack-fingerprint"
        digest = hashlib.sha256((REPO / "requirements.lock").read_bytes())
        for p in sorted(p for p in (REPO / "src").rglob("*") if "static" in p.parts and p.is_file()):
            st = p.stat()
            digest.update(f"{p}:{st.st_size}:{st.st_mtime_ns}\n".encode())
        fingerprint = digest.hexdigest()
        if (REPO / "staticfiles" / "staticfiles.json").exists() and stamp.exists() and stamp.read_text() == fingerprint:
            self.say("stack: static files unchanged since the last collectstatic")
            return
        self._manage("collectstatic", "--noinput", "-v0")
        stamp.write_text(fingerprint)

    def _manage(self, *args: str) -> None:
        self._run([PY, "manage.py", *args], f"manage.py {args[0]}")

    def _run(self, argv: list[str], what: str) -> None:
        t = time.monotonic()
        log = self.logs / "setup.log"
        with log.open("ab") as out:
            done = subprocess.run(argv, env=self.env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        if done.returncode:
            raise StackError(f"{what} failed (status {done.returncode}); its log: {log}\n{tail(log)}")
        self.say(f"stack: {what} ({time.monotonic() - t:.1f} s)")

    def _render_nginx(self) -> None:
        c = self.config
        site = self.run_dir / "banli.conf"
        self._run([PY, "-m", "deploy.render", "nginx", "--server-name", "127.0.0.1", "--certificate", str(self.cert),
                   "--certificate-key", str(self.key), "--upstream", f"unix:{self.socket}", "--https-port", str(c.https_port),
                   "--http-port", str(c.http_port), "--address", "127.0.0.1", "--access-log", str(self.logs / "nginx-access.log"),
                   "--output", str(site)], "nginx site rendered")
        # Run as this user: the workers of a root master would otherwise be `nobody`.
        user = "user root;" if os.geteuid() == 0 else ""
        temp = "\n".join(f"    {kind}_temp_path {self.run_dir / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (self.run_dir / "nginx.conf").write_text(f"""# The local stack's nginx (deploy/stack.py); the site is the production template, rendered.
{user}
worker_processes 1;
pid {self.run_dir / 'nginx.pid'};
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
{temp}
    error_log {self.logs / 'nginx-error.log'} warn;
    include {site};
}}
""")
        check = subprocess.run([NGINX, "-t", "-q", "-p", str(self.run_dir), "-c", str(self.run_dir / "nginx.conf"), "-e",
                                str(self.logs / "nginx-error.log")], capture_output=True, text=True)
        if check.returncode:
            raise StackError(f"nginx refused the rendered configuration:\n{check.stderr}")

    # --- stop ----------------------------------------------------------------------------------

    def stop(self) -> list[str]:
        """Stop every service (the proxy first, so nothing new comes in); what is still there after."""
        grace = {"nginx": 10, "gunicorn": 35, "celery-worker": 30, "celery-beat": 10}
        t = time.monotonic()
        for s in reversed(self.services):
            took = time.monotonic()
            s.stop(grace.get(s.name, 10))
            self.say(f"stack: {s.name} stopped ({time.monotonic() - took:.1f} s)")
        left = [f"{s.name} (group {s.pgid})" for s in self.services if group_alive(s.pgid)]
        left += [f"port {p}" for p in (self.config.https_port, self.config.http_port) if not port_free(p)]
        if self.socket.exists():
            self.socket.unlink()
        self.say(f"stack: stopped in {time.monotonic() - t:.1f} s" + (f"; still there: {', '.join(left)}" if left else ""))
        if self._lock:
            self._lock.close()
            self._lock = None
        return left


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m deploy.stack", description="Banli's production stack on this machine.")
    p.add_argument("command", choices=["run", "smoke"], help="run: until Ctrl-C; smoke: start, smoke test, stop")
    p.add_argument("--https-port", type=int, default=int(os.environ.get("STACK_HTTPS_PORT", 8443)))
    p.add_argument("--http-port", type=int, default=int(os.environ.get("STACK_HTTP_PORT", 8080)))
    p.add_argument("--database", default=os.environ.get("STACK_DATABASE", "banli_stack"))
    p.add_argument("--postgres", default=os.environ.get("STACK_POSTGRES", StackConfig.postgres),
                   help="the PostgreSQL server, without a database name (default: %(default)s)")
    p.add_argument("--redis", default=os.environ.get("STACK_REDIS", StackConfig.redis), help="the Redis server (default: %(default)s)")
    p.add_argument("--redis-db", type=int, default=DEFAULT_REDIS_DB, help="broker and results; the cache uses the next one")
    p.add_argument("--no-2fa", action="store_true", help="staff may log in without a second factor (as `make run`)")
    return p


def _stop_on_term(signum, frame):
    raise KeyboardInterrupt  # SIGTERM stops the stack the way Ctrl-C does: through the finally below


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_term)
    try:
        config = StackConfig(https_port=args.https_port, http_port=args.http_port, database=args.database,
                             postgres=args.postgres.rstrip("/"), redis=args.redis.rstrip("/"), redis_db=args.redis_db,
                             two_factor=not args.no_2fa)
    except StackError as e:
        print(f"stack: {e}", file=sys.stderr)
        return 2
    stack = Stack(config)
    status = 1
    try:
        stack.start()
        if args.command == "smoke":
            from deploy.smoke import run_smoke

            run_smoke(stack)
            status = 0
        else:
            print(f"\nBanli (production settings) at {config.base_url}/  -- Ctrl-C stops everything.\n"
                  f"  demo accounts: `make run`'s (password banli-demo); staff accounts enrol a second factor"
                  f"{' (off: --no-2fa)' if config.two_factor else ''}\n  logs: {stack.logs}/")
            signal.pause()
    except KeyboardInterrupt:
        status = 0 if args.command == "run" else 1
    except (StackError, AssertionError) as e:
        print(f"stack: FAILED: {e}", file=sys.stderr)
        # What CI shows of a failure: the ends of the logs (all of them are in var/stack/<database>/logs).
        for name in ("gunicorn.log", "worker.log", "nginx-error.log"):
            if (stack.logs / name).exists():
                print(f"--- {stack.logs / name} (end)\n{tail(stack.logs / name, 15)}", file=sys.stderr)
    finally:
        left = stack.stop()
        if left:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
