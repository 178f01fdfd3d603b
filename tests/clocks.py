"""DOMAIN §5: "A deadline is open only while the person it waits on may take the step that meets
it: no clock runs on a step that the system would refuse." `clocks_without_a_step(item_ids)` lists
every open or late deadline row of the items for which nobody it waits on may take a step that
meets it, asked of the transition table exactly as the pages and the API ask it."""

from django.contrib.auth import get_user_model

from banli.deadlines.models import Deadline, Milestone as M
from banli.org.models import StaffRole, UnitLiaison
from banli.proposals import workflow
from banli.proposals.access import actor_for
from banli.proposals.actions.common import ITEM_PREFETCH
from banli.proposals.models import CoSigner, Item

# The steps that move each milestone on (a unit that has not signed yet signs first).
REPLYING = ("draft_reply", "submit_reply", "approve_reply", "leader_approve_reply", "send_reply", "sign", "record_consultation")
STEPS = {
    M.SIGN: ("sign", "request_adjustment"),
    M.ADJUST_DECISION: ("decide_adjustment",),
    M.CONSULT: ("record_consultation", "sign"),
    M.CO_OPINION: ("send_co_opinion", "sign", "waive_co_opinion"),
    M.REPLY: REPLYING,
    M.SECOND_REPLY: REPLYING,
    M.FEEDBACK: ("give_feedback",),
    M.PROGRESS: ("report_progress",),
    M.PUBLICATION: ("decide_publication",),
    M.MESSAGE: ("post_message",),
    M.REGISTER: ("register", "return_for_revision", "reject", "merge", "convert"),
    M.COSIGN: ("respond_cosign",),
}


class _People:
    """Everyone a milestone waits on, loaded once per check (a User keeps its roles cached)."""

    def __init__(self):
        User = get_user_model()
        self.liaisons = {}
        for unit_id, user_id in UnitLiaison.objects.filter(ended_on__isnull=True).values_list("unit_id", "user_id"):
            self.liaisons.setdefault(unit_id, set()).add(user_id)
        roles = list(StaffRole.objects.values_list("kind", "assembly", "user_id"))
        self.gov = {u for k, _, u in roles if k == StaffRole.Kind.GOV_OFFICE}
        self.assembly = {}
        for k, a, u in roles:
            if k == StaffRole.Kind.ASSEMBLY_OFFICE:
                self.assembly.setdefault(a, set()).add(u)
        self.users = {u.pk: u for u in User.objects.all()}

    def __call__(self, row: Deadline, item: Item) -> list:
        ids = set()
        if row.unit_id:
            unit = row.unit
            ids |= self.liaisons.get(unit.pk, set()) | {unit.leader_id, unit.supervising_leader_id}
        if row.kind in (M.ADJUST_DECISION, M.PUBLICATION, M.CO_OPINION):
            ids |= self.gov
        if row.kind == M.REGISTER:
            ids |= self.assembly.get(item.assembly, set())
        if row.kind == M.FEEDBACK:
            ids.add(item.proposer.user_id)
        if row.kind == M.COSIGN:
            ids |= {c.person.user_id for c in item.cosigners.all() if c.state == CoSigner.State.INVITED}
        return [self.users[i] for i in sorted(ids - {None})]


def may_step(row: Deadline, item: Item, people) -> bool:
    assignment = next((a for a in item.assignments.all() if a.pk == row.assignment_id), None)
    for user in people(row, item):
        actor = actor_for(user)
        for action in STEPS[row.kind]:
            scope = workflow.TABLE[action].scope
            if scope == "assignment" and assignment is None:
                continue
            if workflow.refusal(action, actor, item, assignment if scope == "assignment" else None) is not None:
                continue
            if row.kind == M.FEEDBACK and int(row.key.split(":")[1]) not in {r.pk for r in workflow.awaiting_rating(item)}:
                continue
            return True
    return False


def clocks_without_a_step(item_ids) -> list[str]:
    items = {i.pk: i for i in Item.objects.filter(pk__in=item_ids).prefetch_related(*ITEM_PREFETCH, "assignments__extensions", "cosigners__person")
             .select_related("reply_type", "session", "proposer")}
    rows = list(Deadline.objects.filter(item_id__in=item_ids, state__in=(Deadline.State.OPEN, Deadline.State.LATE)).select_related("unit"))
    if not rows:
        return []
    people = _People()
    return [f"{row.key} ({row.get_kind_display()}, {row.state}) on item {row.item_id} in state {items[row.item_id].state}"
            for row in rows if not may_step(row, items[row.item_id], people)]
