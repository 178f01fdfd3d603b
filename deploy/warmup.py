"""What Django builds lazily on the first request of a process, built before gunicorn forks its
workers (deploy/gunicorn.conf.py, when_ready): the URL resolver, every template of the apps
(compiled once by the cached loader), and both translation catalogs. Measured on the 2-core
machine: a worker's first request took 0.7-0.8 s without it (issue 16)."""

import time
from pathlib import Path


def warm_up() -> tuple[float, int, int]:
    """Seconds taken, templates compiled, templates that did not compile alone."""
    started = time.monotonic()
    compiled = failed = 0
    from django.db import connections
    from django.template import engines
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018  imports every urls module and view module
    get_resolver()._populate()
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            translation.gettext("提案")
    for name in _template_names(engines["django"]):
        try:
            get_template(name)
            compiled += 1
        except Exception:  # noqa: BLE001  a fragment that only compiles in its includer's context
            failed += 1
    # Nothing above should query, but a connection the import opened must not be shared by forks.
    connections.close_all()
    return time.monotonic() - started, compiled, failed


def _template_names(engine):
    for folder in engine.template_dirs:
        root = Path(folder)
        for path in root.rglob("*.html"):
            yield path.relative_to(root).as_posix()
