"""A benchmark that runs on its own SQLite file (the dossier, the report page, the assessment at
province size) sets itself up the same way: the project's source on the path, a throw-away
database (or the one named, to keep it), and Django ready. The caller migrates or reuses."""

import os
import sys
import tempfile
from pathlib import Path


def scratch_django(prefix: str, db: str | None = None) -> tuple[tempfile.TemporaryDirectory | None, Path]:
    """(the temporary directory to keep alive, or None when `db` is given; the database file)."""
    root = Path(__file__).resolve().parent.parent
    for p in (str(root / "src"), str(root)):
        if p not in sys.path:
            sys.path.insert(0, p)
    tmp = None if db else tempfile.TemporaryDirectory(prefix=f"banli-bench-{prefix}-")
    path = Path(db) if db else Path(tmp.name) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banli.settings")
    import django

    django.setup()
    return tmp, path
