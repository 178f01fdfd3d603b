"""The people a notice goes to, resolved from the table of notices (banli.proposals.notices) with
queries as of now; `tell`, which the item actions call to notify them in the step's transaction, and
`tell_people` for the notices that are not about an item (the Q&A window)."""

from banli.notify.service import notify

from ..models import Item
from ..notices import (
    ASSEMBLY_OFFICE, GOV_OFFICE, KEY_LEADER, MERGED_PROPOSERS, NAMED, NOTICES, PROPOSER, SUPERVISING_LEADERS, UNIT_LEADERS, UNITS,
    kind_of,
)
from .common import office_user_ids, proposer_user_ids, unit_user_ids


def recipients(name: str, item=None, *, units=(), user_ids=()) -> list[int]:
    """User ids the notice goes to, as of now (queries; the benchmark resolves the same audiences
    from its own in-memory ids). units: the units the step concerns; user_ids: the people it names."""
    resolve = {
        PROPOSER: lambda: proposer_user_ids(item),
        MERGED_PROPOSERS: lambda: list(Item.objects.filter(merged_into=item).values_list("proposer__user_id", flat=True)),
        ASSEMBLY_OFFICE: lambda: office_user_ids("assembly_office", item.assembly),
        GOV_OFFICE: lambda: office_user_ids("gov_office"),
        UNITS: lambda: unit_user_ids(list(units)),
        UNIT_LEADERS: lambda: [u.leader_id for u in units],
        SUPERVISING_LEADERS: lambda: [u.supervising_leader_id for u in units],
        KEY_LEADER: lambda: [item.key_leader_id],
        NAMED: lambda: list(user_ids),
    }
    return [uid for who in NOTICES[name].to for uid in resolve[who]()]


def tell(step, name: str, text: str, *, units=(), user_ids=()) -> None:
    """Notify the notice's audiences about the step's item, in the step's transaction."""
    step.notify(recipients(name, step.item, units=units, user_ids=user_ids), text, kind=kind_of(name, step.action))


def tell_people(name: str, text: str, *, action: str, units=(), user_ids=()) -> None:
    """Notify a notice that is not about an item, in the caller's transaction."""
    notify(recipients(name, units=units, user_ids=user_ids), kind_of(name, action), text)
