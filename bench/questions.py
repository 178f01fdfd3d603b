"""有问必答 in the bench: questions over the last two years with their audit rows, notifications
(to whom: the domain's table of notices) and answer deadlines. The words are the demo's."""

from __future__ import annotations

import datetime as dt

from banli.audit.models import AuditRecord
from banli.audit.service import record_many
from banli.notify.models import Notification
from banli.org.models import Assembly
from banli.proposals import notices as N
from banli.proposals.models import Question
from demo import content as C

from .notices import recipients


def make_questions(org, rng, now, n_items, bulk) -> tuple[int, int]:
    """有问必答: questions over the last two years, to the office, to the busiest unit or to others;
    most answered (and the answer read), the recent ones often still open. Their answer deadlines
    come from banli.deadlines.sync.sync_question, as ask_question/answer_question write them."""
    from banli.deadlines.sync import sync_question

    n = max(12, n_items // 200)
    busiest = org.units[0]
    questions, audits, notes = [], [], []
    for k in range(n):
        person = org.member if k % 10 == 0 else rng.choice(org.people[rng.choice(Assembly.values)])
        r = rng.random()
        unit = busiest if r < 0.3 else None if r < 0.6 else rng.choice(org.units)
        asked = now - dt.timedelta(days=rng.uniform(0.5, 730))
        answered = asked < now - dt.timedelta(days=20) and rng.random() < 0.97 or rng.random() < 0.4
        # The first three make every case exist at a small scale: an answer the member has not read,
        # an open question to the busiest unit, one to the office.
        if k < 3:
            unit, asked = (None, busiest, None)[k], now - dt.timedelta(days=2 + k)
            answered = k == 0
        _, subject, body, answer = rng.choice(C.QUESTIONS)
        q = Question(asker_id=person[0], asked_by_id=person[1], to_unit_id=unit["id"] if unit else None, asked_at=asked,
                     subject=subject, body=body)
        if answered:
            q.answered_at = min(asked + dt.timedelta(days=rng.uniform(0.2, 12)), now - dt.timedelta(hours=1))
            q.answered_by_id = unit["liaison"] if unit else org.gov_ids[0]
            q.answer = answer
            unread = k == 0 or (q.answered_at > now - dt.timedelta(days=30) and rng.random() < 0.5)
            q.answer_read_at = None if unread else min(q.answered_at + dt.timedelta(days=rng.uniform(0.1, 5)), now)
        questions.append(q)
    Question.objects.bulk_create(questions, batch_size=bulk)
    for q in questions:
        unit = org.unit_by_id.get(q.to_unit_id)
        audits.append(AuditRecord(at=q.asked_at, actor_id=q.asked_by_id, action="ask_question", target_type="question", target_id=q.pk,
                                  before={}, after={"to_unit": q.to_unit_id}, note=""))
        name = "question_to_unit" if unit else "question_to_office"
        for uid in dict.fromkeys(recipients(org, name, units=[unit] if unit else [])):
            notes.append(Notification(recipient_id=uid, kind=N.kind_of(name, "ask_question"), text=f"有问必答：{q.subject}",
                                      created_at=q.asked_at, read_at=q.answered_at))
        if q.answered_at:
            audits.append(AuditRecord(at=q.answered_at, actor_id=q.answered_by_id, action="answer_question", target_type="question",
                                      target_id=q.pk, before={}, after={"answered": True}, note=""))
            for uid in recipients(org, "answer", user_ids=[q.asked_by_id]):
                notes.append(Notification(recipient_id=uid, kind=N.kind_of("answer", "answer_question"), text=f"您的提问已答复：{q.subject}",
                                          created_at=q.answered_at, read_at=q.answer_read_at))
        sync_question(q)
    record_many(audits, batch_size=bulk)  # chained into the audit trail's hash chain
    Notification.objects.bulk_create(notes, batch_size=bulk)
    return len(questions), len(questions) * 2 + len(audits) + len(notes)

