"""What each demo item will be (its Spec), how many items of each state each session gets, and
what the steps of one item learn as they run."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from banli.org.models import Assembly, Person, Session, Unit
from banli.proposals.models import ItemState

from .vocabulary import NOUNS

if TYPE_CHECKING:
    from .item_plan import ItemPlan

S = ItemState

CUR_COUNTS = {
    Assembly.CPPCC: {S.DRAFT: 5, S.SUBMITTED: 5, S.REGISTERED: 4, S.ASSIGNED: 5, S.HANDLING: 12, S.REPLIED: 12, S.EVALUATED: 18,
                     S.REHANDLING: 3, S.CLOSED: 30, S.NOT_REGISTERED: 3, S.MERGED: 3, S.CONVERTED: 2, S.WITHDRAWN: 3},
    Assembly.NPC: {S.DRAFT: 3, S.SUBMITTED: 3, S.REGISTERED: 2, S.ASSIGNED: 3, S.HANDLING: 6, S.REPLIED: 6, S.EVALUATED: 9,
                   S.REHANDLING: 2, S.CLOSED: 15, S.NOT_REGISTERED: 2, S.MERGED: 1, S.CONVERTED: 1, S.WITHDRAWN: 2},
}
PREV_COUNTS = {
    Assembly.CPPCC: {S.CLOSED: 60, S.NOT_REGISTERED: 3, S.MERGED: 2, S.CONVERTED: 2, S.WITHDRAWN: 2},
    Assembly.NPC: {S.CLOSED: 33, S.NOT_REGISTERED: 2, S.MERGED: 1, S.CONVERTED: 2, S.WITHDRAWN: 2},
}
# Items whose last step is recent: they are planned backwards from today.
RECENT = {S.DRAFT, S.SUBMITTED, S.REGISTERED, S.ASSIGNED, S.HANDLING, S.REPLIED, S.REHANDLING}


@dataclass
class Spec:
    """What one item will be: who files it, on what, and how far its life goes."""

    idx: int
    assembly: str
    session: Session
    target: str
    person: Person
    title: str = ""
    reason: str = ""
    suggestions: str = ""
    sub: str = ""
    act: str = ""
    lead: Unit | None = None
    co: list = field(default_factory=list)
    separate: list = field(default_factory=list)
    cosigners: list = field(default_factory=list)  # (Person, "confirm" | "decline" | "none")
    consent: bool | None = True
    reply_type: str = "A"
    promise: bool = False  # an A reply that promises something by a date
    grade: str = "good"
    agrees: bool = True
    praise: bool = False
    lapsed: bool = False
    rehandle: bool = False
    rehandle_type: str = "A"
    cut: str = ""
    key_leader: object = None
    adjustment: str = ""  # approved / refused / pending
    adjust_alt: Unit | None = None
    extension: str = ""  # approved / pending
    returned: bool = False
    early: bool = False
    convert_to: str = ""
    messages: bool = False
    urge_sign: bool = False
    late_consult: bool = False
    withhold_rec: bool = False
    reassign_add: Unit | None = None
    waive: bool = False
    reply_return: bool = False
    closure_return: bool = False
    during: bool = False
    after_visit: bool = False
    revoke: bool = False
    merge_into: "Spec | None" = None
    reject_reason: str = ""
    convert_as: str = ""
    withdraw_pending: bool = False
    withdraw_stage: str = "submitted"
    suggested: list = field(default_factory=list)
    anchor: str = "main"
    plan: "ItemPlan | None" = None  # set when planned

    @property
    def noun(self):
        return NOUNS[self.assembly]

    @property
    def person_title(self):
        return "" if self.person.is_collective else ("委员" if self.assembly == Assembly.CPPCC else "代表")


class Ctx:
    """What the steps of one item learn as they run (ids the database hands out)."""

    def __init__(self):
        self.item_id = None
        self.asg = {}  # unit id -> assignment id
        self.reply = {}  # unit id -> id of the last sent reply
        self.message_id = None

