"""Yearly report benchmark: the figures of the largest session (and of the session before it,
which the report compares with) inside the whole generated database, against a floor of
hand-written SQL aggregates that compute the same numbers. Target: at most 1.5 x the floor.

    from bench.report import report_case
    row = report_case(summary, repeat=10, warmup=2)

The case is reports.statistics.yearly_figures (what the page, the Word file and the API all
call). The floor computes the same figures with plain SQL, one statement per breakdown, and the
run checks that both give the same numbers, so the floor cannot be cheaper by counting less.
"""

from __future__ import annotations

TARGET_RATIO = 1.5
NOT_RECEIVED = ("draft", "submitted", "not_registered", "merged", "converted", "withdrawn")


def _largest_session() -> tuple[int, int]:
    from django.db.models import Count

    from banli.proposals.models import Item

    row = Item.objects.values("session_id").annotate(n=Count("id")).order_by("-n", "session_id").first()
    return row["session_id"], row["n"]


def _floor_figures(session_id: int) -> dict:
    """The figures the report states, by plain SQL (the received filter written out)."""
    from django.db import connection

    from banli.reports.periods import period, previous

    def one(p):
        out = {}
        with connection.cursor() as c:
            recv = ("i.session_id = %s AND i.assembly = %s AND i.registered_at IS NOT NULL AND i.state NOT IN "
                    f"({', '.join(['%s'] * len(NOT_RECEIVED))})")
            args = [p.value, p.assembly, *NOT_RECEIVED]
            c.execute(f"""SELECT COUNT(*), SUM(CASE WHEN i.replied_at IS NOT NULL THEN 1 ELSE 0 END),
                SUM(CASE WHEN i.state = 'closed' THEN 1 ELSE 0 END), SUM(CASE WHEN i.is_key THEN 1 ELSE 0 END),
                SUM(CASE WHEN i.is_key AND i.state = 'closed' THEN 1 ELSE 0 END),
                SUM(CASE WHEN t.needs_planned_date AND i.state <> 'closed' THEN 1 ELSE 0 END),
                SUM(CASE WHEN t.closure = 'feedback' THEN 1 ELSE 0 END)
                FROM proposals_item i LEFT JOIN org_replytype t ON t.id = i.reply_type_id WHERE {recv}""", args)
            out["totals"] = [int(x or 0) for x in c.fetchone()]
            c.execute(f"""SELECT COALESCE(pc.name, cc.name), COUNT(*) FROM proposals_item i
                LEFT JOIN org_category cc ON cc.id = i.category_id LEFT JOIN org_category pc ON pc.id = cc.parent_id
                WHERE {recv} GROUP BY 1""", args)
            out["categories"] = sorted(c.fetchall())
            c.execute(f"""SELECT t.code, COUNT(*) FROM proposals_item i JOIN org_replytype t ON t.id = i.reply_type_id
                WHERE {recv} GROUP BY t.code""", args)
            out["types"] = sorted(c.fetchall())
            c.execute(f"""SELECT a.unit_id, COUNT(DISTINCT CASE WHEN a.role IN ('lead', 'separate') THEN a.item_id END)
                FROM proposals_assignment a JOIN proposals_item i ON i.id = a.item_id
                WHERE a.state <> 'ended' AND {recv} GROUP BY a.unit_id""", args)
            out["units"] = len(c.fetchall())
            c.execute(f"""SELECT COUNT(DISTINCT a.item_id) FROM proposals_assignment a JOIN proposals_item i ON i.id = a.item_id
                WHERE a.closed_early AND {recv}""", args)
            out["early"] = c.fetchone()[0]
            c.execute(f"""SELECT SUM(CASE WHEN NOT f.lapsed THEN 1 ELSE 0 END), SUM(CASE WHEN f.lapsed THEN 1 ELSE 0 END),
                COUNT(DISTINCT CASE WHEN f.agrees = %s THEN f.item_id END), COUNT(DISTINCT CASE WHEN f.praise THEN f.item_id END)
                FROM proposals_feedback f JOIN proposals_item i ON i.id = f.item_id WHERE {recv}""", [False, *args])
            out["feedback"] = [int(x or 0) for x in c.fetchone()]
            c.execute(f"""SELECT COUNT(DISTINCT a.unit_id) FROM proposals_feedback f JOIN proposals_item i ON i.id = f.item_id
                JOIN proposals_reply r ON r.id = f.reply_id JOIN proposals_assignment a ON a.id = r.assignment_id
                WHERE f.praise AND {recv}""", args)
            out["praised_units"] = c.fetchone()[0]
            c.execute(f"""SELECT g.code, COUNT(*) FROM proposals_feedback f JOIN proposals_item i ON i.id = f.item_id
                JOIN org_feedbackgrade g ON g.id = f.grade_id WHERE NOT f.lapsed AND {recv} GROUP BY g.code""", args)
            out["grades"] = sorted(c.fetchall())
        return out

    p = period("session", session_id)
    before = previous(p)
    return {"current": one(p), "previous": one(before) if before else None}


def _same(fig: dict, floor: dict) -> list[str]:
    """Where the report's figures and the floor's disagree (empty: they agree)."""
    problems = []
    for key in ("current", "previous"):
        f, s = fig[key], floor[key]
        if f is None or s is None:
            if (f is None) != (s is None):
                problems.append(f"{key}: one side has no previous period")
            continue
        t = s["totals"]
        pairs = {"received": t[0], "replied": t[1], "closed": t[2], "key_items": t[3], "key_closed": t[4], "b_in_progress": t[5],
                 "c_items": t[6], "units_involved": s["units"], "b_closed_early": s["early"], "feedback": s["feedback"][0],
                 "feedback_lapsed": s["feedback"][1], "disagreed_items": s["feedback"][2], "praised_items": s["feedback"][3],
                 "praised_units": s["praised_units"]}
        problems += [f"{key}.{k}: report {f[k]} vs SQL {v}" for k, v in pairs.items() if f[k] != v]
        cats = sorted((c["name"], c["count"]) for c in f["by_category"])
        if cats != sorted((n or "未分类", c) for n, c in s["categories"]):
            problems.append(f"{key}.by_category differs")
        if sorted((t["code"], t["count"]) for t in f["by_reply_type"] if t["count"]) != s["types"]:
            problems.append(f"{key}.by_reply_type differs")
        if sorted((g["code"], g["count"]) for g in f["by_grade"] if g["count"]) != s["grades"]:
            problems.append(f"{key}.by_grade differs")
    return problems


def report_case(summary: dict | None = None, *, repeat: int = 10, warmup: int = 2, target_ratio: float = TARGET_RATIO) -> dict:
    from banli.reports.periods import period
    from banli.reports.statistics import yearly_figures
    from bench.timing import measure

    session_id, n = _largest_session()
    p = period("session", session_id)
    figures = yearly_figures(p)
    mismatch = _same(figures, _floor_figures(session_id))
    timed, floor = measure((lambda: (), lambda: yearly_figures(period("session", session_id))),
                           (lambda: (), lambda: _floor_figures(session_id)), repeat=repeat, warmup=warmup)
    ratio = timed["p50"] / floor["p50"] if floor["p50"] else float("nan")
    return {"case": f"yearly report (session of {n:,} items)", "p50_ms": round(timed["p50"], 1), "p95_ms": round(timed["p95"], 1),
            "floor_p50_ms": round(floor["p50"], 1), "ratio": round(ratio, 2), "queries": timed["queries"],
            "floor_queries": floor["queries"], "target_ratio": target_ratio, "pass": ratio <= target_ratio and not mismatch,
            "mismatch": mismatch}
