"""Floors: the bare SQL that reads or writes the same data as a timed case, written as one would by
hand, measured in the same run (bench.run's API cases, bench.dossier). The page floors are in
bench.page_floors."""

from __future__ import annotations


def table(model) -> str:
    return model._meta.db_table


def counted_page(cur, cols: str, frm: str, count_from: str, where: str, args, order: str, order_args, size: int, search: bool,
                 cap: int | None = None):
    """A list's first rows and its total, as the pages read them: a search counts its matches in
    the pass that ranks them (banli.paging); another list counts first (at most cap + 1 rows, where
    the list says "more than": banli.portal.selectors.COUNT_CAP), then reads its rows."""
    if not search:
        if cap is None:
            cur.execute(f"SELECT COUNT(*) FROM {count_from} WHERE {where}", args)
        else:
            cur.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {count_from} WHERE {where} LIMIT {int(cap) + 1}) AS capped", args)
        count = cur.fetchone()[0]
    cur.execute(f"SELECT {cols}{', COUNT(*) OVER ()' if search else ''} FROM {frm} WHERE {where} ORDER BY {order} LIMIT {size}",
                [*args, *order_args])
    rows = cur.fetchall()
    if search:
        count = rows[0][-1] if rows else 0
    return rows, count


def ph(values) -> str:
    """Placeholders for an IN (...) of these values."""
    return ", ".join(["%s"] * len(values))


def list_floor(session_id, states, unit_ids):
    """Count + the 50 rows with the columns the list shows + their active units: 3 queries, with the
    best plain SQL for the filter (so a plan that degrades with N shows in the ratio)."""
    from django.db import connection

    from banli.org.models import Category, Person, ReplyType, Session, Term, Unit
    from banli.proposals.models import Assignment, Item

    where = "i.session_id = %s AND i.state <> 'draft' AND i.state IN (" + ", ".join(["%s"] * len(states)) + ")"
    args = [session_id, *states]
    if unit_ids is not None:
        # One probe per candidate row; NOT (state = 'ended') lets SQLite use the partial unique
        # index (item, unit) of active assignments.
        where += f" AND EXISTS (SELECT 1 FROM {table(Assignment)} a WHERE a.item_id = i.id AND a.unit_id IN ({', '.join(['%s'] * len(unit_ids))}) AND NOT (a.state = 'ended'))"
        args += unit_ids
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {table(Item)} i WHERE {where}", args)
        cur.fetchone()
        cur.execute(
            f"SELECT i.id, i.assembly, i.number, i.title, i.state, i.is_key, i.urgent, i.submitted_at, i.updated_at, p.name, c.name, pc.name, "
            f"s.name, t.name, rt.code FROM {table(Item)} i JOIN {table(Person)} p ON p.id = i.proposer_id "
            f"LEFT JOIN {table(Category)} c ON c.id = i.category_id LEFT JOIN {table(Category)} pc ON pc.id = c.parent_id "
            f"JOIN {table(Session)} s ON s.id = i.session_id JOIN {table(Term)} t ON t.id = s.term_id "
            f"LEFT JOIN {table(ReplyType)} rt ON rt.id = i.reply_type_id WHERE {where} ORDER BY i.id DESC LIMIT 50", args)
        rows = cur.fetchall()
        ids = [r[0] for r in rows]
        if ids:
            cur.execute(f"SELECT a.item_id, a.unit_id, u.name, a.role FROM {table(Assignment)} a JOIN {table(Unit)} u ON u.id = a.unit_id "
                        f"WHERE a.state <> 'ended' AND a.item_id IN ({', '.join(['%s'] * len(ids))}) ORDER BY a.id", ids)
            cur.fetchall()
    return ids


def detail_floor(item_id):
    """The item row and every related row the detail shows, one bare query per table."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from banli.audit.models import AuditRecord
    from banli.org.models import Category, FeedbackGrade, Person, ReplyType, Session, Term, Unit
    from banli.proposals import models as m

    U = table(get_user_model())
    with connection.cursor() as cur:
        def q(sql, args):
            cur.execute(sql, args)
            return cur.fetchall()

        q(f"SELECT i.*, p.*, c.*, pc.name, s.*, t.name, rt.code, mi.title, ku.first_name FROM {table(m.Item)} i JOIN {table(Person)} p ON p.id = i.proposer_id "
          f"LEFT JOIN {table(Category)} c ON c.id = i.category_id LEFT JOIN {table(Category)} pc ON pc.id = c.parent_id JOIN {table(Session)} s ON s.id = i.session_id "
          f"JOIN {table(Term)} t ON t.id = s.term_id LEFT JOIN {table(ReplyType)} rt ON rt.id = i.reply_type_id LEFT JOIN {table(m.Item)} mi ON mi.id = i.merged_into_id "
          f"LEFT JOIN {U} ku ON ku.id = i.key_leader_id WHERE i.id = %s", [item_id])
        q(f"SELECT c.*, p.name, p.sector, p.party FROM {table(m.CoSigner)} c JOIN {table(Person)} p ON p.id = c.person_id WHERE c.item_id = %s ORDER BY c.id", [item_id])
        asg = q(f"SELECT a.*, u.name, u.short_name, u.kind, o.text, o.waived, o.waiver_reason, o.at FROM {table(m.Assignment)} a JOIN {table(Unit)} u ON u.id = a.unit_id "
                f"LEFT JOIN {table(m.CoOpinion)} o ON o.assignment_id = a.id WHERE a.item_id = %s ORDER BY a.id", [item_id])
        aids = [r[0] for r in asg] or [0]
        ph = ", ".join(["%s"] * len(aids))
        q(f"SELECT * FROM {table(m.AdjustmentRequest)} WHERE assignment_id IN ({ph}) ORDER BY id", aids)
        q(f"SELECT * FROM {table(m.ExtensionRequest)} WHERE assignment_id IN ({ph}) ORDER BY id", aids)
        q(f"SELECT c.*, u.name FROM {table(m.Consultation)} c JOIN {table(Unit)} u ON u.id = c.unit_id WHERE c.item_id = %s ORDER BY c.held_on, c.id", [item_id])
        replies = q(f"SELECT r.*, rt.code, u.name FROM {table(m.Reply)} r JOIN {table(ReplyType)} rt ON rt.id = r.reply_type_id JOIN {table(m.Assignment)} a ON a.id = r.assignment_id "
                    f"JOIN {table(Unit)} u ON u.id = a.unit_id WHERE r.item_id = %s ORDER BY r.id", [item_id])
        rids = [r[0] for r in replies] or [0]
        q(f"SELECT x.*, us.first_name, us.last_name FROM {table(m.ReplyApproval)} x JOIN {U} us ON us.id = x.by_id WHERE x.reply_id IN ({', '.join(['%s'] * len(rids))}) ORDER BY x.id", rids)
        fbs = q(f"SELECT f.*, g.code FROM {table(m.Feedback)} f LEFT JOIN {table(FeedbackGrade)} g ON g.id = f.grade_id WHERE f.item_id = %s ORDER BY f.id", [item_id])
        fids = [r[0] for r in fbs] or [0]
        q(f"SELECT cg.*, u.name, g.code FROM {table(m.CoUnitGrade)} cg JOIN {table(Unit)} u ON u.id = cg.unit_id JOIN {table(FeedbackGrade)} g ON g.id = cg.grade_id "
          f"WHERE cg.feedback_id IN ({', '.join(['%s'] * len(fids))})", fids)
        q(f"SELECT p.*, u.name FROM {table(m.ProgressUpdate)} p JOIN {table(m.Assignment)} a ON a.id = p.assignment_id JOIN {table(Unit)} u ON u.id = a.unit_id WHERE p.item_id = %s ORDER BY p.id", [item_id])
        q(f"SELECT c.*, u.name FROM {table(m.ClosureReport)} c JOIN {table(m.Assignment)} a ON a.id = c.assignment_id JOIN {table(Unit)} u ON u.id = a.unit_id WHERE c.item_id = %s ORDER BY c.id", [item_id])
        q(f"SELECT * FROM {table(m.PublicationRecord)} WHERE item_id = %s ORDER BY id", [item_id])
        q(f"SELECT l.*, us.first_name FROM {table(m.LeaderInstruction)} l JOIN {U} us ON us.id = l.leader_id WHERE l.item_id = %s ORDER BY l.id", [item_id])
        q(f"SELECT g.*, u.name FROM {table(m.UrgeNotice)} g JOIN {table(Unit)} u ON u.id = g.unit_id WHERE g.item_id = %s ORDER BY g.id", [item_id])
        q(f"SELECT * FROM {table(m.Mediation)} WHERE item_id = %s ORDER BY id", [item_id])
        q(f"SELECT msg.*, us.first_name, u1.name, u2.name FROM {table(m.Message)} msg JOIN {U} us ON us.id = msg.author_id LEFT JOIN {table(Unit)} u1 ON u1.id = msg.unit_id "
          f"LEFT JOIN {table(Unit)} u2 ON u2.id = msg.to_unit_id WHERE msg.item_id = %s ORDER BY msg.id", [item_id])
        q(f"SELECT id, name, size, content_type, at FROM {table(m.Attachment)} WHERE item_id = %s ORDER BY id", [item_id])
        q(f"SELECT u.id, u.name, u.short_name, u.kind FROM {table(Unit)} u JOIN {table(m.Item.suggested_units.through)} su ON su.unit_id = u.id WHERE su.item_id = %s", [item_id])
        q(f"SELECT r.*, us.first_name, us.username FROM {table(AuditRecord)} r LEFT JOIN {U} us ON us.id = r.actor_id WHERE r.item_id = %s ORDER BY r.id", [item_id])


def json_ph():
    from django.db import connection

    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


def register_floor(item_id):
    """The bare write of a registration: UPDATE the item row, INSERT its audit row, commit."""
    from django.db import connection, transaction
    from django.utils import timezone

    from banli.audit.models import AuditRecord
    from banli.proposals.models import Item

    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"UPDATE {table(Item)} SET state = %s, registered_at = %s, state_reason = '', updated_at = %s WHERE id = %s",
                    ["registered", now, now, item_id])
        cur.execute(f"INSERT INTO {table(AuditRecord)} (at, actor_id, action, item_id, target_type, target_id, before, after, note, prev_hash, hash) "
                    f"VALUES (%s, NULL, %s, %s, %s, %s, {json_ph()}, {json_ph()}, '', '', '')",
                    [now, "bench_floor", item_id, "item", item_id, '{"state": "submitted"}', '{"state": "registered"}'])


def sign_floor(assignment_id, user_id):
    from django.db import connection, transaction
    from django.utils import timezone

    from banli.audit.models import AuditRecord
    from banli.proposals.models import Assignment

    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"UPDATE {table(Assignment)} SET state = %s, signed_at = %s, signed_by_id = %s WHERE id = %s", ["signed", now, user_id, assignment_id])
        cur.execute(f"INSERT INTO {table(AuditRecord)} (at, actor_id, action, item_id, target_type, target_id, before, after, note, prev_hash, hash) "
                    f"VALUES (%s, %s, %s, NULL, %s, %s, {json_ph()}, {json_ph()}, '', '', '')",
                    [now, user_id, "bench_floor", "assignment", assignment_id, '{"state": "pending"}', '{"state": "signed"}'])
