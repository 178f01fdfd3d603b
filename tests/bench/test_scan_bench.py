"""bench.scan makes and drops a database of its own: it never migrates or fills the database that
DATABASE_URL names (the README's PostgreSQL command names the server's maintenance database)."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _run_scan_bench(database_url: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"}
    out = subprocess.run([sys.executable, "-m", "bench.scan", "--open", "300", "--history", "200"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_the_scan_bench_leaves_the_named_database_alone(tmp_path):
    if connection.vendor == "postgresql":
        server = urlsplit(os.environ["DATABASE_URL"])._replace(scheme="postgresql")
        admin = urlunsplit(server._replace(path="/postgres"))
        name = f"banli_scan_guard_{os.getpid()}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            out = _run_scan_bench(urlunsplit(server._replace(path="/" + name)))
            with psycopg.connect(urlunsplit(server._replace(path="/" + name))) as conn:
                tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
            with psycopg.connect(admin) as conn:
                left = conn.execute("SELECT datname FROM pg_database WHERE datname = 'banli_scan_300'").fetchall()
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        assert tables == 0 and left == []
    else:
        named = tmp_path / "someone.sqlite3"
        named.write_bytes(b"")
        out = _run_scan_bench(f"sqlite:///{named}")
        assert named.read_bytes() == b""
        assert not list((ROOT / "bench" / "out").glob("scan_300.sqlite3*"))
    # The scan ran over its own data: 300 open milestones, some of them reminded.
    line = next(ln for ln in out.splitlines() if ln.split() and ln.split()[0] == "300")
    assert line.split()[1] == "200" and int(line.split()[5]) > 0
