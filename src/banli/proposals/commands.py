"""The item actions as commands: for each step of the transition table, the action function that
takes it and the input it accepts. Every door (the API's action endpoints, the item page's
forms, the state-machine test) finds an action here by its one name and runs it with one call:
`COMMANDS[name].run(user, item_id, data)`, which is `action(user, item_id, **data)`.

One name per step: the table's action, the function in `proposals.actions` and the key here are
the same word (a test checks). An action that the table scopes to one unit's assignment takes
it as the keyword `assignment` (its id), which the command adds to the input by itself."""

import copy
from dataclasses import dataclass
from typing import Callable

from rest_framework import serializers

from banli.inputs import id_field, id_list

from . import actions
from .workflow import TABLE, TRANSITIONS, Transition

S = serializers


def _reason(required=True):
    if required:
        return {"reason": S.CharField(max_length=5000)}
    return {"reason": S.CharField(max_length=5000, required=False, allow_blank=True, default="")}


def _comment(required=True):
    if required:
        return {"comment": S.CharField(max_length=5000)}
    return {"comment": S.CharField(max_length=5000, required=False, allow_blank=True, default="")}


def _opt(field_cls, **kw):
    if field_cls is S.CharField:
        kw.setdefault("max_length", 5000)  # every text has a limit (issue 15.4): a note or a comment is a few lines
    return field_cls(required=False, allow_blank=True, default="", **kw)


def _opt_id():
    return id_field(required=False, allow_null=True, default=None)


DECISION = {"approve": S.BooleanField(), "note": _opt(S.CharField)}
REPLY_FIELDS = {
    "reply_type": S.CharField(max_length=4),
    "body": S.CharField(max_length=20000),
    "signatory": S.CharField(max_length=30),
    "contact_person": S.CharField(max_length=30),
    "contact_phone": _opt(S.CharField, max_length=30),
    "promise": _opt(S.CharField),
    "planned_date": S.DateField(required=False, allow_null=True, default=None),
    "reference_reason": _opt(S.CharField),
    "recommendation": S.ChoiceField(choices=["publish", "withhold"], required=False, default="publish"),
    "withhold_reason": _opt(S.CharField),
}
UNITS = {"lead": _opt_id(), "co": id_list(required=False, default=list), "separate": id_list(required=False, default=list)}

# Input of each action beyond the item (and the assignment, for the actions the table scopes to
# one unit). An action left out takes none; edit_draft is not here: it is the item's PATCH.
INPUTS: dict[str, dict] = {
    "invite_cosigners": {"person_ids": id_list(min_length=1)},
    "respond_cosign": {"confirm": S.BooleanField()},
    # The page's tick box under the warning naming who will not be listed (an unticked box posts
    # nothing: False); an API client that leaves it out submits as the rule says (None).
    "submit": {"confirm_drop": S.BooleanField(required=False,
                                              help_text="确认不列入未确认的联名人 (confirm that unconfirmed co-signers are left out)")},
    "withdraw": _reason(False),
    "set_publication_consent": {"consent": S.BooleanField()},
    "return_for_revision": _reason(),
    "reject": _reason(),
    # By its number in the session (第N号), as the office knows it; into_id stays for API clients.
    "merge": {"into_number": S.IntegerField(min_value=1, max_value=999999, required=False, allow_null=True, default=None),
              "into_id": _opt_id(), **_reason(False)},
    "convert": {"to": S.ChoiceField(choices=["意见建议", "社情民意"]), **_reason(False)},
    "request_withdrawal": _reason(),
    "decide_withdrawal": DECISION,
    "assign": {**UNITS, "note": _opt(S.CharField)},
    "reassign": {"remove": id_list(required=False, default=list), **UNITS, **_reason()},
    "request_adjustment": {**_reason(), "suggested_unit_id": _opt_id(), "suggested_unit_text": _opt(S.CharField, max_length=60)},
    "decide_adjustment": {"approve": S.BooleanField(), "new_unit_id": _opt_id(), "note": _opt(S.CharField)},
    "record_consultation": {"kind": S.ChoiceField(choices=["before", "during", "after"]),
                            "form": S.ChoiceField(choices=["visit", "meeting", "site", "phone", "online"]), "held_on": S.DateField(),
                            "participants": S.CharField(max_length=2000), "proposer_views": _opt(S.CharField)},
    "send_co_opinion": {"text": S.CharField(max_length=20000)},
    "grade_co_unit": {"grade": S.CharField(max_length=10), "comment": _opt(S.CharField)},
    "waive_co_opinion": _reason(),
    "draft_reply": REPLY_FIELDS,
    "convert_reply_type": REPLY_FIELDS,
    "approve_reply": _comment(False),
    "return_reply": _comment(),
    "leader_approve_reply": _comment(False),
    "leader_return_reply": _comment(),
    "request_extension": {"requested_due": S.DateField(), **_reason()},
    "decide_extension": DECISION,
    "give_feedback": {"reply_id": id_field(), "grade": S.CharField(max_length=10), "agrees": S.BooleanField(), "comment": _opt(S.CharField),
                      "praise": S.BooleanField(required=False, default=False),
                      "co_grades": S.DictField(child=S.CharField(max_length=10), required=False, default=dict)},
    "record_no_feedback": {"reply_id": id_field()},
    "record_mediation": {"held_on": S.DateField(), "participants": S.CharField(max_length=2000), "outcome": S.CharField(max_length=5000)},
    "report_progress": {"text": S.CharField(max_length=20000)},
    "file_closure_report": {"text": S.CharField(max_length=20000), "done_on": S.DateField()},
    "approve_closure_report": _comment(False),
    "return_closure_report": _comment(),
    "reopen": _reason(),
    # Publication is decided per replying unit; with one replying unit the assignment may be left out.
    "decide_publication": {"assignment": id_field(required=False, allow_null=True, default=None,
                                                  help_text="交办记录编号；只有一个答复单位时可省略 (assignment id; optional with one replying unit)"),
                           "publish": S.BooleanField(), **_reason(False)},
    "revoke_publication": {"assignment": id_field(required=False, allow_null=True, default=None,
                                                  help_text="交办记录编号；只有一个答复单位时可省略 (assignment id; optional with one replying unit)"),
                           **_reason()},
    "mark_key": {"leader_id": id_field(), **_reason(False)},
    "unmark_key": _reason(),
    "give_instruction": {"text": S.CharField(max_length=5000)},
    "urge": {"text": S.CharField(max_length=5000)},
    "post_message": {"body": S.CharField(max_length=5000), "to_unit_id": _opt_id(), "reply_to_id": _opt_id()},
    "add_attachment": {"file": S.FileField(), "consultation_id": _opt_id()},
}
# Steps with a door of their own rather than the generic action endpoint.
OWN_DOOR = {"edit_draft"}  # the item's PATCH (API) and the draft form (page)


@dataclass(frozen=True)
class Command:
    transition: Transition
    action: Callable
    inputs: dict

    @property
    def name(self) -> str:
        return self.transition.action

    def input_serializer(self) -> type[serializers.Serializer]:
        """A fresh serializer class for the input (fields are copied: DRF binds them to a form)."""
        cls_name = "".join(p.title() for p in self.name.split("_")) + "Input"
        return type(cls_name, (S.Serializer,), {k: copy.deepcopy(v) for k, v in self.inputs.items()})

    def run(self, user, item_id, data: dict):
        return self.action(user, item_id, **data)


def _inputs(t: Transition) -> dict:
    fields = dict(INPUTS.get(t.action, {}))
    if t.scope == "assignment" and "assignment" not in fields:
        fields = {"assignment": id_field(help_text="交办记录编号 (assignment id)"), **fields}
    return fields


COMMANDS: dict[str, Command] = {
    t.action: Command(t, getattr(actions, t.action), _inputs(t)) for t in TRANSITIONS if t.action not in OWN_DOOR
}
assert set(COMMANDS) | OWN_DOOR == set(TABLE)


def command(name: str) -> Command | None:
    """The command of that name, or None for a name the generic door does not take."""
    return COMMANDS.get(name)
