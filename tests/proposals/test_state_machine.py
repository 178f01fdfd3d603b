"""Random sequences of actions by random personas, with the invariants of DESIGN.md point 9
checked after every step: mostly steps the table offers the persona, sometimes any step at all.
A refused step must change nothing."""

import datetime
from collections import Counter

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from banli.proposals.commands import COMMANDS
from banli.audit.models import AuditRecord
from banli.errors import BanliError
from banli.proposals import workflow
from banli.proposals.access import actor_for
from banli.proposals.actions.common import ITEM_PREFETCH
from banli.proposals.actions.settle import item_facts
from banli.proposals.derived import derived_state
from banli.proposals.models import ENDED_STATES, Assignment, Item, ItemState, Reply
from tests.builders import new_draft, reply_fields, today
from tests.clocks import clocks_without_a_step

pytestmark = pytest.mark.django_db

PERSONAS = ["member", "cosigner", "deputy", "cppcc_office", "npc_office", "gov_office", "lead_liaison", "lead_head", "co_liaison",
            "co_head", "spare_liaison", "district_leader", "other_leader", "outsider_liaison"]
ENDING = {"withdraw", "reject", "convert", "merge", "return_for_revision", "request_withdrawal", "decide_withdrawal", "reassign",
          "request_adjustment", "invite_cosigners", "unmark_key", "return_reply", "leader_return_reply", "return_closure_report"}
SIDE = {"post_message", "set_publication_consent", "mark_key", "give_instruction", "urge", "request_extension", "decide_extension",
        "record_mediation", "report_progress", "decide_publication", "revoke_publication", "waive_co_opinion", "grade_co_unit"}
ORDER = [t.action for t in workflow.TRANSITIONS]
ACTIONS = sorted(set(workflow.TABLE) - {"edit_draft", "add_attachment"})


def payload(world, action, item, n):
    """Plausible input for the action; n varies choices (types, grades, yes/no)."""
    W = world
    yes = n % 2 == 0
    other = Item.objects.filter(session=item.session, state__in=["registered", "assigned", "handling"]).exclude(pk=item.pk).first()
    awaiting = Reply.objects.filter(item=item, state="sent", is_conversion=False, feedback__isnull=True).first()
    code = "ABC"[n % 3]
    reply = {k: (str(v) if isinstance(v, datetime.date) else v) for k, v in reply_fields(code).items()}
    return {
        "invite_cosigners": {"person_ids": [W.cosigner_person.pk if item.assembly == "cppcc" else W.deputy_person.pk]},
        "respond_cosign": {"confirm": yes},
        "submit": {}, "register": {},
        "withdraw": {"reason": "不再需要"},
        "set_publication_consent": {"consent": yes},
        "return_for_revision": {"reason": "请补充"}, "reject": {"reason": "不属于职责"},
        "merge": {"into_id": other.pk if other else 0, "reason": "内容相近"},
        "convert": {"to": "意见建议", "reason": ""},
        "request_withdrawal": {"reason": "已解决"}, "decide_withdrawal": {"approve": yes, "note": "n"},
        "assign": ({"lead": W.lead_unit.pk, "co": [W.co_unit.pk] if n % 3 else [], "separate": [], "note": ""} if n % 4
                   else {"lead": None, "co": [], "separate": [W.lead_unit.pk, W.spare_unit.pk], "note": ""}),
        "reassign": {"remove": [], "lead": None, "co": [W.outsider_unit.pk], "separate": [], "reason": "补充会办"},
        "sign": {}, "request_adjustment": {"reason": "不属本单位", "suggested_unit_id": W.spare_unit.pk, "suggested_unit_text": ""},
        "decide_adjustment": {"approve": yes, "new_unit_id": W.outsider_unit.pk, "note": "决定"},
        "record_consultation": {"kind": ["before", "during", "after"][n % 3], "form": ["visit", "meeting", "phone"][n % 3],
                                "held_on": today(), "participants": "双方", "proposer_views": ""},
        "send_co_opinion": {"text": "同意"}, "waive_co_opinion": {"reason": "撤并"},
        "grade_co_unit": {"grade": ["good", "fair", "average", "poor"][n % 4], "comment": ""},
        "draft_reply": reply, "convert_reply_type": {**reply_fields("A"), "planned_date": None},
        "submit_reply": {}, "approve_reply": {"comment": ""}, "return_reply": {"comment": "改"},
        "leader_approve_reply": {"comment": ""}, "leader_return_reply": {"comment": "改"}, "send_reply": {},
        "request_extension": {"requested_due": today() + datetime.timedelta(days=100), "reason": "调研"},
        "decide_extension": {"approve": yes, "note": ""},
        "give_feedback": {"reply_id": awaiting.pk if awaiting else 0, "grade": ["good", "fair", "average", "poor"][n % 4],
                          "agrees": n % 5 != 0, "comment": "", "praise": yes, "co_grades": {}},
        "record_no_feedback": {"reply_id": awaiting.pk if awaiting else 0},
        "record_mediation": {"held_on": today(), "participants": "各方", "outcome": "一致"},
        "report_progress": {"text": "推进中"}, "file_closure_report": {"text": "完成", "done_on": today()},
        "approve_closure_report": {"comment": ""}, "return_closure_report": {"comment": "补充"},
        "reopen": {"reason": "再次反映"}, "decide_publication": {"publish": yes, "reason": "" if yes else "涉密"},
        "revoke_publication": {"reason": "撤销"}, "mark_key": {"leader_id": W.district_leader.pk, "reason": ""},
        "unmark_key": {"reason": "调整"}, "give_instruction": {"text": "抓紧"}, "urge": {"text": "请抓紧"},
        "post_message": {"body": "请问进展", "to_unit_id": None, "reply_to_id": None},
    }[action]


def check_invariants(item_ids):
    items = list(Item.objects.filter(pk__in=item_ids).prefetch_related("assignments__replies__approvals", "assignments__replies__reply_type", "replies"))
    numbers = [(i.session_id, i.number) for i in items if i.number]
    assert len(numbers) == len(set(numbers)), "numbers are unique per session"
    for item in items:
        active = [a for a in item.assignments.all() if a.state != Assignment.State.ENDED]
        answering = [a for a in active if a.role in ("lead", "separate")]
        sent = [r for r in item.replies.all() if r.state == Reply.State.SENT]
        assert sum(a.role == "lead" for a in active) <= 1, "at most one lead unit"
        if item.state in (ItemState.REGISTERED, ItemState.ASSIGNED, ItemState.HANDLING, ItemState.REPLIED, ItemState.EVALUATED,
                          ItemState.REHANDLING, ItemState.CLOSED):
            assert item.number, "a registered item has its number"
        if item.state == ItemState.CLOSED:
            # No item closed without a reply, and every replying unit closed.
            assert sent and item.replied_at and item.closed_at, f"closed without reply: {item.pk}"
            assert all(a.closed_at for a in answering)
        if item.state in (ItemState.REPLIED, ItemState.EVALUATED, ItemState.REHANDLING, ItemState.CLOSED):
            assert answering and all(a.replied_round >= 1 for a in answering)
        if item.state == ItemState.MERGED:
            assert item.merged_into_id
        if item.state == ItemState.NOT_REGISTERED:
            assert item.state_reason
        for r in sent:
            levels = {(a.level, a.decision) for a in r.approvals.all()}
            assert ("unit", "approved") in levels, "every sent reply approved by the unit leader"
            if r.reply_type.needs_leader_approval:
                assert ("district", "approved") in levels, "type C approved by the district leader"
        if item.state not in (ItemState.DRAFT, ItemState.SUBMITTED, ItemState.REGISTERED) and item.assigned_at:
            # The stored state is what the records say it is.
            stored = item.state
            if stored not in (ItemState.WITHDRAWN, ItemState.MERGED, ItemState.CONVERTED, ItemState.NOT_REGISTERED):
                assert derived_state(stored, item_facts(item)) == stored, f"item {item.pk} state {stored} disagrees with its records"
        assert AuditRecord.objects.filter(item=item).exists(), "every item has its audit trail"
    # DOMAIN §5: every open deadline row belongs to a step that the person it waits on may take now,
    # so no overdue record can come from a step the system refused.
    stuck = clocks_without_a_step(item_ids)
    assert not stuck, f"clocks running on refused steps: {stuck}"


class ItemLife(RuleBasedStateMachine):
    world = None
    reached = Counter()  # states reached and steps taken, over all examples: proof the run went deep

    def __init__(self):
        super().__init__()
        self.item_ids = []
        self.done = set()

    @initialize(assembly=st.sampled_from(["cppcc", "npc"]))
    def file_item(self, assembly):
        self.item_ids = [new_draft(self.world, assembly=assembly).pk]

    @rule(rnd=st.randoms(use_true_random=False))
    def walk(self, rnd):
        """A dozen steps per rule: hypothesis runs fewer rules than its step limit, and an item's
        life is some twenty steps long. The Random comes from hypothesis, so runs replay and shrink
        (plain integer strategies lean to edge values, which would skew the choices)."""
        for _ in range(12):
            self.step(rnd)

    def step(self, rnd):
        W = self.world
        which, persona, pick, n, anything = rnd.randrange(3), rnd.choice(PERSONAS), rnd.randrange(10_000), rnd.randrange(10_000), rnd.randrange(20)
        live = list(Item.objects.filter(pk__in=self.item_ids).exclude(state__in=list(ENDED_STATES)).values_list("pk", flat=True))
        if not live:
            self.item_ids.append(new_draft(W).pk)
            return
        item_id = live[which % len(live)]
        item = Item.objects.prefetch_related(*ITEM_PREFETCH).select_related("reply_type").get(pk=item_id)
        # Mostly a step the table offers someone now (each offered step equally likely, whoever
        # may take it); one time in twenty, any step by anyone, which is usually refused.
        offered = {}
        for p in PERSONAS:
            for o in workflow.available_actions(actor_for(getattr(W, p)), item):
                offered.setdefault(o["action"], []).append((p, o))
        if anything == 0 or not offered:
            action = ACTIONS[pick % len(ACTIONS)]
            assignments = [a.pk for a in item.assignments.all()]
            assignment = assignments[n % len(assignments)] if assignments else None
        else:
            # Steps that end an item early are taken rarely, so that walks reach replies and closure.
            # Side steps (messages, urging, extensions) one time in ten; otherwise steps that move the item on.
            if anything == 1:
                names = sorted(offered)
            elif anything in (2, 3):
                names = sorted(set(offered) & SIDE) or sorted(offered)
            else:
                names = sorted(set(offered) - ENDING - SIDE) or sorted(set(offered) - ENDING) or sorted(offered)
                fresh_names = [a for a in names if (item_id, item.state, a) not in self.done]
                if anything >= 8 and fresh_names:
                    # Most of the time, the earliest step in the table not yet taken on this item in
                    # its present state: the item moves on instead of looping over one step.
                    names = [min(fresh_names, key=ORDER.index)]
            choices = offered[names[pick % len(names)]]
            persona, choice = choices[n % len(choices)]
            action, assignment = choice["action"], choice.get("assignment")
        user = getattr(W, persona)
        self.done.add((item_id, item.state, action))
        if action in ("edit_draft", "add_attachment"):
            return
        data = payload(W, action, item, n)
        if workflow.TABLE[action].scope == "assignment":
            data["assignment"] = assignment or 0
        before = (Item.objects.values_list("state", "updated_at").get(pk=item_id), AuditRecord.objects.count())
        try:
            COMMANDS[action].run(user, item_id, data)
            self.reached[action] += 1
            self.reached[Item.objects.values_list("state", flat=True).get(pk=item_id)] += 1
        except BanliError:
            after = (Item.objects.values_list("state", "updated_at").get(pk=item_id), AuditRecord.objects.count())
            assert after == before, f"refused {action} by {persona} changed something"

    @invariant()
    def records_agree(self):
        check_invariants(self.item_ids)


def test_random_action_sequences_keep_the_invariants(world):
    ItemLife.world = world
    ItemLife.reached.clear()
    run_state_machine_as_test(
        ItemLife,
        settings=settings(max_examples=6, stateful_step_count=8, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]),
    )
    print(dict(ItemLife.reached))
    # The random walks must have got past registration and into handling, or the invariants checked little.
    for step in ("register", "assign", "sign", "send_reply", "give_feedback"):
        assert ItemLife.reached[step], f"no random walk reached {step}"
    for state in ("replied", "evaluated", "closed"):
        assert ItemLife.reached[state], f"no random walk reached {state}"
