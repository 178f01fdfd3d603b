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


def _people(row: Deadline, item: Item) -> list:
    """Everyone the milestone waits on."""
    User = get_user_model()
    ids = set()
    if row.unit_id:
        unit = row.unit
        ids |= set(UnitLiaison.objects.filter(unit=unit, ended_on__isnull=True).values_list("user_id", flat=True))
        ids |= {unit.leader_id, unit.supervising_leader_id}
    if row.kind in (M.ADJUST_DECISION, M.PUBLICATION, M.CO_OPINION):
        ids |= set(StaffRole.objects.filter(kind=StaffRole.Kind.GOV_OFFICE).values_list("user_id", flat=True))
    if row.kind == M.REGISTER:
        ids |= set(StaffRole.objects.filter(kind=StaffRole.Kind.ASSEMBLY_OFFICE, assembly=item.assembly).values_list("user_id", flat=True))
    if row.kind == M.FEEDBACK:
        ids.add(item.proposer.user_id)
    if row.kind == M.COSIGN:
        ids |= set(CoSigner.objects.filter(item=item, state=CoSigner.State.INVITED).values_list("person__user_id", flat=True))
    return list(User.objects.filter(pk__in=ids - {None}))


def may_step(row: Deadline, item: Item) -> bool:
    assignment = next((a for a in item.assignments.all() if a.pk == row.assignment_id), None)
    for user in _people(row, item):
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
    items = {i.pk: i for i in Item.objects.filter(pk__in=item_ids).prefetch_related(*ITEM_PREFETCH, "assignments__extensions")
             .select_related("reply_type", "session", "proposer")}
    rows = Deadline.objects.filter(item_id__in=item_ids, state__in=(Deadline.State.OPEN, Deadline.State.LATE)).select_related("unit")
    return [f"{row.key} ({row.get_kind_display()}, {row.state}) on item {row.item_id} in state {items[row.item_id].state}"
            for row in rows if not may_step(row, items[row.item_id])]
