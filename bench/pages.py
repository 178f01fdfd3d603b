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
SEARCH = "养老"  # a topic word: in 1 title of 30
LIST_PAGE_SIZE = 30  # banli.web.views.items.PAGE_SIZE, read at run time when it exists


def _t(model):
    return model._meta.db_table


def _ph(values) -> str:
    return ", ".join(["%s"] * len(values))


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
    return cases


def run_page_cases(summary, *, repeat: int = 40, warmup: int = 3, target_ms: float = TARGET_P95_MS, progress=print) -> list[dict]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.http import QueryDict
    from django.test import Client

    from banli.proposals import selectors
    from banli.proposals.todo import todo_sections

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
            ids = _listed_items(html)
            mismatch = [] if (ids == got["ids"] and count == got["count"]) else [f"page {count} hits {ids[:5]}..., floor {got['count']} hits {got['ids'][:5]}..."]
            hits, detail = count, {}
        if mismatch:
            progress(f"  WARNING: {case['key']}: the floor read other rows than the page: {mismatch}")

        slow = slowest_queries(page)
        timed, fl = measure((lambda: (), page), (lambda: (), floor), repeat=repeat, warmup=warmup)
        row = {
            "case": case["key"], "url": url, "hits": hits, "sections": detail,
            "p50_ms": round(timed["p50"], 2), "p95_ms": round(timed["p95"], 2),
            "floor_p50_ms": round(fl["p50"], 2), "floor_p95_ms": round(fl["p95"], 2),
            "ratio": round(timed["p50"] / fl["p50"], 1) if fl["p50"] else None,
            "queries": timed["queries"], "floor_queries": fl["queries"], "n": timed["n"],
            "pass": timed["p95"] <= target_ms, "mismatch": mismatch, "bytes": len(html.encode()),
            "slowest": [{"ms": round(ms, 2), "sql": sql[:600], "plan": explain(connection, sql, qparams)} for ms, sql, qparams in slow],
        }
        out.append(row)
        progress(f"  {row['case']:<44} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  floor {row['floor_p50_ms']:6.1f} ms  "
                 f"x{row['ratio']}  {row['queries']} queries  {hits} hits")
    return out


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


# ---------------------------------------------------------------------------------------------
# Floors: the bare SQL a hand-written server would run for the same page


def whoami(cur, session_key, uid) -> dict:
    """The session, the user, their roles and the unread count: what any page reads first."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session as DjangoSession
    from django.utils import timezone

    from banli.notify.models import Notification
    from banli.org.models import Person, StaffRole, Unit, UnitLiaison

    cur.execute(f"SELECT session_data FROM {_t(DjangoSession)} WHERE session_key = %s AND expire_date > %s", [session_key, timezone.now()])
    cur.fetchone()
    cur.execute(f"SELECT id, username, first_name, last_name, is_active, is_superuser FROM {_t(get_user_model())} WHERE id = %s", [uid])
    cur.fetchone()
    cur.execute(f"SELECT kind, assembly FROM {_t(StaffRole)} WHERE user_id = %s", [uid])
    roles = cur.fetchall()
    cur.execute(f"SELECT id, leader_id, supervising_leader_id FROM {_t(Unit)} WHERE leader_id = %s OR supervising_leader_id = %s", [uid, uid])
    units = cur.fetchall()
    cur.execute(f"SELECT unit_id FROM {_t(UnitLiaison)} WHERE user_id = %s AND ended_on IS NULL", [uid])
    liaison = {r[0] for r in cur.fetchall()}
    cur.execute(f"SELECT id FROM {_t(Person)} WHERE user_id = %s", [uid])
    persons = [r[0] for r in cur.fetchall()]
    cur.execute(f"SELECT COUNT(*) FROM {_t(Notification)} WHERE recipient_id = %s AND read_at IS NULL", [uid])
    cur.fetchone()
    leader = any(k == StaffRole.Kind.DISTRICT_LEADER for k, _ in roles)
    heads = {u for u, lead, _ in units if lead == uid}
    return {
        "uid": uid, "gov": any(k == StaffRole.Kind.GOV_OFFICE for k, _ in roles),
        "offices": sorted(a for k, a in roles if k == StaffRole.Kind.ASSEMBLY_OFFICE), "leader": leader,
        "portfolio": sorted(u for u, _, sup in units if sup == uid), "liaison": sorted(liaison), "heads": sorted(heads),
        "units": sorted(liaison | heads), "persons": persons,
    }


def todo_floor(session_key, uid) -> dict:
    """Each section: its total (COUNT) and its first rows (LIMIT), with the best plain SQL."""
    from django.db import connection

    from banli.deadlines.models import Deadline
    from banli.org.models import Unit
    from banli.proposals.models import (
        Assignment, ClosureReport, CoSigner, ExtensionRequest, Item, Message, MessageReadMark, Question, Reply,
    )
    from banli.proposals.todo import LIAISON_MILESTONES, SHOWN
    from banli.proposals.models import ENDED_STATES
    from banli.proposals.workflow import SUPERVISED

    I, A, U = _t(Item), _t(Assignment), _t(Unit)
    sections = {}
    with connection.cursor() as cur:
        me = whoami(cur, session_key, uid)

        def top(key, frm, where, args, order, cols="i.id", count_from=None, ids_of=lambda r: r[0], split=False):
            """One pass counting as it goes (narrow columns); split: a COUNT, then the first rows
            in index order, for a section whose many rows an index orders."""
            if split:
                cur.execute(f"SELECT COUNT(*) FROM {count_from or frm} WHERE {where}", args)
                total = cur.fetchone()[0]
                cur.execute(f"SELECT {cols} FROM {frm} WHERE {where} ORDER BY {order} LIMIT {SHOWN}", args)
                rows = cur.fetchall()
            else:
                cur.execute(f"SELECT {cols}, COUNT(*) OVER () FROM {frm} WHERE {where} ORDER BY {order} LIMIT {SHOWN}", args)
                rows = cur.fetchall()
                total = rows[0][-1] if rows else 0
            sections[key] = (total, [ids_of(r) for r in rows])
            return total

        item_cols = "i.id, i.number, i.title"
        persons = me["persons"]
        if persons:
            ph = _ph(persons)
            top("drafts", f"{I} i", f"i.proposer_id IN ({ph}) AND i.state = 'draft'", persons, "i.id DESC", item_cols)
            top("cosign", f"{I} i JOIN {_t(CoSigner)} c ON c.item_id = i.id", f"i.state = 'draft' AND c.person_id IN ({ph}) AND c.state = 'invited'",
                persons, "i.id DESC", item_cols)
            top("to_rate", f"{_t(Deadline)} d JOIN {I} i ON i.id = d.item_id",
                f"d.kind = 'feedback' AND d.state IN ('open', 'late') AND i.proposer_id IN ({ph})", persons, "d.due_on, d.id",
                "d.item_id, i.number, i.title, d.due_on", count_from=f"{_t(Deadline)} d JOIN {I} i ON i.id = d.item_id")
            cur.execute(f"SELECT m.item_id, COUNT(*) FROM {_t(Message)} m JOIN {I} i ON i.id = m.item_id "
                        f"WHERE i.proposer_id IN ({ph}) AND m.side <> 'proposer' AND NOT EXISTS (SELECT 1 FROM {_t(MessageReadMark)} r "
                        f"WHERE r.user_id = %s AND r.item_id = m.item_id AND r.last_read_id >= m.id) GROUP BY m.item_id ORDER BY m.item_id DESC",
                        [*persons, uid])
            groups = cur.fetchall()
            ids = [g[0] for g in groups[:SHOWN]]
            if ids:
                cur.execute(f"SELECT id, number, title FROM {I} WHERE id IN ({_ph(ids)})", ids)
                cur.fetchall()
            sections["unread"] = (len(groups), ids)
            top("answers", _t(Question), f"asker_id IN ({ph}) AND answered_at IS NOT NULL AND answer_read_at IS NULL", persons,
                "answered_at DESC", "id, subject", ids_of=lambda r: f"/questions/#q{r[0]}")
        if me["offices"]:
            ph = _ph(me["offices"])
            top("review", f"{I} i", f"i.assembly IN ({ph}) AND i.state = 'submitted'", me["offices"], "i.id DESC", item_cols)
            top("withdrawals", f"{I} i", f"i.assembly IN ({ph}) AND i.withdrawal_requested", me["offices"], "i.id DESC", item_cols)
        if me["gov"]:
            top("to_assign", f"{I} i", "i.state = 'registered'", [], "i.id DESC", item_cols)
            top("adjustments", f"{A} a JOIN {I} i ON i.id = a.item_id JOIN {U} u ON u.id = a.unit_id", "a.state = 'adjusting'", [], "a.id",
                "a.item_id, i.number, i.title, u.name", count_from=f"{A} a")
            top("extensions", f"{_t(ExtensionRequest)} e JOIN {A} a ON a.id = e.assignment_id JOIN {I} i ON i.id = a.item_id JOIN {U} u ON u.id = a.unit_id",
                "e.state = 'pending'", [], "e.id", "a.item_id, i.number, i.title, u.name, e.requested_due", count_from=f"{_t(ExtensionRequest)} e")
            # Every late milestone, an item's or a Q&A answer's (as the card since it lists both).
            top("late", f"{_t(Deadline)} d LEFT JOIN {I} i ON i.id = d.item_id LEFT JOIN {U} u ON u.id = d.unit_id "
                f"LEFT JOIN {_t(Question)} q ON q.id = d.question_id", "d.state = 'late'", [], "d.due_on, d.id",
                "d.item_id, d.question_id, i.number, i.title, u.name, d.kind, d.due_on, q.subject", count_from=f"{_t(Deadline)} d",
                ids_of=lambda r: r[0] if r[0] else f"/questions/#q{r[1]}", split=True)
            # Per replying unit, as the card: replied and still undecided, on a live item.
            ended = sorted(ENDED_STATES)
            top("publication", f"{A} a JOIN {I} i ON i.id = a.item_id JOIN {U} u ON u.id = a.unit_id",
                f"a.publication = 'undecided' AND a.replied_round >= 1 AND a.state <> 'ended' AND i.state NOT IN ({_ph(ended)})", ended,
                "a.id", "a.item_id, i.number, i.title, u.name", count_from=f"{A} a JOIN {I} i ON i.id = a.item_id")
            top("questions", _t(Question), "to_unit_id IS NULL AND answered_at IS NULL", [], "asked_at", "id, subject",
                ids_of=lambda r: f"/questions/#q{r[0]}")
        if me["liaison"]:
            units, kinds = me["liaison"], [k for k, _, _ in LIAISON_MILESTONES]
            where = (f"d.unit_id IN ({_ph(units)}) AND d.item_id IS NOT NULL AND d.state IN ('open', 'late') AND d.kind IN ({_ph(kinds)})")
            cur.execute(f"SELECT d.kind, COUNT(*) FROM {_t(Deadline)} d WHERE {where} GROUP BY d.kind", [*units, *kinds])
            totals = dict(cur.fetchall())
            present = [k for k in kinds if totals.get(k)]
            rows = []
            if present:
                # One statement: each kind's first rows, late ones first, by its own LIMIT.
                sub = (f"SELECT * FROM (SELECT d.kind, d.item_id, i.number, i.title, u.name, d.due_on, d.state FROM {_t(Deadline)} d "
                       f"JOIN {I} i ON i.id = d.item_id LEFT JOIN {U} u ON u.id = d.unit_id WHERE {where} AND d.kind = %s "
                       f"ORDER BY CASE WHEN d.state = 'late' THEN 0 ELSE 1 END, d.due_on, d.id LIMIT {SHOWN}) k")
                cur.execute(" UNION ALL ".join(f"{sub}{n}" for n in range(len(present))),
                            [x for k in present for x in (*units, *kinds, k)])
                rows = cur.fetchall()
            for k in present:
                sections[f"unit_{k}"] = (totals[k], [r[1] for r in rows if r[0] == k])
            n = top("unit_questions", _t(Question), f"to_unit_id IN ({_ph(units)}) AND answered_at IS NULL", units, "asked_at", "id, subject",
                    ids_of=lambda r: f"/questions/#q{r[0]}")
            if not n:
                del sections["unit_questions"]
            if not present and not n:
                sections["unit_clear"] = (0, [])
        if me["heads"]:
            heads = me["heads"]
            # From the units' assignments to their rows (the plan SQLite finds best for IN, not for the join).
            mine = f"assignment_id IN (SELECT id FROM {A} WHERE unit_id IN ({_ph(heads)}))"
            top("approve_replies", f"{_t(Reply)} r JOIN {A} a ON a.id = r.assignment_id JOIN {I} i ON i.id = r.item_id JOIN {U} u ON u.id = a.unit_id",
                f"r.state = 'pending_unit' AND r.{mine}", heads, "r.id", "r.item_id, i.number, i.title, u.name",
                count_from=f"{_t(Reply)} r")
            top("approve_closure", f"{_t(ClosureReport)} c JOIN {A} a ON a.id = c.assignment_id JOIN {I} i ON i.id = c.item_id JOIN {U} u ON u.id = a.unit_id",
                f"c.state = 'pending' AND c.{mine}", heads, "c.id", "c.item_id, i.number, i.title, u.name",
                count_from=f"{_t(ClosureReport)} c")
        if me["leader"]:
            units = me["portfolio"] or [0]
            top("leader_replies", f"{_t(Reply)} r JOIN {A} a ON a.id = r.assignment_id JOIN {I} i ON i.id = r.item_id JOIN {U} u ON u.id = a.unit_id",
                f"r.state = 'pending_leader' AND r.assignment_id IN (SELECT id FROM {A} WHERE unit_id IN ({_ph(units)}))", units, "r.id",
                "r.item_id, i.number, i.title, u.name", count_from=f"{_t(Reply)} r")
            states = sorted(SUPERVISED | {"closed"})
            top("key_items", f"{I} i", f"i.key_leader_id = %s AND i.is_key AND i.state IN ({_ph(states)})", [uid, *states], "i.id DESC",
                item_cols + ", i.state")
    return {"sections": sections}


def list_floor(session_key, uid, params) -> dict:
    """The list page: its filter choices, the count, one page of rows with what the table shows, and
    the active units of those rows. The visibility and filters as plain SQL, each in the form the
    database answers fastest (late items from the late rows; a unit's items by a probe per candidate
    row when a filter narrows them, else from the unit's assignments)."""
    from django.db import connection

    from banli.deadlines.models import Deadline
    from banli.org.models import Category, Person, ReplyType, Session, Term, Unit
    from banli.proposals.models import Assignment, Item

    try:
        from banli.web.views.items import PAGE_SIZE as size
    except ImportError:
        size = LIST_PAGE_SIZE
    I, A, C, U = _t(Item), _t(Assignment), _t(Category), _t(Unit)
    with connection.cursor() as cur:
        me = whoami(cur, session_key, uid)
        cur.execute(f"SELECT s.id, s.name, s.assembly, t.name FROM {_t(Session)} s JOIN {_t(Term)} t ON t.id = s.term_id ORDER BY s.opens_on DESC, s.assembly")
        cur.fetchall()
        cur.execute(f"SELECT id, name, assembly FROM {C} WHERE active AND parent_id IS NULL ORDER BY assembly, position, id")
        cur.fetchall()
        cur.execute(f"SELECT id, name FROM {U} WHERE active ORDER BY kind, name")
        cur.fetchall()
        cur.execute(f"SELECT id, code, name, name_en FROM {_t(ReplyType)} WHERE active ORDER BY position, id")
        cur.fetchall()

        where, args = [], []
        if me["gov"]:
            where.append("i.state <> 'draft'")
        else:
            units = sorted(set(me["units"]) | set(me["portfolio"]))
            if me["persons"] or me["offices"] or me["leader"] or not units:
                raise NotImplementedError("list_floor covers the office and unit staff")
            if params.get("session") or params.get("late"):
                # Few candidate rows (a session's, or the late ones): one probe each into the
                # partial unique index (item, unit) of active assignments.
                where.append(f"EXISTS (SELECT 1 FROM {A} a WHERE a.item_id = i.id AND a.unit_id IN ({_ph(units)}) AND NOT (a.state = 'ended'))")
            else:
                # Otherwise start from the unit's assignments.
                where.append(f"i.id IN (SELECT item_id FROM {A} WHERE unit_id IN ({_ph(units)}) AND state <> 'ended')")
            args += units
        if params.get("session"):
            where.append("i.session_id = %s")
            args.append(int(params["session"]))
        if params.get("category"):
            where.append(f"(i.category_id = %s OR i.category_id IN (SELECT id FROM {C} WHERE parent_id = %s))")
            args += [int(params["category"])] * 2
        if params.get("state"):
            states = params["state"].split(",")
            where.append(f"i.state IN ({_ph(states)})")
            args += states
        if params.get("late"):
            where.append(f"i.id IN (SELECT item_id FROM {_t(Deadline)} WHERE state = 'late' AND item_id IS NOT NULL)")
        if params.get("q"):
            like = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
            where.append(f"(i.title {like} %s OR i.reason {like} %s OR i.suggestions {like} %s)")
            args += [f"%{params['q']}%"] * 3
        w = " AND ".join(where)
        cur.execute(f"SELECT COUNT(*) FROM {I} i WHERE {w}", args)
        count = cur.fetchone()[0]
        cur.execute(f"SELECT i.id, i.number, i.title, i.state, i.is_key, p.name, c.name, rt.code FROM {I} i JOIN {_t(Person)} p ON p.id = i.proposer_id "
                    f"LEFT JOIN {C} c ON c.id = i.category_id LEFT JOIN {_t(ReplyType)} rt ON rt.id = i.reply_type_id "
                    f"WHERE {w} ORDER BY i.id DESC LIMIT {size}", args)
        ids = [r[0] for r in cur.fetchall()]
        if ids:
            cur.execute(f"SELECT a.item_id, u.name, a.role FROM {A} a JOIN {U} u ON u.id = a.unit_id WHERE a.state <> 'ended' "
                        f"AND a.item_id IN ({_ph(ids)}) ORDER BY a.id", ids)
            cur.fetchall()
    return {"count": count, "ids": ids}
