"""Replies and what follows them: drafting, approvals and sending, publication, the proposer's
rating (or its lapse), progress updates and the closure report."""

from __future__ import annotations

import datetime as dt

from banli.proposals.models import (
    ClosureReport, CoUnitGrade, Feedback, ItemState, ProgressUpdate, Publication, PublicationRecord, Reply, ReplyApproval, ReplyType,
)

from .copying import make

S = ItemState
REPLY_LINES = ["贵委员/代表提出的建议对我们改进工作很有帮助，现答复如下：", "一、关于统筹推进的问题。我单位已会同相关部门制定了工作方案。",
               "二、关于经费保障的问题。已将相关经费纳入年度预算统筹安排。", "三、关于部门协同的问题。已建立联席会议机制，每季度会商一次。",
               "四、下一步工作。我们将认真吸纳您的意见，持续跟踪推进，并及时向您反馈进展。", "感谢您对我区工作的关心和支持。"]


def _text(rng, lines, lo, hi):
    return "".join(rng.sample(lines, rng.randint(lo, min(hi, len(lines)))))


class Replies:
    """The part of the Planner that writes replies, feedback, progress, closure and publication (a mixin)."""

    def _type(self, no_c=False):
        rng, org = self.rng, self.org
        c = rng.choices((ReplyType.Closure.REPORT, ReplyType.Closure.PLAN, ReplyType.Closure.FEEDBACK), (50, 35, 0 if no_c else 15))[0]
        return org.rtype[c]


    def _reply(self, a_, u, rnd, rtype, t, stop=Reply.State.SENT):
        """Draft, approvals (unit; district for types needing it), sending — up to `stop`."""
        rng, b = self.rng, self.b
        closure = rtype.closure
        withhold = rng.random() < 0.12
        r = b.add(Reply, make(Reply,
            item=self.it, assignment=a_, round=rnd, reply_type_id=rtype.pk, body=_text(rng, REPLY_LINES, 4, 6),
            promise="" if closure == ReplyType.Closure.FEEDBACK else "按计划推进相关工作并按期完成。",
            reference_reason="受规划和财力所限，目前暂不具备实施条件，留作今后工作参考。" if rtype.needs_reason else "",
            signatory=u["leader_name"], contact_person=u["liaison_name"], contact_phone="021-6000" + str(rng.randint(1000, 9999)),
            recommendation=Reply.Recommendation.WITHHOLD if withhold else Reply.Recommendation.PUBLISH,
            withhold_reason="涉及尚未公开的规划信息。" if withhold else "", state=Reply.State.DRAFT, drafted_by_id=u["liaison"], created_at=t,
        ))
        self.audit(u["liaison"], "draft_reply", target=r, at=t, after={"reply_type": rtype.code, "round": rnd, "conversion": False})
        if closure != ReplyType.Closure.FEEDBACK:
            # A reply that promises something says by when (rule 7); a plan runs longer.
            r.planned_date = (t + dt.timedelta(days=rng.randint(90, 300) if rtype.needs_planned_date else rng.randint(30, 120))).date()
        if stop == Reply.State.DRAFT:
            return r
        ts = self.after(t, 0.5, 5)
        r.state = Reply.State.PENDING_UNIT
        self.audit(u["liaison"], "submit_reply", target=r, at=ts, before={"state": "draft"}, after={"state": "pending_unit"})
        if stop == Reply.State.PENDING_UNIT:
            return r
        if rng.random() < 0.1:
            tb = self.after(ts, 0.5, 3)
            b.add(ReplyApproval, make(ReplyApproval, reply=r, level=ReplyApproval.Level.UNIT, decision=ReplyApproval.Decision.RETURNED, comment="请补充具体措施和时限。", by_id=u["leader"], at=tb))
            self.audit(u["leader"], "return_reply", target=r, at=tb, before={"state": "pending_unit"}, after={"state": "draft", "level": "unit"}, note="请补充具体措施和时限。")
            ts = self.after(tb, 0.5, 4)
            self.audit(u["liaison"], "submit_reply", target=r, at=ts, before={"state": "draft"}, after={"state": "pending_unit"})
        tu = self.after(ts, 0.5, 4)
        b.add(ReplyApproval, make(ReplyApproval, reply=r, level=ReplyApproval.Level.UNIT, decision=ReplyApproval.Decision.APPROVED, comment="同意。", by_id=u["leader"], at=tu))
        nxt = Reply.State.PENDING_LEADER if rtype.needs_leader_approval else Reply.State.APPROVED
        self.audit(u["leader"], "approve_reply", target=r, at=tu, before={"state": "pending_unit"}, after={"state": nxt, "level": "unit"})
        if rtype.needs_leader_approval:
            r.state = Reply.State.PENDING_LEADER
            if stop == Reply.State.PENDING_LEADER:
                return r
            tu = self.after(tu, 0.5, 5)
            b.add(ReplyApproval, make(ReplyApproval, reply=r, level=ReplyApproval.Level.DISTRICT, decision=ReplyApproval.Decision.APPROVED, comment="阅。", by_id=u["sup"], at=tu))
            self.audit(u["sup"], "leader_approve_reply", target=r, at=tu, before={"state": "pending_leader"}, after={"state": "approved", "level": "district"})
        r.state = Reply.State.APPROVED
        if stop == Reply.State.APPROVED:
            return r
        r.state, r.sent_at = Reply.State.SENT, self.after(tu, 0.2, 3)
        a_.replied_round = rnd
        self.audit(u["liaison"], "send_reply", target=r, at=r.sent_at, before={"state": self.it.state}, after={"reply_type": rtype.code, "round": rnd})
        if r.planned_date and r.planned_date < r.sent_at.date():
            r.planned_date = r.sent_at.date() + dt.timedelta(days=90)
        return r

    def _feedback(self, a_, u, r, cos, kind):
        rng, org = self.rng, self.org
        t = self.after(r.sent_at, 3, 20) if kind != "lapsed" else self.after(r.sent_at, 22, 35)
        r.feedback_at = t
        if kind == "lapsed":
            fb = self.b.add(Feedback, make(Feedback, reply=r, item=self.it, lapsed=True, by_id=org.gov_ids[0], at=t))
            self.audit(org.gov_ids[0], "record_no_feedback", target=fb, at=t, after={"lapsed": True})
        else:
            if kind == "rehandle":
                # "不同意", or a grade that sends the item back (差): either re-opens the handling.
                if rng.random() < 0.5:
                    grade, agrees = rng.choice(org.bad_grades), rng.random() < 0.3
                else:
                    grade, agrees = rng.choice(org.good_grades[-2:]), False
            else:
                grade, agrees = rng.choices(org.good_grades, [6, 3, 1][:len(org.good_grades)] + [1] * max(0, len(org.good_grades) - 3))[0], True
            fb = self.b.add(Feedback, make(Feedback, reply=r, item=self.it, grade_id=grade, agrees=agrees, comment="" if agrees else "答复未解决实际问题。",
                                               praise=agrees and rng.random() < 0.1, by_id=self.proposer_uid, at=t))
            co_grades = {}
            if cos and rng.random() < 0.7:
                for _, cu in cos:
                    g = rng.choice(org.good_grades)
                    self.b.add(CoUnitGrade, make(CoUnitGrade, feedback=fb, unit_id=cu["id"], grade_id=g))
                    co_grades[cu["id"]] = g
            self.audit(self.proposer_uid, "give_feedback", target=fb, at=t, after={"grade": grade, "agrees": agrees, "co_grades": co_grades})
        if kind != "rehandle" and r.reply_type_id == org.rtype[ReplyType.Closure.FEEDBACK].pk:
            a_.closed_at = t  # a for-reference reply is closed once rated or lapsed (rule 8)
        return fb

    def _progress(self, a_, u, r, until, chance=1.0):
        rtype = next(t for t in self.org.rtype.values() if t.pk == r.reply_type_id)
        if not rtype.progress_every_months or self.rng.random() >= chance:
            return
        step = 30 * rtype.progress_every_months
        t = r.sent_at + dt.timedelta(days=step * self.sc.scale)
        end = until or self.sc.limit
        n = 0
        while t < end and n < 6:
            p = self.b.add(ProgressUpdate, make(ProgressUpdate, item=self.it, assignment=a_, text="按计划推进，已完成阶段性工作。", by_id=u["liaison"], at=t))
            self.audit(u["liaison"], "report_progress", target=p, at=t, after={"unit": u["id"]})
            t += dt.timedelta(days=step * self.sc.scale)
            n += 1

    def _close(self, a_, u, r, leave_open):
        """A/B: progress, closure report, approval. C was closed by its feedback."""
        rng = self.rng
        rtype = next(t for t in self.org.rtype.values() if t.pk == r.reply_type_id)
        if rtype.closure == ReplyType.Closure.FEEDBACK:
            return
        base = max(r.sent_at, r.feedback_at)
        if rtype.needs_planned_date and r.planned_date:
            planned = dt.datetime.combine(r.planned_date, dt.time(10), tzinfo=dt.timezone.utc)
            t_done = min(planned - dt.timedelta(days=rng.uniform(-20, 60)), self.sc.limit)
            t_done = max(t_done, self.after(base, 5, 20))
        else:
            t_done = self.after(base, 15, 120)
        if leave_open:
            self._progress(a_, u, r, until=None, chance=0.8)
            if rng.random() < 0.3:
                tf = min(t_done, self.sc.limit)
                cr = self.b.add(ClosureReport, make(ClosureReport, item=self.it, assignment=a_, text="已按答复承诺完成相关工作。", done_on=tf.date(), filed_by_id=u["liaison"], filed_at=tf))
                self.audit(u["liaison"], "file_closure_report", target=cr, at=tf, after={"done_on": cr.done_on})
            return
        self._progress(a_, u, r, until=t_done, chance=0.8)
        if rng.random() < 0.08:
            cr = self.b.add(ClosureReport, make(ClosureReport, item=self.it, assignment=a_, text="已完成。", done_on=t_done.date(), filed_by_id=u["liaison"], filed_at=t_done,
                                                         state=ClosureReport.State.RETURNED, decided_by_id=u["leader"], decided_at=self.after(t_done, 0.5, 3),
                                                         comment="请补充完成情况的具体数据。"))
            self.audit(u["liaison"], "file_closure_report", target=cr, at=t_done, after={"done_on": cr.done_on})
            self.audit(u["leader"], "return_closure_report", target=cr, at=cr.decided_at, before={"state": "pending"}, after={"state": "returned"}, note=cr.comment)
            t_done = self.after(cr.decided_at, 1, 7)
        cr = self.b.add(ClosureReport, make(ClosureReport, item=self.it, assignment=a_, text="已按答复承诺完成相关工作，具体情况如下：……", done_on=t_done.date(),
                                                     filed_by_id=u["liaison"], filed_at=t_done, state=ClosureReport.State.APPROVED, decided_by_id=u["leader"],
                                                     decided_at=self.after(t_done, 0.5, 5), comment="同意办结。"))
        self.audit(u["liaison"], "file_closure_report", target=cr, at=t_done, after={"done_on": cr.done_on})
        a_.closed_at = cr.decided_at
        self.closed_by_report.append(a_)
        a_.closed_early = bool(rtype.needs_planned_date and r.planned_date and cr.done_on < r.planned_date)  # B only, as the action
        self.audit(u["leader"], "approve_closure_report", target=cr, at=cr.decided_at, before={"state": S.EVALUATED}, after={"closed_early": a_.closed_early})

    def _publication(self, replying):
        """The office decides within 20 working days of the reply (rule 13), on each replying unit's
        reply (rule 3): in the current session 70% are decided so far; an old session's are all
        decided but for a small backlog."""
        rng, it, gov = self.rng, self.it, self.org.gov_ids[0]
        if rng.random() >= (0.7 if self.sc.is_current else 0.99):
            return
        t = self.after(self.last, 5, 25)
        for a_ in replying:
            if it.consent_publish is True:
                a_.publication, kind, reason = Publication.PUBLISHED, PublicationRecord.Kind.PUBLISH, ""
            else:
                a_.publication, kind, reason = Publication.WITHHELD, PublicationRecord.Kind.WITHHOLD, "委员/代表未同意公开。"
            rec = self.b.add(PublicationRecord, make(PublicationRecord, item=it, assignment=a_, kind=kind, reason=reason, by_id=gov, at=t))
            self.audit(gov, "decide_publication", target=rec, at=t, before={"publication": Publication.UNDECIDED},
                       after={"publication": a_.publication}, note=reason)
            if a_.publication == Publication.PUBLISHED and rng.random() < 0.01:
                t2 = self.after(t, 10, 60)
                a_.publication = Publication.REVOKED
                rec = self.b.add(PublicationRecord, make(PublicationRecord, item=it, assignment=a_, kind=PublicationRecord.Kind.REVOKE,
                                                                      reason="涉及个人信息，撤销公开。", by_id=gov, at=t2))
                self.audit(gov, "revoke_publication", target=rec, at=t2, before={"publication": Publication.PUBLISHED},
                           after={"publication": Publication.REVOKED}, note=rec.reason)
        states = {a_.publication for a_ in replying}
        it.publication = next(p for p in (Publication.PUBLISHED, Publication.REVOKED, Publication.WITHHELD) if p in states)
        it.published_at = t if Publication.PUBLISHED in states else None  # on the public site since (banli.portal.rules)
