import os

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class ObserveConfig(AppConfig):
    """Health, metrics, structured logs (issue 16.2)."""

    name = "banli.observe"
    label = "observe"
    verbose_name = "运行监测"

    def ready(self):
        from . import runs

        runs.connect()
        check_metrics_dir()


def check_metrics_dir() -> None:
    """prometheus_client writes each process's counters into PROMETHEUS_MULTIPROC_DIR at the first
    request; a directory that is missing or not writable would make every request fail there, so
    the process refuses to start instead, naming it."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path and not (os.path.isdir(path) and os.access(path, os.W_OK)):
        raise ImproperlyConfigured(f"PROMETHEUS_MULTIPROC_DIR={path!r} must be an existing directory this process can write "
                                   "(create it, empty, when the service starts)")
