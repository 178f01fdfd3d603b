"""More page cases for bench.run (issue 16.5 names them): the item page of a busy item and the
deadlines list (办理时限), each as the government office and as the busiest unit's liaison,
rendered in full through the test Client, with the same row format as bench.pages.

Their floors are plain SQL too: for the item page, who the user is and then every row of every
table that belongs to the item (one query per table, found from the models, so a new record type
is read by the floor as soon as it exists); for the deadlines list, who the user is, the count and
the first 50 open milestones, late first, in the user's scope."""

from __future__ import annotations

from .floors import ph, table
from .page_floors import whoami


def more_cases(summary) -> list[dict]:
    from django.db.models import Count

    from banli.audit.models import AuditRecord
    from banli.proposals.models import Assignment

    gov, liaison = summary["gov_user_id"], summary["busiest_unit_liaison_id"]
    # A busy item the liaison handles: the one with the most audit rows among its unit's latest 500.
    recent = list(Assignment.objects.filter(unit_id=summary["busiest_unit_id"]).exclude(state=Assignment.State.ENDED)
                  .order_by("-item_id").values_list("item_id", flat=True)[:500])
    busy = (AuditRecord.objects.filter(item_id__in=recent).values("item_id").annotate(n=Count("id")).order_by("-n", "-item_id")
            .values_list("item_id", flat=True).first())
    cases = []
    for who, uid in (("gov office", gov), ("unit liaison", liaison)):
        if busy:
            cases.append({"key": f"item page ({who})", "user": uid, "path": f"/items/{busy}/", "item": busy})
        cases.append({"key": f"deadlines ({who})", "user": uid, "path": "/deadlines/"})
    return cases


def item_floor(session_key, uid, item_id) -> dict:
    from django.db import connection

    from banli.proposals.models import Item

    tables = sorted({table(f.model) for f in Item._meta.related_objects if f.many_to_one or f.one_to_one}
                    | {table(m) for m in _item_models()})
    rows = 0
    with connection.cursor() as cur:
        whoami(cur, session_key, uid)
        cur.execute(f"SELECT * FROM {table(Item)} WHERE id = %s", [item_id])
        rows += len(cur.fetchall())
        for t in tables:
            cur.execute(f"SELECT * FROM {t} WHERE item_id = %s", [item_id])
            rows += len(cur.fetchall())
    return {"rows": rows}


def _item_models():
    """Models with a foreign key named item to Item (the reverse relations above may be named otherwise)."""
    from django.apps import apps

    from banli.proposals.models import Item

    for m in apps.get_models():
        f = next((f for f in m._meta.concrete_fields if f.name == "item" and f.is_relation), None)
        if f is not None and f.related_model is Item:
            yield m


def deadlines_floor(session_key, uid) -> dict:
    from django.db import connection

    from banli.deadlines.models import Deadline
    from banli.org.models import Unit
    from banli.proposals.models import Assignment, Item

    D, I, U, A = table(Deadline), table(Item), table(Unit), table(Assignment)
    with connection.cursor() as cur:
        me = whoami(cur, session_key, uid)
        # The items' conditions against the few drafts (an index range), not a join to every item.
        drafts = f"(SELECT id FROM {I} WHERE state = 'draft')"
        where = f"d.state IN ('open', 'late') AND NOT (d.kind = 'cosign' AND d.item_id IN {drafts})"
        args: list = []
        if me["gov"]:
            where += f" AND (d.item_id IS NULL OR d.item_id NOT IN {drafts})"
        else:
            units = me["units"] + (me["portfolio"] if me["leader"] else [])
            where += (f" AND d.unit_id IN ({ph(units)}) AND (d.item_id IS NULL OR EXISTS (SELECT 1 FROM {A} a WHERE a.item_id = d.item_id "
                      f"AND a.unit_id IN ({ph(units)}) AND NOT (a.state = 'ended')))") if units else " AND 1 = 0"
            args += units * 2 if units else []
        frm = f"{D} d LEFT JOIN {I} i ON i.id = d.item_id"
        cur.execute(f"SELECT COUNT(*) FROM {D} d WHERE {where}", args)
        count = cur.fetchone()[0]
        cur.execute(f"SELECT d.id, d.kind, d.due_on, d.state, i.number, i.title, u.name FROM {frm} LEFT JOIN {U} u ON u.id = d.unit_id "
                    f"WHERE {where} ORDER BY d.state, d.due_on, d.id LIMIT 50", args)  # 'late' < 'open'
        ids = [r[0] for r in cur.fetchall()]
    return {"count": count, "ids": ids}


def run_more_cases(summary, *, repeat: int, warmup: int, target_ms: float, progress=print) -> list[dict]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.http import QueryDict
    from django.test import Client

    from banli.deadlines.selectors import open_deadlines

    from .pages import page_row, slowest_queries
    from .timing import measure

    progress = progress or (lambda *a, **k: None)
    User = get_user_model()
    out = []
    for case in more_cases(summary):
        uid, url = case["user"], case["path"]
        client = Client()
        client.force_login(User.objects.get(pk=uid))
        session_key = client.cookies[settings.SESSION_COOKIE_NAME].value

        def page(client=client, url=url):
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")
            return response

        if "item" in case:
            def floor(uid=uid, session_key=session_key, item_id=case["item"]):
                return item_floor(session_key, uid, item_id)
        else:
            def floor(uid=uid, session_key=session_key):
                return deadlines_floor(session_key, uid)

        html = page().content.decode()
        got = floor()
        mismatch, hits = [], got.get("rows", 0)
        if "item" not in case:
            count = open_deadlines(User.objects.get(pk=uid), QueryDict("")).count()
            hits = count
            if count != got["count"]:
                mismatch = [f"page {count} rows, floor {got['count']}"]
                progress(f"  WARNING: {case['key']}: the floor read other rows than the page: {mismatch}")

        slow = slowest_queries(page)
        timed, fl = measure((lambda: (), page), (lambda: (), floor), repeat=repeat, warmup=warmup)
        row = page_row(case, url, hits, {}, timed, fl, target_ms, mismatch, html, slow)
        out.append(row)
        progress(f"  {row['case']:<44} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  floor {row['floor_p50_ms']:6.1f} ms  "
                 f"x{row['ratio']}  {row['queries']} queries  {hits} rows")
    return out
