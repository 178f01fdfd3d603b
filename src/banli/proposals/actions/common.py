"""What every action does first: lock the item, load what the table's guards read, and check
the actor against the transition table."""

import functools
from dataclasses import dataclass

from django.db import transaction

from django.db.models import Prefetch
from django.utils import timezone

from banli.audit.service import record
from banli.deadlines.sync import sync_item
from banli.errors import BanliError, invalid, not_found
from banli.notify.service import notify
from banli.search.index import reindex

from .. import workflow
from ..access import Actor, access_item, actor_for
from ..models import Assignment, Item, Reply

ITEM_PREFETCH = [
    "cosigners",
    "consultations",
    Prefetch("assignments", queryset=Assignment.objects.select_related("unit", "co_opinion").prefetch_related(
        Prefetch("replies", queryset=Reply.objects.select_related("reply_type", "feedback")), "closure_reports", "adjustments")),
]


@dataclass
class Step:
    user: object
    actor: Actor
    item: Item
    action: str
    assignment: Assignment | None = None

    def check(self):
        """State and guard; run after the early return for a repeated action."""
        workflow.check(self.action, self.actor, self.item, self.assignment)

    def audit(self, *, target=None, before=None, after=None, note=""):
        return record(actor=self.user, action=self.action, item=self.item, target=target, before=before, after=after, note=note)

    def advance(self, **fields):
        """Move the item to the table's target state for this action (Transition.to_state), with
        the given fields; returns the state before, for the audit row. The table is the one place
        that says where an action leads, so code and table cannot drift apart."""
        target = workflow.TABLE[self.action].to_state
        if target is None:
            raise AssertionError(f"{self.action} has no target state in the table; the action decides (use decide_state)")
        return self._store(target, fields)

    def decide_state(self, state, **fields):
        """Set a state the action decides by itself (the table's target is None): e.g. an approved
        withdrawal request withdraws the item, a refused one leaves it as it is."""
        if workflow.TABLE[self.action].to_state is not None:
            raise AssertionError(f"{self.action} leads to {workflow.TABLE[self.action].to_state} by the table; use advance()")
        return self._store(state, fields)

    def _store(self, state, fields):
        before = {"state": self.item.state}
        self.item.state = state
        for k, v in fields.items():
            setattr(self.item, k, v)
        self.item.save()
        return before

    def notify(self, user_ids, text, kind=None):
        """Tell people of this step, in its transaction (banli.notify.service: the transactional outbox)."""
        notify(user_ids, kind or self.action, text, self.item.pk)


def item_action(fn):
    """One transaction per item action; before it commits, the item's deadline rows and its search
    documents are brought in line with what its records now say (banli.deadlines.sync,
    banli.search.index), so they never disagree: an action that fails changes neither."""

    @functools.wraps(fn)
    def wrapper(user, item_id, *args, **kwargs):
        with transaction.atomic():
            result = fn(user, item_id, *args, **kwargs)
            sync_item(int(item_id))
            reindex([int(item_id)])
        return result

    return wrapper


def begin(user, action: str, item_id, *, assignment_id=None, check_role: bool = True) -> Step:
    """Lock and load the item, and check that the actor has a role for the action. The caller
    returns early if the action already took effect, then calls step.check()."""
    actor = actor_for(user)
    locked = access_item(user, item_id, for_update=True)
    # Re-read with what the guards need; the row lock taken above holds for the transaction.
    item = Item.objects.prefetch_related(*ITEM_PREFETCH).select_related("reply_type", "session").get(pk=locked.pk)
    assignment = None
    if assignment_id is not None:
        assignment = next((a for a in item.assignments.all() if str(a.pk) == str(assignment_id)), None)
        if assignment is None:
            raise not_found()
    step = Step(user=user, actor=actor, item=item, action=action, assignment=assignment)
    if not check_role:
        return step
    err = workflow.role_refusal(action, actor, item, assignment)
    if err is not None:
        raise err
    return step


def system_step(action: str, item_id) -> Step:
    """A step the system takes on its own (the daily scan), with the office's standing in the
    transition table; its audit row has no actor."""
    Item.objects.select_for_update().filter(pk=item_id).first()
    item = Item.objects.prefetch_related(*ITEM_PREFETCH).select_related("reply_type", "session").get(pk=item_id)
    return Step(user=None, actor=Actor(user=None, gov_office=True), item=item, action=action)


def now():
    return timezone.now()


def today():
    return timezone.localdate()


def require_text(value, field: str, zh_name: str, en_name: str, *, max_len: int = 20000) -> str:
    text = (value or "").strip()
    if not text:
        raise invalid(field, f"请填写{zh_name}。", f"{en_name} is required.")
    if len(text) > max_len:
        raise invalid(field, f"{zh_name}过长（最多{max_len}字）。", f"{en_name} is too long (at most {max_len} characters).")
    return text


def proposer_user_ids(item: Item) -> list[int]:
    return [item.proposer.user_id] if item.proposer.user_id else []


def unit_user_ids(units) -> list[int]:
    """Liaisons serving now and leaders of the given units."""
    from banli.org.models import UnitLiaison

    ids = list(UnitLiaison.objects.filter(unit__in=units, ended_on__isnull=True).values_list("user_id", flat=True))
    ids += [u.leader_id for u in units if getattr(u, "leader_id", None)]
    return ids


def office_user_ids(kind: str, assembly: str = "") -> list[int]:
    from banli.org.models import StaffRole

    qs = StaffRole.objects.filter(kind=kind)
    if assembly:
        qs = qs.filter(assembly=assembly)
    return list(qs.values_list("user_id", flat=True))


__all__ = ["BanliError", "Step", "begin", "invalid", "now", "today", "require_text", "not_found"]
