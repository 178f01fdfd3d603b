"""The floor of the assessment benchmark: hand-written SQL that states the figures a year's
assessment scores, unit by unit, as the records stood at the end of a day (the rules of
banli/assessment/facts.py written out): the on-time deadlines by kind and role, the overdue
events by kind, the ratings and reply types in force, the three contacts, the proposers' and the
lead units' grades of co-handling units, the hours to answer messages and questions, urges,
refused adjustments, changes of liaison, the points people entered and the self-assessments; for a
scheme that scores items one by one (per_item), each assignment's first reply and co-opinion
deadline, its grade and reply type in force and its co grades as well. One statement per kind of
record, grouped in SQL; `differences` checks that standings() states the same numbers.

    from bench.assessment_floor import floor_counts, differences
    counts = floor_counts(scheme)                  # as of today
    assert differences(standings(scheme), counts, scheme) == []
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection
from django.utils import timezone

from .floors import table
from .report import NOT_RECEIVED

TIMED = ("sign", "consult", "co_opinion", "reply", "second_reply", "progress")


def _tables():
    from banli.assessment.models import Entry, Indicator, SelfAssessment
    from banli.deadlines.models import Deadline, OverdueEvent
    from banli.org.models import FeedbackGrade, ReplyType, Session, Unit, UnitLiaison
    from banli.proposals import models as m

    names = {"entry": Entry, "indicator": Indicator, "selfassessment": SelfAssessment, "deadline": Deadline, "overdue": OverdueEvent,
             "grade": FeedbackGrade, "rtype": ReplyType, "session": Session, "unit": Unit, "liaison": UnitLiaison, "item": m.Item,
             "asg": m.Assignment, "consult": m.Consultation, "reply": m.Reply, "feedback": m.Feedback, "cogr": m.CoUnitGrade,
             "leadgr": m.LeadCoGrade, "message": m.Message, "question": m.Question, "urge": m.UrgeNotice, "adj": m.AdjustmentRequest}
    return {k: table(v) for k, v in names.items()}


def _hours(later, earlier) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier})) / 3600.0"
    return f"(julianday({later}) - julianday({earlier})) * 24.0"


def floor_counts(scheme, as_of: dt.date | None = None) -> dict:
    """The per-unit counts of the scheme's year as of the day (today by default)."""
    t = _tables()
    day = as_of or timezone.localdate()
    ops = connection.ops
    end = ops.adapt_datetimefield_value(timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)))
    y0, y1 = (ops.adapt_datetimefield_value(timezone.make_aware(dt.datetime(scheme.year + k, 1, 1))) for k in (0, 1))
    d = ops.adapt_datefield_value(day)
    year = (f"i.session_id IN (SELECT id FROM {t['session']} WHERE year = %s) AND i.registered_at < %s "
            f"AND i.state NOT IN ({', '.join(['%s'] * len(NOT_RECEIVED))})")
    yargs = [scheme.year, end, *NOT_RECEIVED]
    active = "a.assigned_at < %s AND (a.state <> 'ended' OR a.ended_at >= %s)"
    seen = "d.state <> 'waived' AND ((d.state = 'met' AND d.met_on <= %s) OR d.due_on < %s)"
    met = "CASE WHEN d.state = 'met' AND d.met_on <= %s THEN d.met_on END"
    later_sent = (f"SELECT 1 FROM {t['reply']} l WHERE l.assignment_id = r.assignment_id AND l.state = 'sent' AND l.sent_at < %s "
                  f"AND l.id > r.id")
    out = {k: defaultdict(lambda: [0, 0.0]) for k in ("contacts", "deadlines", "replies", "ratings", "agrees", "praise", "co_proposer",
                                                      "co_lead", "messages", "questions")}
    out.update({k: defaultdict(int) for k in ("overdue", "urges", "refused", "liaison")})
    per_item = any(i.metric == "per_item" for i in scheme.indicators.all())
    with connection.cursor() as c:
        c.execute(f"SELECT id, code, metric, roles, params FROM {t['indicator']} WHERE scheme_id = %s", [scheme.pk])
        out["indicators"] = c.fetchall()
        # Units assessed (an active assignment on a received item of the year) and the three contacts.
        c.execute(f"""SELECT a.unit_id, u.name, a.role, COUNT(*), SUM(CASE WHEN (SELECT COUNT(DISTINCT k.kind) FROM {t['consult']} k
                        WHERE k.item_id = a.item_id AND k.unit_id = a.unit_id AND k.kind IN ('before', 'during', 'after')
                        AND k.recorded_at < %s) = 3 THEN 1 ELSE 0 END)
                      FROM {t['asg']} a JOIN {t['item']} i ON i.id = a.item_id JOIN {t['unit']} u ON u.id = a.unit_id
                      WHERE {year} AND {active} GROUP BY a.unit_id, u.name, a.role""", [end, *yargs, end, end])
        out["units"] = {}
        for unit, name, role, n, ok in c.fetchall():
            out["units"][unit] = name
            out["contacts"][unit, role] = [n, ok]
        # Deadlines met by then, or past due by then, by kind and role.
        c.execute(f"""SELECT d.unit_id, d.kind, a.role, COUNT(*), SUM(CASE WHEN d.state = 'met' AND d.met_on <= %s AND d.met_on <= d.due_on
                        THEN 1 ELSE 0 END)
                      FROM {t['deadline']} d JOIN {t['asg']} a ON a.id = d.assignment_id JOIN {t['item']} i ON i.id = d.item_id
                      WHERE {year} AND d.kind IN ({', '.join(['%s'] * len(TIMED))}) AND {seen}
                      GROUP BY d.unit_id, d.kind, a.role""", [d, *yargs, *TIMED, d, d])
        for unit, kind, role, n, ok in c.fetchall():
            out["deadlines"][unit, kind, role] = [n, ok]
        # Overdue events recorded by then: the year's items', and those of questions asked in the year.
        c.execute(f"""SELECT e.unit_id, e.kind, COUNT(*) FROM {t['overdue']} e LEFT JOIN {t['item']} i ON i.id = e.item_id
                      LEFT JOIN {t['deadline']} d ON d.id = e.deadline_id LEFT JOIN {t['question']} q ON q.id = d.question_id
                      WHERE e.unit_id IS NOT NULL AND e.recorded_at < %s
                        AND (({year}) OR (e.item_id IS NULL AND q.asked_at >= %s AND q.asked_at < %s))
                      GROUP BY e.unit_id, e.kind""", [end, *yargs, y0, y1])
        for unit, kind, n in c.fetchall():
            out["overdue"][unit, kind] = n
        # The reply in force of each assignment (its last sent by then), by type.
        c.execute(f"""SELECT a.unit_id, a.role, rt.code, COUNT(*) FROM {t['reply']} r JOIN {t['asg']} a ON a.id = r.assignment_id
                      JOIN {t['item']} i ON i.id = r.item_id JOIN {t['rtype']} rt ON rt.id = r.reply_type_id
                      WHERE {year} AND r.state = 'sent' AND r.sent_at < %s AND NOT EXISTS ({later_sent})
                      GROUP BY a.unit_id, a.role, rt.code""", [*yargs, end, end])
        for unit, role, code, n in c.fetchall():
            out["replies"][unit, role, code] = n
        # Ratings given by then: in force unless the unit sent a later reply to be rated by then.
        c.execute(f"""SELECT unit_id, role, SUM(CASE WHEN live = 1 AND score IS NOT NULL THEN 1 ELSE 0 END),
                        SUM(CASE WHEN live = 1 THEN score END), SUM(CASE WHEN live = 1 AND agrees IS NOT NULL THEN 1 ELSE 0 END),
                        SUM(CASE WHEN live = 1 AND agrees = %s THEN 1 ELSE 0 END), COUNT(DISTINCT CASE WHEN praise THEN item_id END)
                      FROM (SELECT a.unit_id, a.role, f.item_id, f.agrees, f.praise, g.score,
                                   CASE WHEN EXISTS ({later_sent} AND l.is_conversion = %s) THEN 0 ELSE 1 END AS live
                            FROM {t['feedback']} f JOIN {t['reply']} r ON r.id = f.reply_id JOIN {t['asg']} a ON a.id = r.assignment_id
                            JOIN {t['item']} i ON i.id = f.item_id LEFT JOIN {t['grade']} g ON g.id = f.grade_id
                            WHERE {year} AND f.at < %s) x
                      GROUP BY unit_id, role""", [True, end, False, *yargs, end])
        for unit, role, n, total, n_agrees, agreed, praised in c.fetchall():
            out["ratings"][unit, role] = [n, float(total or 0)]
            out["agrees"][unit, role] = [n_agrees, agreed]
            out["praise"][unit, role] = [praised, 0]
        # The proposer's grade of a co-handling unit in force (given with the latest rating that graded it).
        c.execute(f"""SELECT a.unit_id, COUNT(*), SUM(g.score) FROM {t['asg']} a JOIN {t['item']} i ON i.id = a.item_id
                      JOIN {t['cogr']} cg ON cg.unit_id = a.unit_id JOIN {t['grade']} g ON g.id = cg.grade_id
                      WHERE {year} AND {active} AND a.role = 'co' AND cg.feedback_id = (SELECT MAX(c2.feedback_id) FROM {t['cogr']} c2
                        JOIN {t['feedback']} f2 ON f2.id = c2.feedback_id WHERE c2.unit_id = a.unit_id AND f2.item_id = a.item_id AND f2.at < %s)
                      GROUP BY a.unit_id""", [*yargs, end, end, end])
        for unit, n, total in c.fetchall():
            out["co_proposer"][unit] = [n, float(total)]
        # The lead unit's grade of a co-handling unit: its latest by then.
        c.execute(f"""SELECT a.unit_id, COUNT(*), SUM(g.score) FROM {t['asg']} a JOIN {t['item']} i ON i.id = a.item_id
                      JOIN {t['leadgr']} lg ON lg.assignment_id = a.id JOIN {t['grade']} g ON g.id = lg.grade_id
                      WHERE {year} AND {active} AND a.role = 'co'
                        AND lg.id = (SELECT MAX(l2.id) FROM {t['leadgr']} l2 WHERE l2.assignment_id = a.id AND l2.at < %s)
                      GROUP BY a.unit_id""", [*yargs, end, end, end])
        for unit, n, total in c.fetchall():
            out["co_lead"][unit] = [n, float(total)]
        # Hours to answer: the proposers' messages to a unit, and the questions asked of a unit in the year.
        c.execute(f"""SELECT m.to_unit_id, COUNT(*), SUM({_hours('m.answered_at', 'm.at')}) FROM {t['message']} m
                      JOIN {t['item']} i ON i.id = m.item_id
                      WHERE {year} AND m.side = 'proposer' AND m.to_unit_id IS NOT NULL AND m.answered_at < %s GROUP BY m.to_unit_id""",
                  [*yargs, end])
        for unit, n, hours in c.fetchall():
            out["messages"][unit] = [n, float(hours)]
        c.execute(f"""SELECT q.to_unit_id, COUNT(*), SUM({_hours('q.answered_at', 'q.asked_at')}) FROM {t['question']} q
                      WHERE q.to_unit_id IS NOT NULL AND q.asked_at >= %s AND q.asked_at < %s AND q.answered_at < %s
                      GROUP BY q.to_unit_id""", [y0, y1, end])
        for unit, n, hours in c.fetchall():
            out["questions"][unit] = [n, float(hours)]
        # Urges, refused adjustment requests, changes of liaison (a term started in the year, after another).
        c.execute(f"""SELECT e.unit_id, COUNT(*) FROM {t['urge']} e JOIN {t['item']} i ON i.id = e.item_id
                      WHERE {year} AND e.at < %s GROUP BY e.unit_id""", [*yargs, end])
        out["urges"].update(c.fetchall())
        c.execute(f"""SELECT a.unit_id, COUNT(*) FROM {t['adj']} r JOIN {t['asg']} a ON a.id = r.assignment_id
                      JOIN {t['item']} i ON i.id = a.item_id
                      WHERE {year} AND r.state = 'refused' AND r.decided_at < %s GROUP BY a.unit_id""", [*yargs, end])
        out["refused"].update(c.fetchall())
        c.execute(f"""SELECT l.unit_id, COUNT(*) FROM {t['liaison']} l WHERE l.started_on >= %s AND l.started_on <= %s
                        AND EXISTS (SELECT 1 FROM {t['liaison']} e WHERE e.unit_id = l.unit_id AND e.started_on < l.started_on)
                      GROUP BY l.unit_id""", [ops.adapt_datefield_value(dt.date(scheme.year, 1, 1)),
                                              ops.adapt_datefield_value(min(day, dt.date(scheme.year, 12, 31)))])
        out["liaison"].update(c.fetchall())
        # What people entered (the latest of each indicator, unit, kind and assembly, if not withdrawn), the self-assessments.
        c.execute(f"""SELECT e.unit_id, e.indicator_id, e.kind, e.points FROM {t['entry']} e WHERE e.scheme_id = %s AND NOT e.withdrawn
                        AND (e.kind = 'adjustment' OR e.id = (SELECT MAX(x.id) FROM {t['entry']} x WHERE x.scheme_id = e.scheme_id
                          AND x.indicator_id = e.indicator_id AND x.unit_id = e.unit_id AND x.kind = e.kind AND x.assembly = e.assembly))""",
                  [scheme.pk])
        out["entries"] = c.fetchall()
        c.execute(f"SELECT unit_id, submitted_at FROM {t['selfassessment']} WHERE scheme_id = %s", [scheme.pk])
        out["self"] = dict(c.fetchall())
        c.execute(f"SELECT MAX(score) FROM {t['grade']}")
        out["max_score"] = float(c.fetchone()[0] or 100)
        if per_item:
            out["items"] = _per_item(c, t, year, yargs, active, seen, met, later_sent, end, d)
    return out


def _per_item(c, t, year, yargs, active, seen, met, later_sent, end, d) -> list:
    """One row per assignment: its first reply and co-opinion deadlines (due, met by then, days late),
    its grade and reply type in force, the proposer's and the lead unit's grade of it."""
    first = ("(SELECT {col} FROM {dl} d LEFT JOIN {ov} o ON o.deadline_id = d.id WHERE d.assignment_id = a.id AND d.kind = '{kind}' "
             "AND {seen} ORDER BY d.due_on, d.id LIMIT 1)")
    cols, args = [], []
    for kind in ("reply", "co_opinion"):
        for col, extra in (("d.due_on", []), (met, [d]), ("o.days_late", [])):
            cols.append(first.format(col=col, dl=t["deadline"], ov=t["overdue"], kind=kind, seen=seen))
            args += [*extra, d, d]
    cols.append(f"""(SELECT g.score FROM {t['feedback']} f JOIN {t['reply']} r ON r.id = f.reply_id LEFT JOIN {t['grade']} g ON g.id = f.grade_id
                     WHERE r.assignment_id = a.id AND f.at < %s AND NOT EXISTS ({later_sent} AND l.is_conversion = %s) ORDER BY f.id DESC LIMIT 1)""")
    args += [end, end, False]
    cols.append(f"""(SELECT rt.code FROM {t['reply']} r JOIN {t['rtype']} rt ON rt.id = r.reply_type_id WHERE r.assignment_id = a.id
                     AND r.state = 'sent' AND r.sent_at < %s ORDER BY r.id DESC LIMIT 1)""")
    args += [end]
    cols.append(f"""(SELECT g.score FROM {t['cogr']} cg JOIN {t['feedback']} f ON f.id = cg.feedback_id JOIN {t['grade']} g ON g.id = cg.grade_id
                     WHERE cg.unit_id = a.unit_id AND f.item_id = a.item_id AND f.at < %s ORDER BY cg.feedback_id DESC LIMIT 1)""")
    args += [end]
    cols.append(f"""(SELECT g.score FROM {t['leadgr']} lg JOIN {t['grade']} g ON g.id = lg.grade_id WHERE lg.assignment_id = a.id
                     AND lg.at < %s ORDER BY lg.id DESC LIMIT 1)""")
    args += [end]
    c.execute(f"SELECT a.id, a.unit_id, a.role, {', '.join(cols)} FROM {t['asg']} a JOIN {t['item']} i ON i.id = a.item_id "
              f"WHERE {year} AND {active}", [*args, *yargs, end, end])
    return c.fetchall()
