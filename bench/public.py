"""Public site benchmark (/public/, DOMAIN §8): the list, an item page and a search, rendered in
full through the test Client as an anonymous reader with the cache off (a cache hit would time
nothing), each against a floor measured in the same run: the bare SQL reading the same rows, by
hand. The target is p95 <= 100 ms with a number of queries that does not grow with the data.

    from bench.public import run_public_cases
    rows = run_public_cases(repeat=40, warmup=3)
"""

from __future__ import annotations

import re

from .floors import counted_page, ph, table
from .pages import SEARCH, TARGET_P95_MS

ITEM_COLS = ("i.id, i.assembly, i.number, i.title, i.reason, i.suggestions, i.published_at, i.replied_at, i.closed_at, i.state, "
             "i.session_id, s.name, s.year, i.category_id, c.name, rt.code, rt.name, p.name, p.sector, p.is_collective")


def _t():
    from banli.org.models import Category, Person, ReplyType, Session, Unit
    from banli.proposals import models as m

    return {k: table(v) for k, v in {"item": m.Item, "session": Session, "category": Category, "rtype": ReplyType, "person": Person,
                                       "asg": m.Assignment, "unit": Unit, "cosigner": m.CoSigner, "reply": m.Reply,
                                       "pubrec": m.PublicationRecord, "closure": m.ClosureReport}.items()}


def _item_from(t) -> str:
    return (f"{t['item']} i JOIN {t['session']} s ON s.id = i.session_id LEFT JOIN {t['category']} c ON c.id = i.category_id "
            f"LEFT JOIN {t['rtype']} rt ON rt.id = i.reply_type_id JOIN {t['person']} p ON p.id = i.proposer_id")


def _units(c, t, ids) -> list:
    if not ids:
        return []
    c.execute(f"SELECT a.item_id, a.role, a.unit_id, u.name FROM {t['asg']} a JOIN {t['unit']} u ON u.id = a.unit_id "
              f"WHERE a.item_id IN ({ph(ids)}) AND a.state <> 'ended' ORDER BY a.item_id, CASE a.role WHEN 'lead' THEN 0 WHEN 'separate' THEN 1 ELSE 2 END, a.id", ids)
    return c.fetchall()


def list_floor(q: str = "") -> dict:
    """The first page of the list: the count, 20 rows newest first (best first, searching), their
    units, and what the filters offer (sessions, top categories, active units, reply types)."""
    from django.db import connection

    from banli.portal.selectors import COUNT_CAP

    from .search_floor import match

    t = _t()
    joins, where, order, args, order_args = "", "i.published_at IS NOT NULL", "i.published_at DESC, i.id DESC", [], []
    if q:
        m = match(q, "public", where)
        joins, where, order = m.joins, f"{where} AND {m.where}", f"{m.rank}, {order}"
        args, order_args = m.joins_args + m.where_args, m.rank_args
    with connection.cursor() as c:
        rows, count = counted_page(c, ITEM_COLS, f"{t['item']} i {joins} JOIN {t['session']} s ON s.id = i.session_id "
                                   f"LEFT JOIN {t['category']} c ON c.id = i.category_id LEFT JOIN {t['rtype']} rt ON rt.id = i.reply_type_id "
                                   f"JOIN {t['person']} p ON p.id = i.proposer_id", f"{t['item']} i {joins}", where, args, order, order_args,
                                   20, bool(q), cap=COUNT_CAP)
        _units(c, t, [r[0] for r in rows])
        c.execute(f"SELECT id, name, year, assembly FROM {t['session']} ORDER BY year DESC, assembly, ordinal DESC")
        c.fetchall()
        c.execute(f"SELECT id, name, assembly FROM {t['category']} WHERE parent_id IS NULL AND active ORDER BY assembly, position, id")
        c.fetchall()
        c.execute(f"SELECT id, name FROM {t['unit']} WHERE active ORDER BY kind, name")
        c.fetchall()
        c.execute(f"SELECT code, name FROM {t['rtype']} ORDER BY code")
        c.fetchall()
    return {"count": count if q else min(count, COUNT_CAP), "ids": [r[0] for r in rows]}


def item_floor(item_id: int) -> dict:
    """An item page: the item, its units, confirmed co-signers, each published unit's reply as it
    stood at the decision, the approved closure reports of published units."""
    from django.db import connection

    t = _t()
    published = (f"SELECT a.id FROM {t['asg']} a WHERE a.item_id = %s AND a.publication = 'published' AND a.role IN ('lead', 'separate') "
                 f"AND a.state <> 'ended'")
    with connection.cursor() as c:
        c.execute(f"SELECT {ITEM_COLS} FROM {_item_from(t)} WHERE i.id = %s AND i.published_at IS NOT NULL", [item_id])
        row = c.fetchone()
        _units(c, t, [item_id])
        c.execute(f"SELECT p.name, p.sector FROM {t['cosigner']} cs JOIN {t['person']} p ON p.id = cs.person_id "
                  f"WHERE cs.item_id = %s AND cs.state = 'confirmed' ORDER BY cs.id", [item_id])
        c.fetchall()
        c.execute(f"""SELECT r.id, r.body, r.sent_at FROM {t['reply']} r JOIN (
                        SELECT pr.assignment_id, MAX(pr.at) AS decided FROM {t['pubrec']} pr WHERE pr.assignment_id IN ({published})
                        AND pr.kind = 'publish' GROUP BY pr.assignment_id) d ON d.assignment_id = r.assignment_id
                      WHERE r.state = 'sent' AND r.sent_at <= d.decided AND NOT EXISTS (SELECT 1 FROM {t['reply']} l
                        WHERE l.assignment_id = r.assignment_id AND l.state = 'sent' AND l.sent_at <= d.decided AND l.sent_at > r.sent_at)
                      ORDER BY r.assignment_id""", [item_id])
        replies = c.fetchall()
        c.execute(f"SELECT text, done_on FROM {t['closure']} WHERE item_id = %s AND state = 'approved' AND assignment_id IN ({published})",
                  [item_id, item_id])
        c.fetchall()
    return {"found": row is not None, "replies": [r[0] for r in replies]}


_ITEM_LINK = re.compile(r'href="/public/items/(\d+)/"')


def run_public_cases(*, repeat: int = 40, warmup: int = 3, target_ms: float = TARGET_P95_MS, progress=print) -> list[dict]:
    from django.db import connection
    from django.test import Client, override_settings

    from banli.portal import rules

    from .pages import explain, slowest_queries
    from .timing import measure

    progress = progress or (lambda *a, **k: None)
    out = []
    item_id = (rules.published_replies().values_list("item_id", flat=True).order_by("-item_id").first())
    if item_id is None:
        progress("  public: nothing published at this scale")
        return out
    cases = [("public list", "/public/", list_floor), ("public item", f"/public/items/{item_id}/", lambda: item_floor(item_id)),
             (f"public search {SEARCH}", f"/public/?q={SEARCH}", lambda: list_floor(SEARCH))]
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        client = Client()
        for key, url, floor in cases:
            def page(url=url):
                r = client.get(url)
                if r.status_code != 200:
                    raise RuntimeError(f"GET {url} answered {r.status_code}")
                return r

            html = page().content.decode()
            got = floor()
            mismatch = []
            if key != "public item" and [int(x) for x in dict.fromkeys(_ITEM_LINK.findall(html))] != got["ids"]:
                mismatch = ["listed items differ"]
            if key == "public item" and not got["found"]:
                mismatch = ["the floor found no item"]
            slow = slowest_queries(page)
            timed, fl = measure((lambda: (), page), (lambda: (), floor), repeat=repeat, warmup=warmup)
            row = {"case": key, "url": url, "hits": got.get("count", 1),
                   "slowest": [{"ms": round(ms, 2), "sql": sql[:600], "plan": explain(connection, sql, qparams)} for ms, sql, qparams in slow], "p50_ms": round(timed["p50"], 2), "p95_ms": round(timed["p95"], 2),
                   "floor_p50_ms": round(fl["p50"], 2), "floor_p95_ms": round(fl["p95"], 2),
                   "ratio": round(timed["p50"] / fl["p50"], 1) if fl["p50"] else None, "queries": timed["queries"],
                   "floor_queries": fl["queries"], "n": timed["n"], "pass": timed["p95"] <= target_ms and not mismatch,
                   "mismatch": mismatch}
            out.append(row)
            progress(f"  {key:<44} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  floor {row['floor_p50_ms']:6.1f} ms  "
                     f"x{row['ratio']}  {row['queries']} queries")
    return out


__all__ = ["run_public_cases", "SEARCH"]
