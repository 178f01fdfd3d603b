"""The page floors: the bare SQL a hand-written server would run for the same page (who the user
is, the unread count, the to-do page's sections, the list page's rows and totals), measured
against the pages by bench.pages."""

from __future__ import annotations

from .floors import counted_page, table
from .floors import ph as _ph

LIST_PAGE_SIZE = 30  # banli.web.views.items.PAGE_SIZE, read at run time when it exists


def whoami(cur, session_key, uid) -> dict:
    """The session, the user, their roles and the unread count: what any page reads first."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session as DjangoSession
    from django.utils import timezone

    from banli.notify.models import Notification
    from banli.org.models import Person, StaffRole, Unit, UnitLiaison

    cur.execute(f"SELECT session_data FROM {table(DjangoSession)} WHERE session_key = %s AND expire_date > %s", [session_key, timezone.now()])
    cur.fetchone()
    cur.execute(f"SELECT id, username, first_name, last_name, is_active, is_superuser FROM {table(get_user_model())} WHERE id = %s", [uid])
    cur.fetchone()
    cur.execute(f"SELECT kind, assembly FROM {table(StaffRole)} WHERE user_id = %s", [uid])
    roles = cur.fetchall()
    cur.execute(f"SELECT id, leader_id, supervising_leader_id FROM {table(Unit)} WHERE leader_id = %s OR supervising_leader_id = %s", [uid, uid])
    units = cur.fetchall()
    cur.execute(f"SELECT unit_id FROM {table(UnitLiaison)} WHERE user_id = %s AND ended_on IS NULL", [uid])
    liaison = {r[0] for r in cur.fetchall()}
    cur.execute(f"SELECT id FROM {table(Person)} WHERE user_id = %s", [uid])
    persons = [r[0] for r in cur.fetchall()]
    cur.execute(f"SELECT COUNT(*) FROM {table(Notification)} WHERE recipient_id = %s AND read_at IS NULL", [uid])
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
    from banli.proposals.todo_base import SHOWN
    from banli.proposals.models import ENDED_STATES
    from banli.proposals.workflow import SUPERVISED

    I, A, U = table(Item), table(Assignment), table(Unit)
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
            top("cosign", f"{I} i JOIN {table(CoSigner)} c ON c.item_id = i.id", f"i.state = 'draft' AND c.person_id IN ({ph}) AND c.state = 'invited'",
                persons, "i.id DESC", item_cols)
            top("to_rate", f"{table(Deadline)} d JOIN {I} i ON i.id = d.item_id",
                f"d.kind = 'feedback' AND d.state IN ('open', 'late') AND i.proposer_id IN ({ph})", persons, "d.due_on, d.id",
                "d.item_id, i.number, i.title, d.due_on", count_from=f"{table(Deadline)} d JOIN {I} i ON i.id = d.item_id")
            cur.execute(f"SELECT m.item_id, COUNT(*) FROM {table(Message)} m JOIN {I} i ON i.id = m.item_id "
                        f"WHERE i.proposer_id IN ({ph}) AND m.side <> 'proposer' AND NOT EXISTS (SELECT 1 FROM {table(MessageReadMark)} r "
                        f"WHERE r.user_id = %s AND r.item_id = m.item_id AND r.last_read_id >= m.id) GROUP BY m.item_id ORDER BY m.item_id DESC",
                        [*persons, uid])
            groups = cur.fetchall()
            ids = [g[0] for g in groups[:SHOWN]]
            if ids:
                cur.execute(f"SELECT id, number, title FROM {I} WHERE id IN ({_ph(ids)})", ids)
                cur.fetchall()
            sections["unread"] = (len(groups), ids)
            top("answers", table(Question), f"asker_id IN ({ph}) AND answered_at IS NOT NULL AND answer_read_at IS NULL", persons,
                "answered_at DESC", "id, subject", ids_of=lambda r: f"/questions/#q{r[0]}")
        if me["offices"]:
            ph = _ph(me["offices"])
            top("review", f"{I} i", f"i.assembly IN ({ph}) AND i.state = 'submitted'", me["offices"], "i.id DESC", item_cols)
            top("withdrawals", f"{I} i", f"i.assembly IN ({ph}) AND i.withdrawal_requested", me["offices"], "i.id DESC", item_cols)
        if me["gov"]:
            # Split: a window count over "newest first" walked every item of the history (350 ms at 1M).
            top("to_assign", f"{I} i", "i.state = 'registered'", [], "i.id DESC", item_cols, split=True)
            top("adjustments", f"{A} a JOIN {I} i ON i.id = a.item_id JOIN {U} u ON u.id = a.unit_id", "a.state = 'adjusting'", [], "a.id",
                "a.item_id, i.number, i.title, u.name", count_from=f"{A} a")
            top("extensions", f"{table(ExtensionRequest)} e JOIN {A} a ON a.id = e.assignment_id JOIN {I} i ON i.id = a.item_id JOIN {U} u ON u.id = a.unit_id",
                "e.state = 'pending'", [], "e.id", "a.item_id, i.number, i.title, u.name, e.requested_due", count_from=f"{table(ExtensionRequest)} e")
            # Every late milestone, an item's or a Q&A answer's (as the card since it lists both).
            top("late", f"{table(Deadline)} d LEFT JOIN {I} i ON i.id = d.item_id LEFT JOIN {U} u ON u.id = d.unit_id "
                f"LEFT JOIN {table(Question)} q ON q.id = d.question_id", "d.state = 'late'", [], "d.due_on, d.id",
                "d.item_id, d.question_id, i.number, i.title, u.name, d.kind, d.due_on, q.subject", count_from=f"{table(Deadline)} d",
                ids_of=lambda r: r[0] if r[0] else f"/questions/#q{r[1]}", split=True)
            # Per replying unit, as the card: replied and still undecided, on a live item.
            ended = sorted(ENDED_STATES)
            # "Not on an ended item" against the few ended items (partial index item_ended), not by item.
            top("publication", f"{A} a JOIN {I} i ON i.id = a.item_id JOIN {U} u ON u.id = a.unit_id",
                f"a.publication = 'undecided' AND a.replied_round >= 1 AND a.state <> 'ended' "
                f"AND NOT EXISTS (SELECT 1 FROM {I} e WHERE e.id = a.item_id AND e.state IN ({_ph(ended)}))", ended,
                "a.id", "a.item_id, i.number, i.title, u.name", count_from=f"{A} a", split=True)
            top("questions", table(Question), "to_unit_id IS NULL AND answered_at IS NULL", [], "asked_at", "id, subject",
                ids_of=lambda r: f"/questions/#q{r[0]}")
        if me["liaison"]:
            liaison_floor(cur, me["liaison"], sections, top)
        if me["heads"]:
            heads = me["heads"]
            # From the units' assignments to their rows (the plan SQLite finds best for IN, not for the join).
            mine = f"assignment_id IN (SELECT id FROM {A} WHERE unit_id IN ({_ph(heads)}))"
            top("approve_replies", f"{table(Reply)} r JOIN {A} a ON a.id = r.assignment_id JOIN {I} i ON i.id = r.item_id JOIN {U} u ON u.id = a.unit_id",
                f"r.state = 'pending_unit' AND r.{mine}", heads, "r.id", "r.item_id, i.number, i.title, u.name",
                count_from=f"{table(Reply)} r")
            top("approve_closure", f"{table(ClosureReport)} c JOIN {A} a ON a.id = c.assignment_id JOIN {I} i ON i.id = c.item_id JOIN {U} u ON u.id = a.unit_id",
                f"c.state = 'pending' AND c.{mine}", heads, "c.id", "c.item_id, i.number, i.title, u.name",
                count_from=f"{table(ClosureReport)} c")
        if me["leader"]:
            units = me["portfolio"] or [0]
            top("leader_replies", f"{table(Reply)} r JOIN {A} a ON a.id = r.assignment_id JOIN {I} i ON i.id = r.item_id JOIN {U} u ON u.id = a.unit_id",
                f"r.state = 'pending_leader' AND r.assignment_id IN (SELECT id FROM {A} WHERE unit_id IN ({_ph(units)}))", units, "r.id",
                "r.item_id, i.number, i.title, u.name", count_from=f"{table(Reply)} r")
            states = sorted(SUPERVISED)  # a closed key item needs nothing more of the leader
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
    I, A, C, U = table(Item), table(Assignment), table(Category), table(Unit)
    with connection.cursor() as cur:
        me = whoami(cur, session_key, uid)
        cur.execute(f"SELECT s.id, s.name, s.assembly, t.name FROM {table(Session)} s JOIN {table(Term)} t ON t.id = s.term_id ORDER BY s.opens_on DESC, s.assembly")
        cur.fetchall()
        cur.execute(f"SELECT id, name, assembly FROM {C} WHERE active AND parent_id IS NULL ORDER BY assembly, position, id")
        cur.fetchall()
        cur.execute(f"SELECT id, name FROM {U} WHERE active ORDER BY kind, name")
        cur.fetchall()
        cur.execute(f"SELECT id, code, name, name_en FROM {table(ReplyType)} WHERE active ORDER BY position, id")
        cur.fetchall()

        where, args = [], []
        if me["gov"]:
            where.append("i.state <> 'draft'")
        else:
            units = sorted(set(me["units"]) | set(me["portfolio"]))
            if me["offices"] or not (units or me["persons"] or me["leader"]):
                raise NotImplementedError("list_floor covers the office, unit staff, members and district leaders")
            if not (me["persons"] or me["leader"]) and (params.get("session") or params.get("late")):
                # Few candidate rows (a session's, or the late ones): one probe each into the
                # partial unique index (item, unit) of active assignments.
                where.append(f"EXISTS (SELECT 1 FROM {A} a WHERE a.item_id = i.id AND a.unit_id IN ({_ph(units)}) AND NOT (a.state = 'ended'))")
                args += units
            elif me["leader"] and not me["persons"]:
                # A district leader reads a third of everything: each item tested as the list walks
                # them newest first (their units' active assignment by a range of one, which
                # PostgreSQL probes rather than hashing all of them; their key items).
                where.append(f"(EXISTS (SELECT 1 FROM {A} a WHERE a.item_id >= i.id AND a.item_id <= i.id AND a.unit_id IN ({_ph(units)}) "
                             f"AND NOT (a.state = 'ended')) OR i.key_leader_id = %s)" if units else "i.key_leader_id = %s")
                args += [*units, me["uid"]]
            else:
                # Otherwise from the index of each way of reading, united.
                sql, more = visible_union(me, units)
                where.append(f"i.id IN ({sql})")
                args += more
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
            where.append(f"i.id IN (SELECT item_id FROM {table(Deadline)} WHERE state = 'late' AND item_id IS NOT NULL)")
        joins, order, order_args = "", "i.id DESC", []
        if params.get("q"):  # through the search index (banli.search), best first, as the list orders a search
            from .search_floor import match

            # Unit staff only: narrowed by their units' keys, as banli.proposals.access.search_units says.
            if connection.vendor == "postgresql" and me["persons"] and not (me["gov"] or me["leader"] or units):
                m = few_readable_match(cur, params["q"], where, args)  # a member: from the few ids they read
            else:
                m = match(params["q"], "staff", " AND ".join(where) or "TRUE", args, units=None if me["gov"] or me["persons"] or me["leader"] else units)
            joins, order, order_args = m.joins, f"{m.rank}, i.id DESC", m.rank_args
            where.append(m.where)
            args = m.joins_args + args + m.where_args
        w = " AND ".join(where)
        rows, count = counted_page(cur, "i.id, i.number, i.title, i.state, i.is_key, p.name, c.name, rt.code",
                                   f"{I} i {joins} JOIN {table(Person)} p ON p.id = i.proposer_id LEFT JOIN {C} c ON c.id = i.category_id "
                                   f"LEFT JOIN {table(ReplyType)} rt ON rt.id = i.reply_type_id", f"{I} i {joins}", w, args, order, order_args,
                                   size, bool(params.get("q")), cap=list_count_cap())
        ids = [r[0] for r in rows]
        if ids:
            cur.execute(f"SELECT a.item_id, u.name, a.role FROM {A} a JOIN {U} u ON u.id = a.unit_id WHERE a.state <> 'ended' "
                        f"AND a.item_id IN ({_ph(ids)}) ORDER BY a.id", ids)
            cur.fetchall()
    return {"count": count, "ids": ids, "cap": list_count_cap()}


def few_readable_match(cur, q, where, args):
    """A member's search (banli.proposals.access.search_among): the ids they may read, then the words
    tested on those documents by key, newest session first and best first, as the probes order."""
    from banli.search.query import CANDIDATES, _parts, tsquery

    from .search_floor import Match

    cur.execute(f"SELECT i.id FROM {table_of('Item')} i WHERE {' AND '.join(where) or 'TRUE'}", args)
    ids = [r[0] for r in cur.fetchall()] or [0]
    words = tsquery(_parts(q))
    docs = "JOIN search_searchdocument d ON d.item_id = i.id AND d.scope = 'staff'"
    rank = "-ts_rank(d.vector, to_tsquery('simple'::regconfig, %s), 1)"
    cur.execute(f"SELECT i.id FROM {table_of('Item')} i {docs} JOIN {table_of('Session')} s ON s.id = i.session_id "
                f"WHERE i.id IN ({_ph(ids)}) AND d.vector @@ to_tsquery('simple'::regconfig, %s) "
                f"ORDER BY s.opens_on DESC, i.session_id DESC, {rank}, i.id DESC LIMIT {CANDIDATES}", [*ids, words, words])
    found = [r[0] for r in cur.fetchall()] or [0]
    return Match(docs, [], f"i.id IN ({_ph(found)})", found, rank, [words])


def table_of(name: str) -> str:
    from django.apps import apps

    return table(apps.get_model("proposals" if name == "Item" else "org", name))


def list_count_cap() -> int | None:
    """The staff list's count cap (banli.paging.STAFF_COUNT_CAP) when its view pages with
    StaffListPaginator, else None (an exact count)."""
    try:
        from banli.paging import STAFF_COUNT_CAP, StaffListPaginator
        from banli.web.views import items as view
    except ImportError:
        return None
    uses = StaffListPaginator in (getattr(view, "StaffListPaginator", None), getattr(view, "ListPaginator", None))
    return STAFF_COUNT_CAP if uses else None


def visible_union(me, units) -> tuple[str, list]:
    """The ids of the items a member, a unit's staff or a district leader reads, one index lookup
    per way of reading (banli.proposals.access.visible_items): own items, confirmed co-signatures
    of submitted items, invitations to drafts, items one's own were merged into, the units' active
    assignments, the leader's key items."""
    from banli.proposals.models import Assignment, CoSigner, Item

    I = table(Item)
    parts, args = [], []
    if me["persons"]:
        ph, people = _ph(me["persons"]), list(me["persons"])
        parts += [f"SELECT id FROM {I} WHERE proposer_id IN ({ph})",
                  f"SELECT c.item_id FROM {table(CoSigner)} c JOIN {I} x ON x.id = c.item_id WHERE c.person_id IN ({ph}) "
                  f"AND ((c.state = 'confirmed' AND x.state <> 'draft') OR (c.state IN ('invited', 'confirmed') AND x.state = 'draft'))",
                  f"SELECT merged_into_id FROM {I} WHERE proposer_id IN ({ph}) AND merged_into_id IS NOT NULL"]
        args += people * 3
    if units:
        parts.append(f"SELECT item_id FROM {table(Assignment)} WHERE unit_id IN ({_ph(units)}) AND state <> 'ended'")
        args += units
    if me["leader"]:
        parts.append(f"SELECT id FROM {I} WHERE key_leader_id = %s")
        args.append(me["uid"])
    return " UNION ".join(parts), args


def liaison_floor(cur, units, sections, top) -> None:
    """A unit liaison's to-do (banli.proposals.todo_unit) in plain SQL: the open milestones of the
    signed assignments (signing and messages whatever the state) read once, each reply milestone
    placed by where the reply stands (from the unfinished replies of those assignments), every
    section's first rows fetched together by key; the adjustments; the questions."""
    from banli.deadlines.models import Deadline
    from banli.proposals.models import AdjustmentRequest, Assignment, Item, Question, Reply, ReplyApproval
    from banli.proposals.todo_base import SHOWN
    from banli.proposals.todo_unit import SECTIONS

    D, A, R, RA = table(Deadline), table(Assignment), table(Reply), table(ReplyApproval)
    # The unit's open milestones (signing and messages whatever the assignment's state), once.
    cur.execute(f"SELECT d.id, d.kind, d.state, d.due_on, d.assignment_id FROM {D} d LEFT JOIN {A} a ON a.id = d.assignment_id "
                f"WHERE d.unit_id IN ({_ph(units)}) AND d.item_id IS NOT NULL AND d.state IN ('open', 'late') "
                f"AND (d.kind IN ('sign', 'message') OR a.state = 'signed')", units)
    rows = cur.fetchall()
    asked = sorted({r[4] for r in rows if r[1] in ("reply", "second_reply", "consult")})
    state_of, drafts = {}, {}
    if asked:  # the unfinished replies of those assignments, then the approvals of their drafts (a returned draft)
        cur.execute(f"SELECT id, assignment_id, state FROM {R} WHERE assignment_id IN ({_ph(asked)}) "
                    f"AND state IN ('draft', 'pending_unit', 'pending_leader', 'approved')", asked)
        for pk, a, st in cur.fetchall():
            state_of.setdefault(a, set()).add(st)
            drafts.update({pk: a} if st == "draft" else {})
    if drafts:
        cur.execute(f"SELECT DISTINCT reply_id FROM {RA} WHERE reply_id IN ({_ph(list(drafts))})", list(drafts))
        for (reply_id,) in cur.fetchall():
            state_of[drafts[reply_id]].add("returned")
    consult_open = {r[4] for r in rows if r[1] == "consult"}
    placed = {}
    for pk, kind, state, due_on, a in rows:
        have = state_of.get(a, set())
        stage = next((st for st in ("pending_unit", "pending_leader", "approved", "returned") if st in have), "")
        if kind in ("reply", "second_reply"):
            stage = stage or ("hidden" if a in consult_open else "draft")
        else:
            stage = "hidden" if kind == "consult" and stage else ""
        placed.setdefault((kind, stage), []).append((state, due_on, pk))
    found, wanted = {}, []
    for key, _title, kinds, st, _anchor, _waiting in SECTIONS:
        mine = sorted(r for k in kinds for r in placed.get((k, st), ()))
        if mine:
            found[key] = (len(mine), [r[2] for r in mine[:SHOWN]])
            wanted += found[key][1]
    if wanted:  # every section's entries in one fetch, as the page
        cur.execute(f"SELECT d.id, d.item_id, i.number, i.title FROM {D} d JOIN {table(Item)} i ON i.id = d.item_id WHERE d.id IN ({_ph(wanted)})", wanted)
        item_of = {r[0]: r[1] for r in cur.fetchall()}
        found = {k: (n, [item_of[pk] for pk in ids]) for k, (n, ids) in found.items()}
    # Adjustments: those the office is deciding (someone else's step), and those it refused, which are signed for.
    refused = f"EXISTS (SELECT 1 FROM {table(AdjustmentRequest)} q WHERE q.assignment_id = a.id AND q.state = 'refused')"
    adj_where = {"adjusting": "a.state = 'adjusting'", "refused": f"a.state = 'pending' AND {refused}"}
    adj = {}
    for name, where in adj_where.items():
        cur.execute(f"SELECT COUNT(*) FROM {A} a WHERE a.unit_id IN ({_ph(units)}) AND {where}", units)
        n = cur.fetchone()[0]
        ids = []
        if n:
            cur.execute(f"SELECT a.item_id FROM {A} a WHERE a.unit_id IN ({_ph(units)}) AND {where} ORDER BY a.id LIMIT {SHOWN}", units)
            ids = [r[0] for r in cur.fetchall()]
        adj[name] = (n, ids)
    if adj["refused"][0]:
        total, ids = found.pop("unit_sign", (0, []))
        found = {"unit_sign": (total + adj["refused"][0], (ids + adj["refused"][1])[:SHOWN]), **found}
    if adj["adjusting"][0]:
        found["unit_adjusting"] = adj["adjusting"]
    sections.update(found)
    n = top("unit_questions", table(Question), f"to_unit_id IN ({_ph(units)}) AND answered_at IS NULL", units, "asked_at", "id, subject",
            ids_of=lambda r: f"/questions/#q{r[0]}")
    if not n:
        del sections["unit_questions"]
    if not found and not n:
        sections["unit_clear"] = (0, [])
