"""Assignment and everything after it up to the replies: units assigned (and re-assigned),
signing, adjustment and extension requests, co-handling opinions, the meetings with the proposer,
urges; then the replies, the feedback and the closure (bench.replies)."""

from __future__ import annotations

import datetime as dt

from banli.proposals.models import (
    AdjustmentRequest, Assignment, Consultation, CoOpinion, ExtensionRequest, ItemState, LeadCoGrade, Mediation, Reply, UrgeNotice,
)

from .copying import make

S = ItemState
ASSIGNED_BY_SUBJECT = 0.8  # items the office gives to the topic's own units (bench.planner.subject_units)
LEAD_GRADES = 0.6  # of the co-handling units of an item whose lead unit has replied: graded by the lead (grade_co_unit)


class Handling:
    """The part of the Planner that writes assignment and handling (a mixin)."""

    # -- assignment and everything after it
    def _handle(self, state, tr):
        rng, org, it, b = self.rng, self.org, self.it, self.b
        gov = org.gov_ids[0]
        self.closed_by_report = []  # assignments closed by an approved closure report
        ta = self.after(tr, 3, 12)
        it.assigned_at = ta
        due = (ta + dt.timedelta(days=91)).date()
        separate = rng.random() < 0.1
        # The office gives the subject to the units whose work it is, most of the time; otherwise
        # (a town's own matter, a reorganised bureau) to another: what suggestions must predict.
        by_subject = rng.random() < ASSIGNED_BY_SUBJECT
        pick = self.subject_units if by_subject else self.pick_units
        answering = pick(2 if separate else 1)
        n_co = rng.choices((0, 1, 2), (65, 25, 10))[0]
        co_units = pick(n_co, exclude={u["id"] for u in answering})
        role_ans = "separate" if separate else "lead"
        asgs = []  # (assignment, unit)
        for u in answering:
            asgs.append((b.add(Assignment, make(Assignment, item=it, unit_id=u["id"], role=role_ans, note="请按时办理。", assigned_at=ta, assigned_by_id=gov, reply_due=due)), u))
        for u in co_units:
            asgs.append((b.add(Assignment, make(Assignment, item=it, unit_id=u["id"], role="co", note="请配合主办单位办理。", assigned_at=ta, assigned_by_id=gov, reply_due=due)), u))
        self.audit(gov, "assign", at=ta, before={"state": S.REGISTERED}, after={"state": S.ASSIGNED, "assignments": [[u["id"], a_.role] for a_, u in asgs]})

        # Re-assignment history: the first unit asked to be replaced and the office agreed (rule 4).
        if state != S.ASSIGNED and rng.random() < 0.04:
            old_a, old_u = asgs[0]
            new_u = self.pick_units(1, exclude={u["id"] for _, u in asgs})[0]
            tq = self.after(ta, 0.5, 4)
            td = self.after(tq, 0.5, 4)
            old_a.state, old_a.ended_at = Assignment.State.ENDED, td
            old_a.end_reason = "调整：该事项不属于本单位职责，建议由" + new_u["name"] + "办理。"
            new_a = b.add(Assignment, make(Assignment, item=it, unit_id=new_u["id"], role=old_a.role, note="调整交办", assigned_at=td, assigned_by_id=gov,
                                                 reply_due=(td + dt.timedelta(days=91)).date()))
            req = b.add(AdjustmentRequest, make(AdjustmentRequest, assignment=old_a, reason=old_a.end_reason[3:], suggested_unit_id=new_u["id"],
                                                             requested_by_id=old_u["liaison"], requested_at=tq, state=AdjustmentRequest.State.APPROVED,
                                                             decided_by_id=gov, decided_at=td, new_assignment=new_a))
            self.audit(old_u["liaison"], "request_adjustment", target=req, at=tq, before={"assignment_state": "pending"}, after={"assignment_state": "adjusting", "suggested_unit": new_u["id"]})
            self.audit(gov, "decide_adjustment", target=req, at=td, before={"state": "pending"}, after={"state": "approved", "new_assignment": new_a})
            asgs[0] = (new_a, new_u)
            if old_a.role != "co":
                answering[0] = new_u
        active = asgs
        ans = [(a_, u) for a_, u in active if a_.role != "co"]
        cos = [(a_, u) for a_, u in active if a_.role == "co"]

        if state == S.ASSIGNED:
            signed_any_pending = False
            for i, (a_, u) in enumerate(active):
                if rng.random() < 0.5 and not (i == len(active) - 1 and not signed_any_pending):
                    self._sign(a_, u)
                elif rng.random() < 0.1:
                    tq = self.after(a_.assigned_at, 0.5, 4)
                    a_.state = Assignment.State.ADJUSTING
                    req = b.add(AdjustmentRequest, make(AdjustmentRequest, assignment=a_, reason="该事项主要涉及其他单位职责。", suggested_unit_text="相关职能部门",
                                                                     requested_by_id=u["liaison"], requested_at=tq))
                    self.audit(u["liaison"], "request_adjustment", target=req, at=tq, before={"assignment_state": "pending"}, after={"assignment_state": "adjusting"})
                    signed_any_pending = True
                else:
                    signed_any_pending = True
            self._messages(ta, None)
            return
        for a_, u in active:
            self._sign(a_, u)
        t_signed = max(a_.signed_at for a_, _ in active)

        # A refused adjustment, then signing (counted as passing around, rule 4).
        if rng.random() < 0.02:
            a_, u = active[0]
            span = a_.signed_at - a_.assigned_at
            tq = a_.assigned_at + span * 0.3
            req = b.add(AdjustmentRequest, make(AdjustmentRequest, assignment=a_, reason="建议由其他单位牵头。", suggested_unit_text="相关职能部门", requested_by_id=u["liaison"],
                                                             requested_at=tq, state=AdjustmentRequest.State.REFUSED, decided_by_id=gov,
                                                             decided_at=a_.assigned_at + span * 0.6, decision_note="属于本单位职责，请签收办理。"))
            self.audit(u["liaison"], "request_adjustment", target=req, at=tq, before={"assignment_state": "pending"}, after={"assignment_state": "adjusting"})
            self.audit(gov, "decide_adjustment", target=req, at=req.decided_at, before={"state": "pending"}, after={"state": "refused", "new_assignment": None})

        after_reply = state in (S.REPLIED, S.EVALUATED, S.REHANDLING, S.CLOSED)
        # Co-handling opinions: all in (or waived) before the lead replies (rule 6).
        for a_, u in cos:
            if after_reply or rng.random() < 0.5:
                to = self.after(a_.signed_at, 3, 25)
                if rng.random() < 0.93:
                    op = b.add(CoOpinion, make(CoOpinion, assignment=a_, text="我单位对该事项提出如下会办意见：同意主办单位意见，并将积极配合落实。", by_id=u["liaison"], at=to))
                    self.audit(u["liaison"], "send_co_opinion", target=op, at=to, after={"unit": u["id"]})
                else:
                    op = b.add(CoOpinion, make(CoOpinion, assignment=a_, waived=True, waiver_reason="会办单位机构调整，经协调予以豁免。", by_id=gov, at=to))
                    self.audit(gov, "waive_co_opinion", target=op, at=to, after={"waived": True, "unit": u["id"]}, note=op.waiver_reason)
        # The first face-to-face meeting before replying (rule 5).
        for a_, u in ans:
            if after_reply or rng.random() < 0.6:
                self._consult(a_, u, Consultation.Kind.BEFORE, self.after(a_.signed_at, 2, 20), face=True)
        # Extensions (rule 7).
        for a_, u in ans:
            if rng.random() < 0.05:
                tq = self.after(a_.signed_at, 20, 60)
                new_due = a_.reply_due + dt.timedelta(days=60)
                pending = state == S.HANDLING and rng.random() < 0.5
                ext = b.add(ExtensionRequest, make(ExtensionRequest, assignment=a_, requested_due=new_due, reason="涉及多部门协调，需延期答复。", requested_by_id=u["liaison"],
                                                               requested_at=tq, previous_due=a_.reply_due,
                                                               state=ExtensionRequest.State.PENDING if pending else ExtensionRequest.State.APPROVED))
                self.audit(u["liaison"], "request_extension", target=ext, at=tq, after={"requested_due": new_due}, note=ext.reason)
                if not pending:
                    ext.decided_by_id, ext.decided_at = gov, self.after(tq, 1, 5)
                    self.audit(gov, "decide_extension", target=ext, at=ext.decided_at, before={"reply_due": a_.reply_due}, after={"reply_due": new_due, "state": "approved"})
                    a_.reply_due = new_due
        # Urge notices for late units (rule 14).
        if rng.random() < (0.08 if state in (S.HANDLING, S.REHANDLING) else 0.03):
            a_, u = ans[0]
            tu = self.after(t_signed, 60, 90)
            urge = b.add(UrgeNotice, make(UrgeNotice, item=it, unit_id=u["id"], text="请抓紧办理并按时答复。", by_id=gov, at=tu))
            self.audit(gov, "urge", target=urge, at=tu)
        self._messages(t_signed, ans[0][1])

        if state == S.HANDLING:
            for a_, u in ans:
                if rng.random() < 0.4:
                    rtype = self._type()
                    # a reply that needs the district leader may be waiting on them
                    stops = (Reply.State.DRAFT, Reply.State.PENDING_UNIT, Reply.State.APPROVED) + (
                        (Reply.State.PENDING_LEADER,) if rtype.needs_leader_approval else ())
                    self._reply(a_, u, 1, rtype, self.after(t_signed, 20, 60), stop=rng.choice(stops))
            return

        rehandle_first = state == S.REHANDLING or (state == S.CLOSED and rng.random() < 0.15) or (state == S.REPLIED and rng.random() < 0.1)
        # Round 1 replies, all sent.
        force_ab = state == S.EVALUATED
        sent = {}
        for i, (a_, u) in enumerate(ans):
            closure = self._type(no_c=force_ab and i == 0)
            t_draft = self.after(t_signed, 25, 70)
            if state == S.REPLIED:
                # Still awaiting the rating: replied within the last four weeks. An older reply
                # would have had its "no feedback" recorded by the daily scan long ago (after the
                # 15 + 5 working days of the session's policy), so a history full of such items
                # is one no real district has, and the scan bench would time a backlog.
                # The first reply of one sent back for re-handling is older: its rating and the
                # second reply (about 7-28 days later at the current session's scale) come after it.
                back = (30, 34) if rehandle_first and i == 0 else (2, 24)
                t_draft = max(t_draft, self.sc.limit - dt.timedelta(days=self.rng.uniform(*back)))
            sent[i] = self._reply(a_, u, 1, closure, t_draft)
        self._publication([a_ for a_, _ in ans])
        self._grade_cos(ans, cos, sent)

        # Feedback, re-handling and closure.
        for i, (a_, u) in enumerate(ans):
            r = sent[i]
            if state == S.REPLIED and not (rehandle_first and i == 0):
                # awaiting the rating; a second separate unit may already be rated
                if i > 0 and rng.random() < 0.5:
                    self._feedback(a_, u, r, cos, kind="good")
                self._progress(a_, u, r, until=None, chance=0.3)
                continue
            if rehandle_first and i == 0:
                self._feedback(a_, u, r, cos, kind="rehandle")
                a_.reply_round = 2
                self._consult(a_, u, Consultation.Kind.DURING, self.after(r.feedback_at, 2, 10), face=True)
                if rng.random() < 0.3:
                    tm = self.after(r.feedback_at, 5, 20)
                    med = b.add(Mediation, make(Mediation, item=it, held_on=tm.date(), participants="区府办、提案委、承办单位、提案人", outcome="明确了下一步办理措施。", by_id=gov, at=tm))
                    self.audit(gov, "record_mediation", target=med, at=tm, after={"held_on": tm.date()})
                if state == S.REHANDLING:
                    if rng.random() < 0.4:
                        self._reply(a_, u, 2, self._type(), self.after(r.feedback_at, 10, 25), stop=Reply.State.DRAFT)
                    continue
                r = sent[i] = self._reply(a_, u, 2, self._type(), self.after(r.feedback_at, 10, 30))
                if state == S.REPLIED:
                    continue
            kind = "lapsed" if rng.random() < 0.1 else "good"
            self._feedback(a_, u, r, cos if a_.role == "lead" else [], kind=kind)
            self._close(a_, u, r, leave_open=(state == S.EVALUATED and i == 0) or (state == S.EVALUATED and rng.random() < 0.5))
            if state == S.CLOSED and rng.random() < 0.5:
                self._consult(a_, u, Consultation.Kind.AFTER, self.after(a_.closed_at, 3, 30), face=rng.random() < 0.5)
        # The item's reply type and replied_at follow the latest sent lead/separate reply.
        last = max((r for r in sent.values()), key=lambda r: r.sent_at)
        it.reply_type_id, it.replied_at = last.reply_type_id, last.sent_at
        if state == S.CLOSED:
            it.closed_at = max(a_.closed_at for a_, _ in ans)
            last = max(ans, key=lambda x: x[0].closed_at)[0]
            if any(x is last for x in self.closed_by_report):
                # The approval of the last closure report closes the item (a rated for-reference
                # reply closes it too, but tells nobody: as the actions do).
                self.tell("closed", it.closed_at, "approve_closure_report")


    def _grade_cos(self, ans, cos, sent):
        """The lead unit's liaison grades some of its co-handling units once its reply is out, as
        grade_co_unit writes it (its own random stream: the rest of the item is as it was)."""
        x, org = self.extra, self.org
        if x is None:
            return
        for i, (a_, u) in enumerate(ans):
            if a_.role != "lead":
                continue
            for c_a, cu in cos:
                if x.random() >= LEAD_GRADES:
                    continue
                t = min(sent[i].sent_at + dt.timedelta(days=x.uniform(1, 20) * self.sc.scale), self.sc.limit)
                grade = x.choices(org.good_grades + org.bad_grades, [6, 3, 1, 1, 1][:len(org.good_grades)] + [0.3] * len(org.bad_grades))[0]
                g = self.b.add(LeadCoGrade, make(LeadCoGrade, assignment=c_a, grade_id=grade, comment="会办意见及时，配合积极。", by_id=u["liaison"], at=t))
                self.audit(u["liaison"], "grade_co_unit", target=g, at=t, after={"unit": cu["id"], "grade": org.grade_code[grade]})

    def _sign(self, a_, u):
        a_.state = Assignment.State.SIGNED
        a_.signed_at = self.after(a_.assigned_at, 0.2, 7)
        a_.signed_by_id = u["liaison"]
        self.audit(u["liaison"], "sign", target=a_, at=a_.signed_at, before={"state": "pending"}, after={"state": "signed"})

    def _consult(self, a_, u, kind, t, face):
        forms = (Consultation.Form.VISIT, Consultation.Form.MEETING, Consultation.Form.SITE) if face else (Consultation.Form.PHONE, Consultation.Form.ONLINE)
        c = self.b.add(Consultation, make(Consultation, item=self.it, unit_id=u["id"], kind=kind, form=self.rng.choice(forms), held_on=t.date(),
                                                  participants=f"{u['name']}{u['liaison_name']}、提案人", proposer_views="对办理思路表示认可，希望加快推进。",
                                                  recorded_by_id=u["liaison"], recorded_at=t))
        self.audit(u["liaison"], "record_consultation", target=c, at=t, after={"kind": kind, "form": c.form, "held_on": c.held_on, "unit": u["id"]})
        return c

