"""The item planner: one item's whole history as the actions would have written it, row by row,
into a Batch (bench.writing). Assignment and everything after it is in bench.handling, the
replies and what follows them in bench.replies; who is notified comes from the domain's table of
notices (bench.notices)."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import deque

from banli.audit.models import AuditRecord
from banli.org.models import Assembly
from banli.proposals.models import Attachment, CoSigner, Item, ItemState, KeyItemMark, LeaderInstruction, Message, PublicationRecord, Side
from demo import content as C, vocabulary as V

from .copying import make
from .handling import Handling
from .notices import Notices
from .replies import Replies

S = ItemState
# The featured member (the first CPPCC person, bench_p0001) files the guaranteed items of the current
# CPPCC session and this share of the rest of it; this share of the others' drafts there invites them.
MEMBER_SHARE = 0.01
MEMBER_INVITED = 0.5
WITHDRAWAL_PENDING = 0.03
# Of the proposers who suggest units, those who suggest the subject's own (bench.planner.subject_units).
SUGGEST_RIGHT = 0.6  # registered/assigned/handling items of the current session with a pending request


def item_text(rng, org, assembly):
    """Title, reason, suggestions, category and topic of an item, from a topic of the demo's content
    with the places of the vocabulary (as the demo writes them)."""
    topic = rng.choice(C.TOPICS)
    places = V.places(rng)
    suggestions = "\n".join(f"{V.NUMERALS[i + 1]}是{s.format(**places)}。" for i, s in enumerate(topic.suggestions))
    category = org.category_by_name.get((assembly, topic.sub)) or rng.choice(org.categories[assembly])
    return f"关于{topic.title.format(**places)}的{V.NOUNS[assembly]}", topic.reason.format(**places), suggestions, category, topic


class SessionCtx:
    """A session being filled: its numbering, the recent items others may be merged into, its time scale."""

    def __init__(self, session, is_current, now):
        self.session = session
        self.is_current = is_current
        self.number = session.last_number
        self.pool = deque(maxlen=64)  # registered-or-later items: targets for merging
        self.open_dt = dt.datetime.combine(session.opens_on, dt.time(9, 0), tzinfo=dt.timezone.utc)
        self.scale = 0.55 if is_current else 1.0
        self.limit = now - dt.timedelta(hours=1)


class Planner(Handling, Replies, Notices):
    """Plans one item at a time into the batch it is given (plan); holds only plain ids between items."""

    def __init__(self, org, rng, now, extra=None):
        self.org, self.rng, self.now = org, rng, now
        self.extra = extra  # a random stream of its own for the lead units' grades of co-handling units
        self.today = now.date()
        self.member_unread = False  # the featured member has an answer they have not read yet

    # -- small helpers
    def after(self, t, lo, hi):
        """A moment lo..hi days after t (scaled in the current session, never in the future)."""
        return min(t + dt.timedelta(days=self.rng.uniform(lo, hi) * self.sc.scale), self.sc.limit)

    def audit(self, actor, action, target=None, at=None, before=None, after=None, note=""):
        rec = make(AuditRecord, at=at, actor_id=actor, action=action, item=self.it, before=before or {}, after=after or {}, note=note)
        self.b.audits.append((rec, target))
        if at > self.last:
            self.last = at
        self.notify_of(action, at, after or {})

    def pick_units(self, k, exclude=()):
        org, rng = self.org, self.rng
        chosen = []
        while len(chosen) < k:
            u = org.units[bisect_right(org.unit_cum, rng.random() * org.unit_cum[-1])]
            if u["id"] not in exclude and u not in chosen:
                chosen.append(u)
        return chosen

    def subject_units(self, k, exclude=()):
        """k units whose work the item's subject is: its topic's lead unit, then its co-handling
        units (as the demo assigns them), topped up at random when the topic names fewer."""
        t, by_code = self.topic, self.org.unit_by_code
        chosen = [u for c in (t.lead, *t.co) if (u := by_code.get(c)) and u["id"] not in exclude][:k]
        return chosen + self.pick_units(k - len(chosen), exclude={*exclude, *(u["id"] for u in chosen)})

    def weighted(self, mix):
        states, cum = mix
        return states[bisect_right(cum, self.rng.random() * cum[-1])]

    # -- the item
    def plan(self, batch, sc, state, seq, featured=""):
        """featured: "member" (the featured member files it), "invite" (a draft inviting them), or ""."""
        self.b, self.sc = batch, sc
        rng, org = self.rng, self.org
        session = sc.session
        a = session.assembly
        member_session = a == Assembly.CPPCC and sc.is_current
        if featured == "member" or (member_session and not featured and rng.random() < MEMBER_SHARE):
            person_id, proposer_uid, _ = org.member
        else:
            person_id, proposer_uid, _ = rng.choice([p for p in org.people[a] if p != org.member] if featured == "invite" else org.people[a])
        self.proposer_uid = proposer_uid
        self.invite_member = member_session and state == S.DRAFT and person_id != org.member[0] and (
            featured == "invite" or rng.random() < MEMBER_INVITED)
        t = min(sc.open_dt + dt.timedelta(days=rng.uniform(-25, 8)), sc.limit - dt.timedelta(days=1))
        self.last = t
        title, reason, suggestions, category, self.topic = item_text(rng, org, a)
        it = self.it = make(Item,
            assembly=a, session_id=session.pk, title=title, reason=reason, suggestions=suggestions, category_id=category,
            proposer_id=person_id, consent_publish=rng.choices((True, False, None), (70, 15, 15))[0], urgent=rng.random() < 0.03,
            state=state, created_at=t,
        )
        self.audit(proposer_uid, "create_draft", at=t, after={"title": it.title, "session": session.pk})
        if rng.random() < 0.4:
            # Most proposers who name a unit name the one whose work it is; some guess.
            k = rng.choice((1, 1, 2))
            for u in (self.subject_units(k) if rng.random() < SUGGEST_RIGHT else self.pick_units(k)):
                batch.add("suggested", (it, u["id"]))
        if rng.random() < 0.1:
            batch.add(Attachment, make(Attachment, item=it, file=f"attachments/bench/{seq}.pdf", name="调研报告.pdf", size=rng.randint(40_000, 3_000_000),
                                             content_type="application/pdf", by_id=proposer_uid, at=self.after(t, 0, 2)))
        self._cosigners(t, state)
        if state == S.DRAFT:
            return self._finish()
        ts = self.after(t, 0.2, 6)
        it.submitted_at = ts
        self.audit(proposer_uid, "submit", at=ts, before={"state": S.DRAFT}, after={"state": S.SUBMITTED})
        if it.consent_publish is not None and rng.random() < 0.3:
            tc = self.after(ts, 0, 3)
            batch.add(PublicationRecord, make(PublicationRecord, item=it, kind=PublicationRecord.Kind.CONSENT, consent=it.consent_publish, by_id=proposer_uid, at=tc))
            self.audit(proposer_uid, "set_publication_consent", at=tc, before={"consent_publish": None}, after={"consent_publish": it.consent_publish})
        office = org.office_id[a]
        if state == S.SUBMITTED:
            self._messages(ts, None)
            return self._finish()
        if state == S.WITHDRAWN and rng.random() < 0.7:
            tw = self.after(ts, 0.5, 8)
            it.state_reason = "经再次调研，问题已在推进中，申请撤回。"
            self.audit(proposer_uid, "withdraw", at=tw, before={"state": S.SUBMITTED}, after={"state": S.WITHDRAWN}, note=it.state_reason)
            return self._finish()
        tr = self.after(ts, 2, 14)
        if state == S.NOT_REGISTERED:
            it.state_reason = rng.choice(("内容属于个人诉求，不宜作为提案/建议。", "涉及司法个案，不予立案。", "建议事项不明确，不符合立案标准。"))
            self.audit(office, "reject", at=tr, before={"state": S.SUBMITTED}, after={"state": S.NOT_REGISTERED}, note=it.state_reason)
            return self._finish()
        if state == S.CONVERTED:
            it.converted_to = rng.choice(("意见建议", "社情民意"))
            it.state_reason = "内容更适宜作为" + it.converted_to + "处理。"
            self.audit(office, "convert", at=tr, before={"state": S.SUBMITTED}, after={"state": S.CONVERTED, "converted_to": it.converted_to}, note=it.state_reason)
            return self._finish()
        if state == S.MERGED:
            target = rng.choice(sc.pool)
            it.merged_into = target
            it.state_reason = "与同类提案/建议并案办理。"
            self.audit(office, "merge", at=tr, before={"state": S.SUBMITTED}, after={"state": S.MERGED, "merged_into": target}, note=it.state_reason)
            return self._finish(merged=True)
        # Registered: numbered in this session.
        sc.number += 1
        it.number, it.registered_at = sc.number, tr
        self.audit(office, "register", at=tr, before={"state": S.SUBMITTED}, after={"state": S.REGISTERED, "number": it.number})
        if state != S.WITHDRAWN:
            sc.pool.append(it)
        if state != S.WITHDRAWN and rng.random() < 0.04:
            self._key(tr)
        if state == S.WITHDRAWN:
            tq = self.after(tr, 1, 10)
            it.withdrawal_reason = it.state_reason = "相关问题已通过其他渠道解决，申请撤回。"
            self.audit(proposer_uid, "request_withdrawal", at=tq, after={"withdrawal_requested": True}, note=it.withdrawal_reason)
            td = self.after(tq, 1, 5)
            self.audit(office, "decide_withdrawal", at=td, before={"state": S.REGISTERED}, after={"state": S.WITHDRAWN, "approved": True})
            return self._finish()
        if state == S.REGISTERED:
            self._messages(tr, None)
        else:
            self._handle(state, tr)
        if state in (S.REGISTERED, S.ASSIGNED, S.HANDLING) and sc.is_current and rng.random() < WITHDRAWAL_PENDING:
            # A withdrawal request the assembly office has not decided yet.
            tq = self.after(self.last, 0.5, 5)
            it.withdrawal_requested, it.withdrawal_reason = True, "相关问题已基本解决，申请撤回。"
            self.audit(proposer_uid, "request_withdrawal", at=tq, after={"withdrawal_requested": True}, note=it.withdrawal_reason)
        return self._finish()

    def _finish(self, merged=False):
        self.it.updated_at = self.last
        (self.b.merged if merged else self.b.items).append(self.it)
        # Hold on to nothing of the batch between items: once written it is dropped whole
        # (bench.writing.collect_per_batch).
        self.b = self.it = self.closed_by_report = None

    def _cosigners(self, t, state):
        rng, org, it = self.rng, self.org, self.it
        k = rng.choices((0, 1, 2, 3, 5), (35, 25, 20, 12, 8))[0]
        if not k and not self.invite_member:
            return
        others = [p for p in rng.sample(org.people[it.assembly], k + 1) if p[0] != it.proposer_id][:k]
        if self.invite_member:
            others = [p for p in others if p != org.member][: max(0, k - 1)] + [org.member]
        ti = self.after(t, 0, 1)
        self.audit(self.proposer_uid, "invite_cosigners", at=ti, after={"invited": [p[0] for p in others]})
        for pid, uid, _ in others:
            if self.invite_member and pid == org.member[0]:
                st = CoSigner.State.INVITED  # waiting on the featured member
            elif state == S.DRAFT:
                st = rng.choices((CoSigner.State.INVITED, CoSigner.State.CONFIRMED, CoSigner.State.DECLINED), (50, 40, 10))[0]
            else:
                st = rng.choices((CoSigner.State.CONFIRMED, CoSigner.State.DECLINED, CoSigner.State.DROPPED), (80, 8, 12))[0]
            resp = self.after(ti, 0.1, 3) if st != CoSigner.State.INVITED else None
            self.b.add(CoSigner, make(CoSigner, item=it, person_id=pid, state=st, invited_at=ti, responded_at=resp))
            if st in (CoSigner.State.CONFIRMED, CoSigner.State.DECLINED):
                self.audit(uid, "respond_cosign", at=resp, before={"state": "invited"}, after={"state": st})

    def _key(self, t):
        rng, it = self.rng, self.it
        leader = rng.choice(self.org.leader_ids)
        it.is_key, it.key_leader_id = True, leader
        tk = self.after(t, 1, 10)
        mark = self.b.add(KeyItemMark, make(KeyItemMark, item=it, marked=True, leader_id=leader, reason="涉及重大民生事项", by_id=self.org.gov_ids[0], at=tk))
        self.audit(self.org.gov_ids[0], "mark_key", target=mark, at=tk, before={"is_key": False, "key_leader": None}, after={"is_key": True, "key_leader": leader})
        if rng.random() < 0.6:
            ti = self.after(tk, 5, 40)
            ins = self.b.add(LeaderInstruction, make(LeaderInstruction, item=it, leader_id=leader, text="请承办单位高度重视，认真研究，抓好落实。", at=ti))
            self.audit(leader, "give_instruction", target=ins, at=ti)

    def _messages(self, t, unit):
        """A message thread: the proposer writes (to the lead unit, or to the office), and is answered."""
        rng = self.rng
        # The featured member's first thread in the current session: answered, and not read yet.
        first = not self.member_unread and self.sc.is_current and self.proposer_uid == self.org.member[1]
        if rng.random() >= 0.35 and not first:
            return
        tm = self.after(t, 1, 30)
        root = self.b.add("root_messages", make(Message, item=self.it, author_id=self.proposer_uid, side=Side.PROPOSER, to_unit_id=unit["id"] if unit else None,
                                                   body="请问目前办理进展如何？能否安排一次现场沟通？", at=tm))
        self.audit(self.proposer_uid, "post_message", target=root, at=tm, after={"side": Side.PROPOSER, "to_unit": unit["id"] if unit else None})
        if rng.random() < (0.85 if self.sc.is_current else 0.99) or first:  # old threads: nearly all answered
            ta = self.after(tm, 0.1, 4)
            if unit:
                ans = make(Message, item=self.it, author_id=unit["liaison"], side=Side.UNIT, unit_id=unit["id"], reply_to=root,
                              body="您好，已收到，我们将尽快联系您并安排面商。", at=ta)
                who = unit["liaison"]
            else:
                ans = make(Message, item=self.it, author_id=self.org.gov_ids[0], side=Side.OFFICE, reply_to=root, body="已收到，正在按程序办理。", at=ta)
                who = self.org.gov_ids[0]
            root.answered_at = ta
            self.b.add("answer_messages", ans)
            self.audit(who, "post_message", target=ans, at=ta, after={"side": ans.side, "to_unit": None})
            # The proposer has opened the item since (a read mark), except for some recent answers.
            if first:
                self.member_unread = True
            elif ta < self.now - dt.timedelta(days=60) or rng.random() < 0.6:
                self.b.reads.append((self.it, self.proposer_uid, ans))

    # -- assignment and everything after it
