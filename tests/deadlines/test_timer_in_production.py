"""The in-process scan timer of `make run` (BANLI_SCAN_EVERY_SECONDS) is refused in production
(issue 16.2): there the scan runs from Celery beat only, once, not in every app process. Checked
as an operator would meet it: a process started with both variables stops at once, naming them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from banli.deadlines.timer import start_if_configured

REPO = Path(__file__).resolve().parents[2]
KEY = "k3y-" + "Zq8vN2rT5wXy7bC1dF4gH6jK9mP0sL3u" * 2


def _manage_check(**extra) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANLI_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(PYTHONPATH=str(REPO / "src"), DJANGO_SETTINGS_MODULE="banli.settings", BANLI_PRODUCTION="1",
               BANLI_SECRET_KEY=KEY, BANLI_ALLOWED_HOSTS="banli.example.gov.cn", **extra)
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def test_a_production_process_with_the_timer_variable_refuses_to_start():
    done = _manage_check(BANLI_SCAN_EVERY_SECONDS="3600")
    assert done.returncode != 0
    assert "ImproperlyConfigured: BANLI_SCAN_EVERY_SECONDS is for `make run` only" in done.stderr, done.stderr[-2000:]
    assert "celery -A banli beat" in done.stderr


def test_a_production_process_without_it_starts_and_runs_no_timer(monkeypatch, settings):
    done = _manage_check()
    assert done.returncode == 0, done.stderr[-2000:]
    settings.PRODUCTION = True
    monkeypatch.delenv("BANLI_SCAN_EVERY_SECONDS", raising=False)
    assert start_if_configured() is None
    monkeypatch.setenv("BANLI_SCAN_EVERY_SECONDS", "0")
    assert start_if_configured() is None


def test_in_process_the_refusal_comes_before_any_thread(monkeypatch, settings):
    import threading

    settings.PRODUCTION = True
    monkeypatch.setenv("BANLI_SCAN_EVERY_SECONDS", "60")
    before = {t.name for t in threading.enumerate()}
    with pytest.raises(ImproperlyConfigured):
        start_if_configured()
    assert "banli-scan" not in {t.name for t in threading.enumerate()} - before


def test_beat_runs_the_scan_and_the_delivery():
    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"banli.daily_scan", "banli.deliver_outbox"} <= tasks
