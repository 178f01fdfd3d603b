"""A worker answers its first request warm (issue 16: the first request of each gunicorn worker
cost 0.7-0.8 s): importing banli.wsgi loads the URL configuration with every view, both languages'
catalogues and reverse tables, and compiles every template, without opening a database
connection (gunicorn's preload_app forks the workers after it, and a connection must not cross a
fork). Each case runs in a fresh Python process, as a worker starts."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import gc, json, sys, time
import banli.wsgi
frozen = gc.get_freeze_count()
from django.db import connections
from django.template import engines
from django.utils.translation import trans_real
opened = [alias for alias in connections if connections[alias].connection is not None]
before = set(sys.modules)
from django.test import Client
client = Client()
before |= set(sys.modules) - before  # the test client's own modules are not the application's
t0 = time.process_time()
response = client.get("/login/")
cpu_ms = (time.process_time() - t0) * 1000
loader = engines["django"].engine.template_loaders[0]
print(json.dumps({
    "status": response.status_code, "opened": opened, "cpu_ms": cpu_ms,
    "imported": sorted(set(sys.modules) - before),
    "catalogues": sorted(trans_real._translations),
    "cached_templates": len(loader.get_template_cache),
    "warmed": getattr(banli.wsgi, "warmed", None), "frozen": frozen,
}))
"""


def probe(tmp_path, **env):
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "BANLI_DEBUG": "0",
                   # a database that does not exist: importing the application must not need one
                   "DATABASE_URL": f"sqlite:///{tmp_path / 'absent.sqlite3'}", **env}
    out = subprocess.run([sys.executable, "-c", PROBE], env=environment, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_fresh_worker_answers_its_first_page_without_importing_or_compiling(tmp_path):
    got = probe(tmp_path)
    assert got["status"] == 200
    assert got["opened"] == []  # no connection made before the fork
    assert not (tmp_path / "absent.sqlite3").exists()
    assert got["imported"] == []  # every module the page needs was imported by the warm-up
    assert {"zh-hans", "en"} <= set(got["catalogues"])
    templates = [p for p in (ROOT / "src").rglob("*") if "templates" in p.parts and p.is_file() and p.suffix in (".html", ".txt", ".xml", ".js")]
    assert got["warmed"]["template_errors"] == 0
    assert got["cached_templates"] >= len(templates) > 80  # Banli's own and the installed apps' (admin, DRF)
    assert got["warmed"]["languages"] == 2
    # What the warm-up loaded is out of the garbage collector's walks (and of copy-on-write after a fork).
    assert got["frozen"] > 100_000


def test_without_the_warm_up_the_first_request_pays_for_it(tmp_path):
    got = probe(tmp_path, BANLI_WARM="0")
    assert got["status"] == 200
    assert got["warmed"] is None and got["frozen"] == 0
    # The URL configuration's imports (views, DRF, openpyxl, ...) fall on the first request.
    assert len(got["imported"]) > 100
    assert "banli.web.views.items" in got["imported"]
