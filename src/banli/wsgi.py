"""The WSGI application, warmed before it answers anything.

Django loads most of a site lazily: the URL configuration (and with it every view module and what
they import: openpyxl, matplotlib, pypinyin, DRF and drf-spectacular) on the first request, each
template on its first render, each language's catalogue on its first use, the reverse-URL table
per language on the first reverse(). A fresh worker's first request paid all of it, 2 s of CPU
(issue 16). Here it is paid at import: under gunicorn with preload_app once in the master, whose
workers are forked with it in memory; without preload once per worker at its start, before it
accepts a request. Nothing here opens a database connection (a connection must not cross a fork).
BANLI_WARM=0 skips it (a management command that imports the application for other reasons).
Then the objects loaded so far are frozen out of the garbage collector (gc.freeze, as Python's
documentation advises for a server that forks its workers)."""

import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banli.settings")
application = get_wsgi_application()

log = logging.getLogger(__name__)


def warm() -> dict:
    """Import the URL configuration, build each language's reverse table and catalogue, and
    compile every template of the Django engine into its cached loader. Returns what it did."""
    from django.conf import settings
    from django.template import engines
    from django.urls import get_resolver, reverse
    from django.utils import translation

    done = {"urls": len(get_resolver().url_patterns), "languages": 0, "templates": 0, "template_errors": 0}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("提案/建议")  # loads the catalogue of this language
            reverse("web:todo")  # fills the resolver's reverse table for this language
        done["languages"] += 1
    for engine in engines.all():
        done["templates"] += _compile_templates(engine, done)
        getattr(getattr(engine, "engine", None), "template_context_processors", None)  # imports them
    # What the first request would import by name from the settings: the session store and its
    # serializer, the message storage.
    from importlib import import_module

    from django.utils.module_loading import import_string

    import_module(settings.SESSION_ENGINE)
    import_string(settings.SESSION_SERIALIZER)
    import_string(settings.MESSAGE_STORAGE)
    return done


def _compile_templates(engine, done) -> int:
    """Every template file the engine's loaders can find, through engine.get_template so that the
    cached loader keeps the compiled template."""
    from pathlib import Path

    get_dirs = getattr(engine, "template_dirs", None)
    if get_dirs is None:
        return 0
    names = set()
    for folder in get_dirs:
        root = Path(folder)
        names.update(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.suffix in (".html", ".txt", ".xml", ".js"))
    count = 0
    for name in sorted(names):
        try:
            engine.get_template(name)
            count += 1
        except Exception:  # a fragment that only compiles in context; it is compiled on first use as before
            log.debug("warm-up: template %s not compiled", name, exc_info=True)
            done["template_errors"] += 1
    return count


if os.environ.get("BANLI_WARM", "1") != "0":
    warmed = warm()
    # What is loaded now lives as long as the process: moved out of the garbage collector's sight,
    # it is no longer walked by each full collection (2 ms of CPU a request less, measured with
    # bench/cpu's cases), and forked workers no longer write to the pages they share with the master.
    import gc

    gc.collect()
    gc.freeze()
