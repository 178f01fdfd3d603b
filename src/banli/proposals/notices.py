"""Who hears of each step: one table of notices, each with its audiences and the kind its
notification rows carry. The actions tell people through it; the benchmark's generator,
which writes the same in-app rows in bulk without running the actions, reads the same table, so
the two cannot drift apart. The message itself (the text) stays with the action that sends it.
The actions resolve the audiences to people in actions/audiences.py (`tell`)."""

from dataclasses import dataclass

# Audiences
PROPOSER = "proposer"  # the item's proposer
MERGED_PROPOSERS = "merged_proposers"  # the proposers of the items merged into it
ASSEMBLY_OFFICE = "assembly_office"  # the office of the item's assembly (政协提案委 / 人大代表工委)
GOV_OFFICE = "gov_office"  # the government office (区府办)
UNITS = "units"  # the serving liaisons and the leaders of the units the step concerns
UNIT_LEADERS = "unit_leaders"  # the leaders of those units
SUPERVISING_LEADERS = "supervising_leaders"  # the district leaders whose portfolio holds them
KEY_LEADER = "key_leader"  # the district leader supervising the key item
NAMED = "named"  # the people the step names: those just invited to co-sign, the asker of a question
AUDIENCES = (PROPOSER, MERGED_PROPOSERS, ASSEMBLY_OFFICE, GOV_OFFICE, UNITS, UNIT_LEADERS, SUPERVISING_LEADERS, KEY_LEADER, NAMED)


STEP = "<the step>"  # as a kind: the name of the step that tells


@dataclass(frozen=True)
class Notice:
    to: tuple[str, ...]
    kind: str | None = None  # the notification kind; None: the notice's own name; STEP: the step's


N = Notice
NOTICES = {
    # drafting
    "invite_cosigners": N((NAMED,)),
    "respond_cosign": N((PROPOSER,)),
    "submit": N((ASSEMBLY_OFFICE,)),
    # registration and withdrawal
    "register": N((PROPOSER, GOV_OFFICE)),
    "return_for_revision": N((PROPOSER,)),
    "reject": N((PROPOSER,)),
    "merge": N((PROPOSER,)),
    "convert": N((PROPOSER,)),
    "request_withdrawal": N((ASSEMBLY_OFFICE,)),
    "decide_withdrawal": N((PROPOSER,)),
    "withdrawn": N((UNITS,)),  # an approved withdrawal releases the units
    # assignment
    "assigned": N((UNITS,)),  # assign, reassign, an approved adjustment: the new units
    "unassigned": N((UNITS,)),  # reassign: the units taken off
    "request_adjustment": N((GOV_OFFICE,)),
    "decide_adjustment": N((UNITS,)),
    # handling
    "send_co_opinion": N((UNITS,)),  # the replying units
    "grade_co_unit": N((UNITS,)),  # the co-handling unit graded
    "waive_co_opinion": N((UNITS,)),  # the replying units and the waived one
    "message_to_unit": N((UNITS,), "message"),  # the proposer writes to a unit
    "message_to_office": N((GOV_OFFICE,), "message"),  # ... or to the office
    "message_answer": N((PROPOSER,), "message"),  # a unit or the office answers
    # replies
    "submit_reply": N((UNIT_LEADERS,)),
    "reply_returned": N((UNITS,), STEP),  # kind: the returning step (return_reply, leader_return_reply)
    "reply_to_leader": N((SUPERVISING_LEADERS,), STEP),  # a type needing the district leader, approved by the unit
    "reply_approved": N((UNITS,), STEP),  # approve_reply, leader_approve_reply
    "replied": N((PROPOSER, MERGED_PROPOSERS)),
    "request_extension": N((GOV_OFFICE,)),
    "decide_extension": N((UNITS,)),
    # feedback, progress, closure
    "rehandling": N((UNITS,)),
    "report_progress": N((PROPOSER,)),
    "file_closure_report": N((UNIT_LEADERS,)),
    "return_closure_report": N((UNITS,)),
    "closed": N((PROPOSER, GOV_OFFICE)),  # the last replying unit closed: the item is closed
    "reopen": N((UNITS,)),  # the replying units
    # supervision
    "mark_key": N((KEY_LEADER,)),
    "give_instruction": N((UNITS,)),  # the active units
    "urge": N((UNITS,)),
    # the Q&A window (有问必答), not about an item
    "question_to_unit": N((UNITS,), "question"),
    "question_to_office": N((GOV_OFFICE,), "question"),
    "answer": N((NAMED,)),  # the asker
}


def kind_of(name: str, action: str) -> str:
    """The kind of the notification rows the notice writes when `action` tells it."""
    kind = NOTICES[name].kind
    return action if kind == STEP else kind or name
