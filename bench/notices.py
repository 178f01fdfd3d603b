"""The in-app notifications the bench writes beside the audit rows of the main steps. Who gets
them, and of what kind, is the domain's table (banli.proposals.notices), resolved here from the
planner's in-memory ids instead of queries; an audience the bench does not know stops the run,
so a change to the table cannot pass unnoticed."""

from __future__ import annotations

import datetime as dt

from banli.notify.models import Notification
from banli.proposals import notices as N
from banli.proposals.models import Side

from .copying import make

# The steps whose notices the bench writes (the ones the pages count), and what each is told.
TELLS = {"submit": "submit", "register": "register", "assign": "assigned", "send_reply": "replied",
         "request_withdrawal": "request_withdrawal"}  # post_message: by side, see notify_of; the closing: handling
TEXT = {"submit": "新提交待审查", "register": "已立案", "assigned": "新交办，请在规定时限内签收", "replied": "承办单位已答复，请评价",
        "request_withdrawal": "申请撤回", "closed": "已办结", "message_to_unit": "委员/代表留言", "message_to_office": "委员/代表留言",
        "message_answer": "回复留言"}
RECENT_DAYS = 90  # older notifications are all read, and the pages count only unread rows: not written


def recipients(org, name, *, assembly=None, proposer_uid=None, key_leader_id=None, units=(), user_ids=()) -> list[int]:
    """The audiences of the notice, from the bench's ids (org: bench.org.Org; units: its unit
    dicts). The proposers of items merged into this one: none yet (the bench writes a merged item
    after the item it joins)."""
    resolve = {
        N.PROPOSER: lambda: [proposer_uid],
        N.MERGED_PROPOSERS: lambda: [],
        N.ASSEMBLY_OFFICE: lambda: [org.office_id[assembly]],
        N.GOV_OFFICE: lambda: list(org.gov_ids),
        N.UNITS: lambda: [x for u in units for x in (u["liaison"], u["leader"])],
        N.UNIT_LEADERS: lambda: [u["leader"] for u in units],
        N.SUPERVISING_LEADERS: lambda: [u["sup"] for u in units],
        N.KEY_LEADER: lambda: [key_leader_id],
        N.NAMED: lambda: list(user_ids),
    }
    return [uid for who in N.NOTICES[name].to for uid in resolve[who]()]


class Notices:
    """The part of the Planner that writes notifications (a mixin)."""

    def notify_of(self, action, at, after):
        """The notice an audited step tells, if the bench writes it."""
        if action == "assign":
            self.tell("assigned", at, action, units=[self.org.unit_by_id[uid] for uid, _ in after["assignments"]])
        elif action == "post_message":
            unit = self.org.unit_by_id.get(after.get("to_unit"))
            if after.get("side") != Side.PROPOSER:
                self.tell("message_answer", at, action)
            elif unit:
                self.tell("message_to_unit", at, action, units=[unit])
            else:
                self.tell("message_to_office", at, action)
        elif action in TELLS:
            self.tell(TELLS[action], at, action)

    def tell(self, name, at, action, units=()):
        """The in-app rows of the notice, for the last RECENT_DAYS only (the index the pages count
        by is recipient, read_at)."""
        if at < self.now - dt.timedelta(days=RECENT_DAYS):
            return
        kind = N.kind_of(name, action)
        text = f"{TEXT[name]}：{self.it.title}"[:300]
        it = self.it
        users = recipients(self.org, name, assembly=it.assembly, proposer_uid=self.proposer_uid, key_leader_id=it.key_leader_id, units=units)
        for uid in dict.fromkeys(users):
            unread = at > self.now - dt.timedelta(days=30) and self.rng.random() < 0.5
            read_at = None if unread else min(at + dt.timedelta(hours=self.rng.uniform(0.5, 72)), self.now)
            self.b.notes.append(make(Notification, recipient_id=uid, kind=kind, item=self.it, text=text, created_at=at, read_at=read_at))
