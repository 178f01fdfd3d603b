"""Copying the database out and back in, per engine.

SQLite: the online backup API (sqlite3.Connection.backup). Out, it copies every page from one read
transaction, so the copy is consistent while the application goes on writing (WAL: the writers are
not held up). In, it copies the backup's pages into the live database under its write lock:
connections that are open meanwhile wait (busy timeout) and then see the restored content, so
the application need not be stopped, though no one should be working in it.

PostgreSQL: pg_dump --format=custom out (one consistent snapshot, the application keeps running);
pg_restore --clean --if-exists --no-owner --single-transaction in, so the restore happens whole or
not at all. Its DROP TABLEs wait for any transaction open on those tables (idle connections do not
hold them up). The client programs come from the postgresql-client package and must be of the
server's major version or newer."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections

from .archive import refused


def dump(alias: str, dest: Path) -> None:
    conn = connections[alias]
    if conn.vendor == "sqlite":
        source = _sqlite_source(alias)
        try:
            _sqlite_copy(source, dest)
        finally:
            source.close()
    else:
        _pg(alias, "pg_dump", ["--format=custom", "--no-password", f"--file={dest}"])


def check(alias: str, path: Path) -> None:
    """Refuse a database file that is damaged (before anything is overwritten with it)."""
    if connections[alias].vendor == "sqlite":
        c = sqlite3.connect(path)
        try:
            result = c.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as e:
            result = str(e)
        finally:
            c.close()
        if result != "ok":
            raise refused("damaged", f"备份中的数据库文件已损坏：{result}", f"The database in the backup is damaged: {result}")
    else:
        _pg(alias, "pg_restore", ["--list", str(path)], quiet=True)


def load(alias: str, src: Path) -> None:
    conn = connections[alias]
    if conn.vendor == "sqlite":
        if conn.in_atomic_block:
            raise refused("in_transaction", "不能在事务中恢复数据库。", "Cannot restore inside a transaction.")
        conn.ensure_connection()
        # Into Django's own connection: it has the busy timeout, and this process's next query
        # sees the restored pages.
        source = sqlite3.connect(src)
        try:
            source.backup(conn.connection)
        finally:
            source.close()
    else:
        # Our own idle connection would not block pg_restore; closing it spares a stale one after.
        conn.close()
        _pg(alias, "pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                                  "--exit-on-error", "--no-password", str(src)], database=True)
    conn.close()


def display_name(alias: str) -> str:
    """The database as the manifest names it (never with a password)."""
    s = connections[alias].settings_dict
    if connections[alias].vendor == "sqlite":
        return str(s["NAME"])
    return f"{s.get('USER') or ''}@{s.get('HOST') or 'localhost'}:{s.get('PORT') or 5432}/{s['NAME']}"


def _sqlite_source(alias: str) -> sqlite3.Connection:
    """A connection of our own, not Django's: it reads the last committed state (WAL: without
    waiting for a writer), even when the caller's connection is inside a transaction."""
    s = connections[alias].settings_dict
    return sqlite3.connect(f"file:{s['NAME']}?mode=ro", uri=True, timeout=float(s.get("OPTIONS", {}).get("timeout", 5)))


def _sqlite_copy(source: sqlite3.Connection, dest: Path) -> None:
    target = sqlite3.connect(dest)
    try:
        source.backup(target)
        # The copy is a file on its own: no -wal or -shm beside it to lose.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()


def _pg_env(alias: str) -> dict:
    s = connections[alias].settings_dict
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if s.get(key):
            env[var] = str(s[key])
    options = s.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = options["sslmode"]
    env["PGDATABASE"] = s["NAME"]
    return env


def _pg(alias: str, program: str, args: list[str], *, quiet: bool = False, database: bool = False) -> None:
    if shutil.which(program) is None:
        raise refused("no_client", f"找不到 {program}：请安装 postgresql-client（与数据库服务器同一大版本或更新）。",
                      f"{program} not found: install postgresql-client (the server's major version or newer).")
    env = _pg_env(alias)
    if database:
        args = [f"--dbname={env['PGDATABASE']}", *args]
    done = subprocess.run([program, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()[-2000:]
        raise refused("pg_failed", f"{program} 执行失败：{detail}", f"{program} failed: {detail}")
