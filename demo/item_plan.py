"""The plan of one demo item: every step of its life, each with its moment, from the draft to
where its Spec says it stops. The guards of the transition table are respected by construction."""

import datetime as dt
import random
from functools import partial

from banli.proposals import actions as A
from banli.workdays.calendar import add_working_days

from . import content as C
from .reply_plan import ReplyPlan
from .spec import Ctx, S, Spec
from .steps import Steps
from .timeline import TZ, next_working_day, office_dt, working_days_before


class ItemPlan(ReplyPlan, Steps):
    """The steps of one item, each with its moment. `build` writes them in the order of the
    item's life; the guards of the transition table are respected by construction."""

    def __init__(self, g, s: Spec, start: dt.datetime, horizon: dt.datetime):
        self.g, self.s = g, s
        self.rng = random.Random(f"{g.seed}:{s.idx}:plan")
        self.start = start
        self.horizon = horizon
        self.steps = []
        self.ctx = Ctx()
        self.t_register = None
        self.key = g.session_key[s.session.pk]
        self.planned = {}  # unit id -> the planned date of its latest reply
        self.lead_reply = None  # (lead unit, when its first reply was sent, the co-handling units)

    # time helpers
    def add(self, t, label, fn):
        self.steps.append((t, label, fn))
        return t

    def wd(self, t, lo, hi=None):
        n = self.rng.randint(lo, lo if hi is None else hi)
        if n == 0:
            return self.mins(t)
        return office_dt(add_working_days(t.astimezone(TZ).date(), n), self.rng)

    def mins(self, t, lo=5, hi=90):
        t2 = t + dt.timedelta(minutes=self.rng.randint(lo, hi))
        if t2.astimezone(TZ).hour >= 18 or t2.astimezone(TZ).date() != t.astimezone(TZ).date():
            return office_dt(add_working_days(t.astimezone(TZ).date(), 1), self.rng, (8, 40), (10, 0))
        return t2

    def before_horizon(self, lo, hi):
        return office_dt(working_days_before(self.horizon.date(), self.rng.randint(lo, hi)), self.rng, (8, 40), (12, 0))

    # actors
    @property
    def proposer(self):
        return self.s.person.user

    # the life of the item
    def build(self):
        s, g, r, ctx = self.s, self.g, self.rng, self.ctx
        t = self.start
        proposer, ao = self.proposer, g.ao[s.assembly]
        item = lambda: ctx.item_id  # noqa: E731
        self.add(t, "create_draft", self._create)
        if s.cosigners:
            t = self.mins(t, 10, 40)
            self.add(t, "invite_cosigners", lambda: A.invite_cosigners(proposer, item(), person_ids=[p.pk for p, _ in s.cosigners]))
            t_inv, last = t, t
            for p, resp in s.cosigners:
                if resp == "none":
                    continue
                tr = self.wd(t_inv, 0, 2)
                self.add(tr, "respond_cosign", partial(self._respond, p.user, resp == "confirm"))
                last = max(last, tr)
            t = last
        if s.target == S.DRAFT and not s.returned:
            return
        if s.target == S.WITHDRAWN and s.withdraw_stage == "draft":
            t = self.wd(t, 1, 5)
            self.add(t, "withdraw", lambda: A.withdraw(proposer, item(), reason="经进一步调研，相关问题已有部门在推进解决，决定不再提交。"))
            return
        # submission
        t_sub = self.wd(t, 1, 2)
        if s.anchor == "main":
            day = next_working_day(s.session.opens_on + dt.timedelta(days=r.randint(-2, 4)))
            t_sub = max(t_sub, office_dt(day, r, (8, 30), (20, 30)))
        t = self.add(t_sub, "submit", lambda: A.submit(proposer, item()))
        if s.target == S.WITHDRAWN and s.withdraw_stage == "submitted":
            t = self.wd(t, 1, 4)
            self.add(t, "withdraw", lambda: A.withdraw(proposer, item(), reason="经与有关部门沟通，所提问题已基本解决，申请撤回。"))
            return
        if s.returned:
            t = self.wd(t, 2, 5)
            self.add(t, "return_for_revision", lambda: A.return_for_revision(ao, item(), reason="案由部分分析不够充分，建议补充相关数据和具体建议后重新提交。"))
            if s.target == S.DRAFT:
                return
            t = self.wd(t, 1, 4)
            more = s.suggestions + "\n四是加强宣传引导，及时公开工作进展，营造全社会共同参与的良好氛围。"
            self.add(t, "edit_draft", lambda: A.edit_draft(proposer, item(), suggestions=more))
            t = self.mins(t)
            self.add(t, "submit", lambda: A.submit(proposer, item()))
        if s.target == S.SUBMITTED:
            return
        # registration review
        t = self.wd(t, 3, 9)
        if s.target == S.NOT_REGISTERED:
            self.add(t, "reject", lambda: A.reject(ao, item(), reason=s.reject_reason))
            return
        if s.target == S.CONVERTED:
            self.add(t, "convert", lambda: A.convert(ao, item(), to=s.convert_as, reason=s.reject_reason))
            return
        if s.target == S.MERGED:
            target = s.merge_into
            t = max(t, self.wd(target.plan.t_register, 1, 3))
            self.add(t, "merge", lambda: A.merge(ao, item(), into_id=target.plan.ctx.item_id,
                                                      reason=f"与《{target.title}》内容相近，并案办理。"))
            return
        self.t_register = self.add(t, "register", lambda: A.register(ao, item()))
        if s.target == S.REGISTERED:
            if s.withdraw_pending:
                t = self.wd(t, 1, 3)
                self.add(t, "request_withdrawal", lambda: A.request_withdrawal(proposer, item(), reason="所提问题已在今年区重点工作中安排推进，申请撤回。"))
            return
        if s.target == S.WITHDRAWN:
            t = self.wd(t, 2, 6)
            self.add(t, "request_withdrawal", lambda: A.request_withdrawal(proposer, item(), reason="所提问题已由有关部门解决，申请撤回。"))
            t = self.wd(t, 1, 3)
            self.add(t, "decide_withdrawal", lambda: A.decide_withdrawal(ao, item(), approve=True, note="同意撤回。"))
            return
        self.plan_handling(t)

    def plan_handling(self, t):
        s, g, r, ctx = self.s, self.g, self.rng, self.ctx
        office, proposer = g.office, self.proposer
        item = lambda: ctx.item_id  # noqa: E731
        # assignment (交办)
        if s.anchor == "main":
            earliest = self.wd(t, 2).date()
            day = next((d for d in g.batches[s.session.pk] if d >= earliest), None)
            t_assign = office_dt(day, r, (9, 0), (11, 30)) if day else self.wd(t, 2, 5)
        else:
            t_assign = self.wd(t, 3, 8)
        units = ([(s.lead, "lead")] if s.lead else []) + [(u, "co") for u in s.co] + [(u, "separate") for u in s.separate]
        note = "请按规定时限签收办理，主办单位牵头与提案人（代表）当面沟通，会办单位及时提交会办意见。"
        self.add(t_assign, "assign", lambda: self._assign(note))
        if s.key_leader:
            tk = self.mins(t_assign, 30, 120)
            leader = s.key_leader
            self.add(tk, "mark_key", lambda: A.mark_key(office, item(), leader_id=leader.pk,
                                                             reason=f"该件涉及民生重点领域，群众关注度高，列为重点{s.noun}，由{leader.first_name}同志牵头督办。"))
        # signing, or asking to be relieved of it
        adjust_unit = None
        if s.adjustment:
            adjust_unit = s.lead or s.separate[0]
        signed = {}  # unit -> time
        roles = {}
        for u, role in units:
            if s.target == S.ASSIGNED and (s.cut == "none_signed" or (s.cut == "partly" and role == "co")):
                continue
            if u is adjust_unit:
                alt = s.adjust_alt
                tr = self.wd(t_assign, 1, 3)
                self.add(tr, "request_adjustment", partial(self._request_adjustment, u, alt, role))
                if s.adjustment == "pending":
                    continue
                td = self.wd(tr, 1, 4)
                approve = s.adjustment == "approved"
                self.add(td, "decide_adjustment", partial(self._decide_adjustment, u, alt, approve))
                final = alt if approve else u
                ts = self.wd(td, 1, 3)
                self.add(ts, "sign", partial(self._sign, final))
                signed[final], roles[final] = ts, role
                continue
            late = s.urge_sign and not signed
            if late:
                self.add(self.wd(t_assign, 5), "urge", partial(self._urge, u, C.URGES[0]))
            ts = self.wd(t_assign, 6, 9) if late else self.wd(t_assign, 1, 5)
            self.add(ts, "sign", partial(self._sign, u))
            signed[u], roles[u] = ts, role
        if s.target == S.ASSIGNED:
            return
        t_h = max(signed.values())
        answering = [u for u in roles if roles[u] in ("lead", "separate")]
        cos = [u for u in roles if roles[u] == "co"]
        self.first_unit = answering[0]
        if s.key_leader:
            self.add(self.wd(t_assign, 5, 12), "instruction", partial(self._instruct, s.key_leader, C.INSTRUCTIONS[0]))
        if s.reassign_add is not None:
            tra = self.wd(t_h, 2, 5)
            new = s.reassign_add
            self.add(tra, "reassign", lambda: self._reassign(new))
            tsn = self.wd(tra, 1, 3)
            self.add(tsn, "sign", partial(self._sign, new))
            signed[new], roles[new] = tsn, "co"
            cos.append(new)
            t_h = tsn
        if s.cut == "signed":
            return
        # consultation before handling (办前面商), face to face
        consulted = {}
        for u in answering:
            late = s.late_consult and u is answering[0]
            tc = self.wd(t_h, 16, 19) if late else self.wd(t_h, 3, 12)
            self.add(tc, "consult_before", partial(self._consult, u, "before"))
            consulted[u] = tc
        # co-handling opinions
        co_done = {}
        for i, c in enumerate(cos):
            if s.cut == "co_pending" and i == len(cos) - 1:
                continue
            if s.waive and i == 0 and s.cut != "co_pending":
                tu = self.wd(t_assign, 20, 22)
                self.add(tu, "urge", partial(self._urge, c, C.URGES[2]))
                tw = self.wd(tu, 2, 4)
                self.add(tw, "waive_co_opinion", partial(self._waive, c))
                co_done[c] = tw
            else:
                to = self.wd(signed[c], 4, 16)
                self.add(to, "co_opinion", partial(self._co_opinion, c))
                co_done[c] = to
        if s.messages:
            tm = self.wd(t_h, 2, 10)
            q, a = r.choice(C.MESSAGES)
            self.add(tm, "message", lambda: self._message(proposer, q))
            if s.cut not in ("consulted", "co_pending") or r.random() < 0.5:
                lead = answering[0]
                self.add(self.wd(tm, 1, 3), "message_answer", lambda: self._message(g.liaison(lead), a, answer=True))
        if s.cut in ("consulted", "co_pending"):
            return
        ready = max([max(consulted.values())] + list(co_done.values()))
        if s.during:
            ready = self.add(self.wd(ready, 2, 6), "consult_during", partial(self._consult, answering[0], "during"))
        t_ext = None
        if s.extension:
            lead = answering[0]
            te = max(self.wd(t_assign, 45, 50), self.wd(ready, 1))
            due = s.session.policy.due("reply", t_assign.astimezone(TZ).date())
            latest = s.session.policy.due("reply_max", t_assign.astimezone(TZ).date())
            want = min(due + dt.timedelta(days=r.randint(30, 60)), latest)
            self.add(te, "request_extension", partial(self._request_extension, lead, want))
            if s.extension == "pending":
                return
            t_ext = self.wd(te, 1, 3)
            self.add(t_ext, "decide_extension", partial(self._decide_extension, lead))
        # replies
        sent = {}
        nominal = self.wd(t_assign, 30, 50)
        for i, u in enumerate(answering):
            base = max(ready, consulted[u])
            if t_ext:
                base = max(base, self.wd(t_ext, 3, 10))
            td = max(self.wd(base, 1, 3), nominal if s.anchor == "main" else self.wd(base, 1, 3))
            if not t_ext and not s.extension and self.rng.random() < 0.06:
                self.add(self.wd(t_assign, 50, 52), "urge", partial(self._urge, u, C.URGES[1]))
                td = max(td, self.wd(t_assign, 53, 58))
            last_unit = i == len(answering) - 1
            cut = s.cut if (s.target == S.HANDLING and (last_unit or s.cut != "separate_half")) else ""
            if s.cut == "separate_half" and last_unit:
                cut = "pending_unit"
            ts = self.plan_reply(u, td, s.reply_type, 1, cut)
            if ts is None:
                return
            sent[u] = ts
            if roles[u] == "lead":
                self.lead_reply = (u, ts, list(cos))
        if s.target == S.HANDLING:
            return
        t_rep = max(sent.values())
        if s.key_leader:
            self.add(self.wd(t_rep, 2, 8), "instruction", partial(self._instruct, s.key_leader, C.INSTRUCTIONS[2]))
        if s.consent is None:
            s_consent_t = self.wd(t_rep, 1)
            self.add(s_consent_t, "consent", lambda: A.set_publication_consent(proposer, item(), consent=True))
            consent = True
        else:
            consent = s.consent
        # feedback
        rated = {}
        types = {u: s.reply_type for u in answering}
        for i, u in enumerate(answering):
            if s.target == S.REPLIED and (s.cut != "separate_one_rated" or i > 0):
                continue
            if s.reply_type == "C" and s.after_visit and not s.rehandle:
                self.add(self.wd(sent[u], 1), "consult_after", partial(self._consult, u, "after"))
            if s.lapsed and i == 0:
                tf = self.wd(t_rep, 17, 21)
                self.add(tf, "no_feedback", partial(self._no_feedback, u))
            else:
                tf = self.wd(t_rep, 2, 12)
                grade, agrees = (s.grade, s.agrees) if i == 0 else (self.rng.choice(["good", "fair"]), True)
                praise = s.praise and i == 0
                self.add(tf, "feedback", partial(self._feedback, u, grade, agrees, praise, cos))
            rated[u] = tf
        if s.target == S.REPLIED:
            return
        if s.rehandle:
            lead = answering[0]
            t_r = rated[lead]
            if self.rng.random() < 0.5 or s.target == S.REHANDLING:
                self.add(self.wd(t_r, 3, 8), "mediation", lambda: self._mediation(lead))
            tc2 = self.wd(t_r, 2, 6)
            self.add(tc2, "consult_rehandle", partial(self._consult, lead, "during", True))
            if s.target == S.REHANDLING and s.cut == "consulted2":
                return
            td2 = self.wd(tc2, 3, 8)
            cut = "pending_unit" if s.target == S.REHANDLING else ""
            ts2 = self.plan_reply(lead, td2, s.rehandle_type, 2, cut)
            if ts2 is None:
                return
            sent[lead] = ts2
            types[lead] = s.rehandle_type
            tf2 = self.wd(ts2, 3, 10)
            self.add(tf2, "feedback_round2", partial(self._feedback, lead, self.rng.choice(["fair", "average", "good"]), True, False, cos))
            rated[lead] = tf2
        all_rated = max(rated.values())
        last_sent = max(sent.values())
        # publication (公开)
        if s.target in (S.CLOSED, S.EVALUATED):
            tp = self.wd(max(last_sent, all_rated if s.rehandle else last_sent), 5, 18)
            withhold_rec = s.withhold_rec
            # Each replying unit's reply is decided on (rule 3: a separate unit's reply on its own).
            for u in answering:
                asg = lambda u=u: self.ctx.asg[u.pk]
                if consent and not withhold_rec:
                    self.add(tp, "publish", lambda asg=asg: A.decide_publication(office, item(), assignment=asg(), publish=True))
                    if s.revoke:
                        self.add(self.wd(tp, 20, 30), "revoke_publication",
                                 lambda asg=asg: A.revoke_publication(office, item(), assignment=asg(), reason="答复中涉及的项目选址方案已调整，原答复内容不宜继续公开。"))
                else:
                    why = "提案人（代表）不同意公开。" if not consent else "答复内容涉及尚未公布的规划方案，暂不公开。"
                    self.add(tp, "withhold", lambda asg=asg, why=why: A.decide_publication(office, item(), assignment=asg(), publish=False, reason=why))
        # progress, closure
        for u in answering:
            self.plan_closure(u, types[u], sent[u], all_rated, last_sent)

