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


def largest_session() -> tuple[int, int]:
    from django.db.models import Count

    from banli.proposals.models import Item

    row = Item.objects.values("session_id").annotate(n=Count("id")).order_by("-n", "session_id").first()
    return row["session_id"], row["n"]


def floor_figures(session_id: int) -> dict:
    """The figures the report states, by plain SQL (the received filter written out), as the
    records stood at the end of today: the reply type and the rating in force, closures, key
    marks and consultations by then, as reports/asof.py defines them, in the same shape: one
    correlated subquery per item for each thing in force, the items grouped by what they are."""
    from django.db import connection

    from banli.reports.asof import as_of
    from banli.reports.periods import period, previous

    end = connection.ops.adapt_datetimefield_value(as_of().end)
    t, f = True, False
    # For the item i: its latest reply sent by then; its rating in force (the latest rating by
    # then of a unit's reply that no later reply of that unit, sent by then, supersedes) as the
    # grade's id, 0 when lapsed; its latest key mark; closed by then; the kinds of contact made.
    type_now = ("(SELECT r.reply_type_id FROM proposals_reply r WHERE r.item_id = i.id AND r.state = 'sent' AND r.sent_at < %s "
                "ORDER BY r.sent_at DESC, r.id DESC LIMIT 1)")
    rating_now = ("(SELECT COALESCE(f.grade_id, 0) FROM proposals_feedback f JOIN proposals_reply fr ON fr.id = f.reply_id "
                  "WHERE f.item_id = i.id AND f.at < %s AND NOT EXISTS (SELECT 1 FROM proposals_reply l WHERE l.assignment_id = fr.assignment_id "
                  "AND l.state = 'sent' AND l.sent_at < %s AND l.is_conversion = %s AND l.id > fr.id) ORDER BY f.at DESC, f.id DESC LIMIT 1)")
    key_now = "(SELECT k.marked FROM proposals_keyitemmark k WHERE k.item_id = i.id AND k.at < %s ORDER BY k.at DESC, k.id DESC LIMIT 1)"
    kinds = ("(SELECT COUNT(DISTINCT c.kind) FROM proposals_consultation c WHERE c.item_id = i.id AND c.kind IN ('before', 'during', 'after') "
             "AND c.recorded_at < %s)")

    def one(p):
        out = {}
        with connection.cursor() as c:
            recv = ("i.session_id = %s AND i.assembly = %s AND i.registered_at < %s AND i.state NOT IN "
                    f"({', '.join(['%s'] * len(NOT_RECEIVED))})")
            args = [p.value, p.assembly, end, *NOT_RECEIVED]
            c.execute(f"""SELECT x.type_now, t.code, t.needs_planned_date, t.closure, g.code, x.rating_now, x.key_now, x.closed, x.kinds,
                COUNT(*) FROM (SELECT {type_now} AS type_now, {rating_now} AS rating_now, {key_now} AS key_now,
                                      CASE WHEN i.closed_at < %s THEN 1 ELSE 0 END AS closed, {kinds} AS kinds
                               FROM proposals_item i WHERE {recv}) x
                LEFT JOIN org_replytype t ON t.id = x.type_now LEFT JOIN org_feedbackgrade g ON g.id = x.rating_now
                GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9""", [end, end, end, f, end, end, end, *args])
            groups = c.fetchall()
            total = [0] * 10
            types, grades = {}, {}
            for _, code, planned, closure, grade, rating, key, closed, kinds_made, n in groups:
                replied = code is not None
                for i, hit in enumerate((True, replied, closed, key, key and closed, replied and planned and not closed,
                                         closure == "feedback", rating is not None and rating > 0, rating == 0, replied and kinds_made == 3)):
                    total[i] += n if hit else 0
                if replied:
                    types[code] = types.get(code, 0) + n
                if grade is not None:
                    grades[grade] = grades.get(grade, 0) + n
            out["totals"], out["types"], out["grades"] = total, sorted(types.items()), sorted(grades.items())
            c.execute(f"""SELECT COALESCE(pc.name, cc.name), COUNT(*) FROM proposals_item i
                LEFT JOIN org_category cc ON cc.id = i.category_id LEFT JOIN org_category pc ON pc.id = cc.parent_id
                WHERE {recv} GROUP BY 1""", args)
            out["categories"] = sorted(c.fetchall())
            active = "a.assigned_at < %s AND (a.state <> 'ended' OR a.ended_at >= %s)"
            c.execute(f"""SELECT a.unit_id, COUNT(DISTINCT CASE WHEN a.role IN ('lead', 'separate') THEN a.item_id END)
                FROM proposals_assignment a JOIN proposals_item i ON i.id = a.item_id
                WHERE {active} AND {recv} GROUP BY a.unit_id""", [end, end, *args])
            out["units"] = len(c.fetchall())
            c.execute(f"""SELECT COUNT(DISTINCT a.item_id) FROM proposals_assignment a JOIN proposals_item i ON i.id = a.item_id
                WHERE a.closed_early AND a.closed_at < %s AND {recv} AND (SELECT t.needs_planned_date FROM proposals_reply r
                  JOIN org_replytype t ON t.id = r.reply_type_id WHERE r.assignment_id = a.id AND r.state = 'sent' AND r.sent_at < %s
                  ORDER BY r.sent_at DESC, r.id DESC LIMIT 1) = %s""", [end, *args, end, t])
            out["early"] = c.fetchone()[0]
            rehandle = "(r.round = 1 AND NOT f.lapsed AND (f.agrees = %s OR g.sends_to_rehandling))"
            second = ("EXISTS (SELECT 1 FROM proposals_reply s WHERE s.assignment_id = r.assignment_id AND s.round >= 2 "
                      "AND s.state = 'sent' AND s.sent_at < %s)")
            c.execute(f"""SELECT COUNT(DISTINCT CASE WHEN f.agrees = %s THEN f.item_id END), COUNT(DISTINCT CASE WHEN f.praise THEN f.item_id END),
                COUNT(DISTINCT CASE WHEN {rehandle} THEN f.item_id END), COUNT(DISTINCT CASE WHEN {rehandle} AND NOT {second} THEN f.item_id END),
                COUNT(DISTINCT CASE WHEN f.praise THEN a.unit_id END)
                FROM proposals_feedback f JOIN proposals_item i ON i.id = f.item_id JOIN proposals_reply r ON r.id = f.reply_id
                JOIN proposals_assignment a ON a.id = r.assignment_id LEFT JOIN org_feedbackgrade g ON g.id = f.grade_id
                WHERE f.at < %s AND {recv}""", [f, f, f, end, end, *args])
            out["feedback"] = [int(v or 0) for v in c.fetchone()]
        return out

    p = period("session", session_id)
    before = previous(p)
    return {"current": one(p), "previous": one(before) if before else None}


def differences(fig: dict, floor: dict) -> list[str]:
    """Where the report's figures and the floor's disagree (empty: they agree)."""
    problems = []
    for key in ("current", "previous"):
        f, s = fig[key], floor[key]
        if f is None or s is None:
            if (f is None) != (s is None):
                problems.append(f"{key}: one side has no previous period")
            continue
        t, fb = s["totals"], s["feedback"]
        pairs = {"received": t[0], "replied": t[1], "closed": t[2], "key_items": t[3], "key_closed": t[4], "b_in_progress": t[5],
                 "c_items": t[6], "feedback": t[7], "feedback_lapsed": t[8], "contacts_all_three": t[9], "units_involved": s["units"],
                 "b_closed_early": s["early"], "disagreed_items": fb[0], "praised_items": fb[1], "rehandled_items": fb[2],
                 "rehandling_items": fb[3], "praised_units": fb[4]}
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

    session_id, n = largest_session()
    p = period("session", session_id)
    figures = yearly_figures(p)
    mismatch = differences(figures, floor_figures(session_id))
    timed, floor = measure((lambda: (), lambda: yearly_figures(period("session", session_id))),
                           (lambda: (), lambda: floor_figures(session_id)), repeat=repeat, warmup=warmup)
    ratio = timed["p50"] / floor["p50"] if floor["p50"] else float("nan")
    return {"case": f"yearly report (session of {n:,} items)", "p50_ms": round(timed["p50"], 1), "p95_ms": round(timed["p95"], 1),
            "floor_p50_ms": round(floor["p50"], 1), "ratio": round(ratio, 2), "queries": timed["queries"],
            "floor_queries": floor["queries"], "target_ratio": target_ratio, "pass": ratio <= target_ratio and not mismatch,
            "mismatch": mismatch}


def report_page_cases(summary: dict | None = None, **kw) -> tuple[dict, dict, dict]:
    """The report page itself, with its figures kept, after a change and with nothing kept (the
    warm one goes with the pages): bench.report_page."""
    from .report_page import report_page_cases as cases

    return cases(summary, **kw)
