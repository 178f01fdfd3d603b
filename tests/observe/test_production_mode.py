"""Production mode and the probes (issue 16.2): the health endpoints and /metrics answer on plain
http on the machine itself, where every other address is redirected to https; a metrics directory
that is not there stops the process at start rather than failing every request."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
KEY = "k3y-" + "Zq8vN2rT5wXy7bC1dF4gH6jK9mP0sL3u" * 2


PROBE = """
from django.test import Client
c = Client(HTTP_HOST="banli.example.gov.cn")
print(c.get("/health/live").status_code, c.get("/login/").status_code, c.get("/health/live", secure=True).status_code)
"""


def test_a_probe_on_plain_http_is_answered_in_production_not_redirected():
    """In production every plain-http request is redirected to https, except the probes and the
    scraper, which talk to the app server on the machine itself (banli.conf.observe)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANLI_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(PYTHONPATH=str(REPO / "src"), DJANGO_SETTINGS_MODULE="banli.settings", BANLI_PRODUCTION="1",
               BANLI_SECRET_KEY=KEY, BANLI_ALLOWED_HOSTS="banli.example.gov.cn")
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", PROBE], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.splitlines()[-1].split() == ["200", "301", "200"], (done.stdout, done.stderr[-2000:])


def test_a_missing_metrics_directory_stops_the_process_at_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BANLI_", "PROMETHEUS_"))}
    env.update(PYTHONPATH=str(REPO / "src"), DJANGO_SETTINGS_MODULE="banli.settings")
    missing = tmp_path / "not-created"
    done = subprocess.run([sys.executable, "manage.py", "check"], cwd=REPO, env={**env, "PROMETHEUS_MULTIPROC_DIR": str(missing)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and f"PROMETHEUS_MULTIPROC_DIR='{missing}' must be an existing directory" in done.stderr
    missing.mkdir()
    done = subprocess.run([sys.executable, "manage.py", "check"], cwd=REPO, env={**env, "PROMETHEUS_MULTIPROC_DIR": str(missing)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
