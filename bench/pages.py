"""Page benchmark: the to-do page (/) of each role and the filtered item list (/items/), rendered
in full through Django's test Client (middleware, session and user, view, template), against a
floor measured in the same run: the bare SQL that reads the same rows (who the user is, the
unread count, and the page's rows and totals), written as one would by hand.

Run by bench.run at each scale (`make bench`); the target is p95 <= 100 ms at 100k items. For
each case it records p50/p95 of the page and the floor, the ratio of the medians, the number of
queries (which must not change with N), and the slowest queries of one run with their plan.

    from bench.pages import run_page_cases
    rows = run_page_cases(summary, repeat=40, warmup=3)   # summary: bench.generate.generate()
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlencode

TARGET_P95_MS = 100.0
SEARCH = "养老"  # a topic word of the demo's content: in about 1 item of 20 (title, reason or suggestions)


# ---------------------------------------------------------------------------------------------
# The cases


def page_cases(summary) -> list[dict]:
    """The pages to time, each with the user and the floor that reads the same rows."""
    from banli.org.models import Assembly, Category

    cppcc = summary["current_sessions"][Assembly.CPPCC]
    category = (Category.objects.filter(assembly=Assembly.CPPCC, parent__isnull=True, active=True).order_by("position", "id")
                .values_list("id", flat=True).first())
    gov, liaison = summary["gov_user_id"], summary["busiest_unit_liaison_id"]
    cases = [
        {"key": "todo member", "user": summary["member_user_id"], "path": "/"},
        {"key": "todo assembly office", "user": summary["office_user_ids"][Assembly.CPPCC], "path": "/"},
        {"key": "todo gov office", "user": gov, "path": "/"},
        {"key": "todo unit liaison", "user": liaison, "path": "/"},
        {"key": "todo unit head", "user": summary["busiest_unit_head_id"], "path": "/"},
        {"key": "todo district leader", "user": summary["leader_user_id"], "path": "/"},
    ]
    filters = [
        ("session+state+category", {"session": str(cppcc), "state": "handling", "category": str(category)}),
        (f"q={SEARCH}", {"q": SEARCH}),
        ("late=1", {"late": "1"}),
    ]
    for who, uid in (("gov office", gov), ("unit liaison", liaison)):
        for label, params in filters:
            cases.append({"key": f"list {label} ({who})", "user": uid, "path": "/items/", "params": params})
    # Readers whose visibility unites several ways of reading (own, co-signed, merged into; a
    # portfolio's units and key items): issue 16 found their lists scanning every item.
    for who, uid in (("member", summary["member_user_id"]), ("district leader", summary["leader_user_id"])):
        for label, params in (("all", {}), (f"q={SEARCH}", {"q": SEARCH})):
            cases.append({"key": f"list {label} ({who})", "user": uid, "path": "/items/", "params": params})
    return cases


def run_page_cases(summary, *, repeat: int = 40, warmup: int = 3, target_ms: float = TARGET_P95_MS, progress=print) -> list[dict]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.http import QueryDict
    from django.test import Client

    from banli.proposals import selectors
    from banli.proposals.todo import todo_sections

    from .page_floors import list_floor, todo_floor
    from .timing import measure

    progress = progress or (lambda *a, **k: None)
    User = get_user_model()
    out = []
    clients = {}
    for case in page_cases(summary):
        uid, params = case["user"], case.get("params")
        if uid not in clients:
            clients[uid] = Client()
            clients[uid].force_login(User.objects.get(pk=uid))
        client = clients[uid]
        session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        query = urlencode(params) if params else ""
        url = case["path"] + (f"?{query}" if query else "")

        def page(client=client, url=url):
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")
            return response

        if case["path"] == "/":
            def floor(uid=uid, session_key=session_key):
                return todo_floor(session_key, uid)
        else:
            def floor(uid=uid, session_key=session_key, params=params):
                return list_floor(session_key, uid, params)

        # What the page shows against what the floor read: the same rows, or the floor is wrong.
        html = page().content.decode()
        got = floor()
        user = User.objects.get(pk=uid)
        if case["path"] == "/":
            sections = {s.key: (s.total, [e.item.pk if e.item else e.url for e in s.entries]) for s in todo_sections(user)}
            mismatch = sorted(k for k in set(sections) | set(got["sections"]) if sections.get(k) != got["sections"].get(k))
            if not mismatch and _linked_items(html) != {i for _, ids in sections.values() for i in ids if isinstance(i, int)}:
                mismatch = ["page links"]
            hits = sum(t for t, _ in sections.values())
            detail = {k: t for k, (t, _) in sorted(sections.items())}
        else:
            count = selectors.item_list(user, QueryDict(query)).count()
            if got.get("cap") is not None and not params.get("q"):
                count = min(count, got["cap"] + 1)  # the list and its floor count up to the cap (banli.paging)
            ids = _listed_items(html)
            mismatch = [] if (ids == got["ids"] and count == got["count"]) else [f"page {count} hits {ids[:5]}..., floor {got['count']} hits {got['ids'][:5]}..."]
            hits, detail = count, {}
        if mismatch:
            progress(f"  WARNING: {case['key']}: the floor read other rows than the page: {mismatch}")

        slow = slowest_queries(page)
        timed, fl = measure((lambda: (), page), (lambda: (), floor), repeat=repeat, warmup=warmup)
        row = page_row(case, url, hits, detail, timed, fl, target_ms, mismatch, html, slow)
        out.append(row)
        progress(f"  {row['case']:<44} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  floor {row['floor_p50_ms']:6.1f} ms  "
                 f"x{row['ratio']}  {row['queries']} queries  {hits} hits")
    return out


def page_row(case, url, hits, sections, timed, fl, target_ms, mismatch, html, slow) -> dict:
    """One page case's result, as bench.tables prints it (this module's cases and bench.more_pages')."""
    from django.db import connection

    return {
        "case": case["key"], "url": url, "hits": hits, "sections": sections,
        "p50_ms": round(timed["p50"], 2), "p95_ms": round(timed["p95"], 2),
        "floor_p50_ms": round(fl["p50"], 2), "floor_p95_ms": round(fl["p95"], 2),
        "ratio": round(timed["p50"] / fl["p50"], 1) if fl["p50"] else None,
        "queries": timed["queries"], "floor_queries": fl["queries"], "n": timed["n"],
        "pass": timed["p95"] <= target_ms, "mismatch": mismatch, "bytes": len(html.encode()),
        "slowest": [{"ms": round(ms, 2), "sql": sql[:600], "plan": explain(connection, sql, qparams)} for ms, sql, qparams in slow],
    }


_ITEM_LINK = re.compile(r'href="/items/(\d+)/')


def _linked_items(html: str) -> set[int]:
    return {int(x) for x in _ITEM_LINK.findall(html)}


def _listed_items(html: str) -> list[int]:
    seen = []
    for x in _ITEM_LINK.findall(html):
        if int(x) not in seen:
            seen.append(int(x))
    return seen


def slowest_queries(run, n: int = 3) -> list[tuple[float, str, object]]:
    """Run once, timing each query; the n slowest as (ms, sql, params)."""
    from django.db import connection

    seen = []

    def wrapper(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seen.append(((time.perf_counter() - t) * 1000, sql, params))

    with connection.execute_wrapper(wrapper):
        run()
    return sorted(seen, key=lambda x: -x[0])[:n]


def explain(connection, sql, params) -> str:
    """The query plan, as the database prints it."""
    if not sql.lstrip().upper().startswith("SELECT"):
        return ""
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN "
    try:
        with connection.cursor() as cur:
            cur.execute(prefix + sql, params)
            rows = cur.fetchall()
    except Exception as err:  # noqa: BLE001 - a plan is a diagnostic, never a failure
        return f"(no plan: {err})"
    if connection.vendor == "sqlite":
        return "\n".join(f"{r[0]}<{r[1]} {r[-1]}" for r in rows)
    return "\n".join(str(r[0]) for r in rows)
