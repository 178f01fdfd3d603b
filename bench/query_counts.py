"""The number of queries of each benchmark page at a small scale, pinned in bench/query_counts.json.

A page whose query count grows with the data is the slow query of next year; one that changes at
all is a change someone should have meant. tests/bench/test_query_counts.py generates 1,000 items
(bench.generate), opens every page case of bench.pages and the API's list and detail as the same
users, and compares the counts with the pinned ones of the database in use (SQLite and PostgreSQL
differ: the search runs other queries on each). CI runs it on both.

After a change that is meant to change a count, pin the new counts (each database once):

    PYTHONPATH=src:. .venv/bin/python -m bench.query_counts --update
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/banli PYTHONPATH=src:. .venv/bin/python -m bench.query_counts --update

which runs that test with BANLI_PIN_QUERY_COUNTS=1, writing the counts instead of comparing them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

PINNED = Path(__file__).resolve().parent / "query_counts.json"
SCALE = 1000
SEED = 11


def page_counts(summary) -> dict[str, int]:
    """Queries of each page case and of the API's item list and detail, counted on the second
    request (the first may fill per-process caches: the calendar, content types)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from banli.proposals.access import visible_items

    from .more_pages import more_cases
    from .pages import page_cases

    User = get_user_model()
    requests = []
    for case in page_cases(summary):
        query = urlencode(case["params"]) if case.get("params") else ""
        requests.append((case["key"], case["user"], case["path"] + (f"?{query}" if query else "")))
    requests += [(c["key"], c["user"], c["path"]) for c in more_cases(summary) if c["key"].startswith("deadlines")]
    for who, key in (("gov office", "gov_user_id"), ("unit liaison", "busiest_unit_liaison_id")):
        uid = summary[key]
        latest = visible_items(User.objects.get(pk=uid)).order_by("-pk").values_list("pk", flat=True).first()
        requests += [(f"api list ({who})", uid, "/api/items/"), (f"api detail ({who})", uid, f"/api/items/{latest}/"),
                     (f"item page ({who})", uid, f"/items/{latest}/")]
    clients, counts = {}, {}
    for key, uid, url in requests:
        if uid not in clients:
            clients[uid] = Client()
            clients[uid].force_login(User.objects.get(pk=uid))
        client = clients[uid]
        first = client.get(url)
        if first.status_code != 200:
            raise RuntimeError(f"{key}: GET {url} answered {first.status_code}")
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        counts[key] = len(ctx.captured_queries)
    return counts


def pinned(vendor: str) -> dict[str, int]:
    if not PINNED.exists():
        return {}
    return json.loads(PINNED.read_text(encoding="utf-8")).get(vendor, {})


def pin(vendor: str, counts: dict[str, int]) -> None:
    data = json.loads(PINNED.read_text(encoding="utf-8")) if PINNED.exists() else {}
    data[vendor] = dict(sorted(counts.items()))
    PINNED.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--update", action="store_true", help="pin the counts of the database DATABASE_URL names (SQLite by default)")
    args = ap.parse_args(argv)
    env = dict(os.environ)
    if args.update:
        env["BANLI_PIN_QUERY_COUNTS"] = "1"
    root = Path(__file__).resolve().parent.parent
    return subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
                            str(root / "tests" / "bench" / "test_query_counts.py")], cwd=root, env=env)


if __name__ == "__main__":
    sys.exit(main())
