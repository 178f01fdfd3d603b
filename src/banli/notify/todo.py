"""Which notifications the to-do list (待办, banli.proposals.todo) already carries.

A notification that says "there is something for you to do" about a thing the recipient's to-do
list shows until it is done (a new submission for the assembly office, a registered item for the
government office to assign, a new assignment for a unit to sign for) is not unread news: the
to-do card counts it and it leaves the card when the step is taken. Such notifications stay in the
inbox, grouped under "已列入待办", but they do not count as unread and are not offered to be
marked read one by one. A few kinds are kept for the record only (FOR_THE_RECORD), listed the same
way under "仅供备查".

The rule is by role and kind: a kind is carried for a person if one of their roles has a to-do card
for it. A person with several roles gets the union (an office clerk who is also a member is not
shown their own item's "已立案" as unread, as the office's "待交办" card lists it anyway).

Things that are news, not work, count as unread for everyone: a decision, a reply to read, a
returned draft, an urge notice (the office wants it noticed even though the late milestone is on
the card)."""

REMINDERS = {"reminder_before5", "reminder_before1", "reminder_due", "reminder_late", "reminder_escalated"}

# role -> kinds its to-do cards carry (the card that does, in comments)
CARRIED = {
    "proposer": {
        "invite_cosigners",  # 待回应的联名邀请
        "replied",  # 待评价的答复
        "message",  # 未读留言
        "answer",  # 有问必答：新答复
        "reminder_before5", "reminder_before1", "reminder_due", "reminder_late",  # 待评价的答复 (the feedback milestone)
    },
    "assembly_office": {
        "submit",  # 待立案审查
        "request_withdrawal",  # 待审核的撤回申请
    },
    "gov_office": {
        "register",  # 待交办
        "request_adjustment",  # 待决定的调整申请
        "request_extension",  # 待审批的延期申请
        "question",  # 待答复的提问
        *REMINDERS,  # 超期未办的环节
    },
    "liaison": {
        "assigned",  # 签收 (the unit's milestones, one card per kind)
        "message",  # 回复留言
        "question",  # 待答复的提问
        "rehandling",  # 重新办理答复
        *REMINDERS,  # the milestone's own card
    },
    "unit_head": {
        "submit_reply",  # 待审核的答复
        "file_closure_report",  # 待审核的办结报告
    },
    "district_leader": {
        "approve_reply",  # 待阅批的答复 (a type-C reply the unit approved)
        "mark_key",  # 牵头督办的重点提案/建议
    },
}


# role -> kinds it receives for the record: no step follows and the figure is read elsewhere. The
# office is told of every closure (DOMAIN rule 11), 120 unread in the demo's session alone; it
# follows closures in the reports and the item list, so these are listed, not counted as unread.
FOR_THE_RECORD = {
    "gov_office": {"closed"},
}

TODO, RECORD = "todo", "record"


def roles_of(actor) -> list[str]:
    roles = [("proposer", actor.person_ids), ("assembly_office", actor.assembly_offices), ("gov_office", actor.gov_office),
             ("liaison", actor.liaison_unit_ids), ("unit_head", actor.head_unit_ids), ("district_leader", actor.district_leader)]
    return [name for name, held in roles if held]


def not_unread(user) -> dict[str, str]:
    """kind -> why this person's notifications of that kind are not counted as unread: TODO (the
    to-do list carries them) or RECORD (kept for the record). Kinds not named are news."""
    from banli.proposals.access import actor_for

    roles = roles_of(actor_for(user))
    quiet = {kind: RECORD for role in roles for kind in FOR_THE_RECORD.get(role, ())}
    quiet.update({kind: TODO for role in roles for kind in CARRIED[role]})
    return quiet


def carried_kinds(user) -> frozenset[str]:
    """The kinds of notification that are not counted as unread for this person."""
    return frozenset(not_unread(user))
