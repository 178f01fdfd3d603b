"""The database away (issue 16.2): /health/ says 503 with the database check failed and reads
nothing else, and /health/live still answers. A process of its own, started against a PostgreSQL
database that does not exist, as a server whose database went away would find it."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import json
from django.test import Client
c = Client()
live, health = c.get("/health/live"), c.get("/health/")
print(json.dumps([live.status_code, health.status_code, json.loads(health.content)]))
"""


def test_a_missing_database_is_a_503_naming_it():
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANLI_")}
    env.update(PYTHONPATH=str(REPO / "src"), DJANGO_SETTINGS_MODULE="banli.settings",
               DATABASE_URL="postgres://postgres@127.0.0.1:5432/banli_no_such_database_here")
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + PROBE], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    live, status, body = json.loads(done.stdout.splitlines()[-1])
    assert (live, status) == (200, 503), done.stderr[-2000:]
    assert body == {"status": "fail", "checks": {"database": {"status": "fail", "message": "数据库无法连接：OperationalError"}}}
