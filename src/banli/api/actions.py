"""The API's door to the action functions: for each action in the transition table, the input it
takes and the call it makes. Views are generated from this table (see views.action_views)."""

import copy

from rest_framework import serializers

from banli.proposals import actions as A

S = serializers
MAX_ID = 2**63 - 1


def _id_field(**kw):
    """An id the database can hold: larger numbers would overflow SQLite's integer."""
    return S.IntegerField(min_value=0, max_value=MAX_ID, **kw)


ASSIGNMENT = {"assignment": _id_field(help_text="交办记录编号 (assignment id)")}
# Publication is decided per replying unit; an item with one replying unit may leave it out.
OPT_ASSIGNMENT = {"assignment": _id_field(required=False, allow_null=True, default=None,
                                          help_text="交办记录编号；只有一个答复单位时可省略 (assignment id; optional with one replying unit)")}
REASON = {"reason": S.CharField(max_length=5000)}
OPT_REASON = {"reason": S.CharField(max_length=5000, required=False, allow_blank=True, default="")}
COMMENT = {"comment": S.CharField(max_length=5000)}
OPT_COMMENT = {"comment": S.CharField(max_length=5000, required=False, allow_blank=True, default="")}
REPLY_FIELDS = {
    "reply_type": S.CharField(max_length=4),
    "body": S.CharField(max_length=20000),
    "signatory": S.CharField(max_length=30),
    "contact_person": S.CharField(max_length=30),
    "contact_phone": S.CharField(max_length=30, required=False, allow_blank=True, default=""),
    "promise": S.CharField(required=False, allow_blank=True, default=""),
    "planned_date": S.DateField(required=False, allow_null=True, default=None),
    "reference_reason": S.CharField(required=False, allow_blank=True, default=""),
    "recommendation": S.ChoiceField(choices=["publish", "withhold"], required=False, default="publish"),
    "withhold_reason": S.CharField(required=False, allow_blank=True, default=""),
}


def _ids(**kw):
    return S.ListField(child=_id_field(), max_length=200, **kw)


def _a(d):
    """Split the assignment id out of the validated data."""
    d = dict(d)
    return d.pop("assignment"), d


# name -> (input fields, call(user, item_id, data))
REGISTRY = {
    "edit_draft": (None, None),  # PATCH /api/items/{id}/
    "invite_cosigners": ({"person_ids": _ids(min_length=1)}, lambda u, i, d: A.invite_cosigners(u, i, **d)),
    "respond_cosign": ({"confirm": S.BooleanField()}, lambda u, i, d: A.respond_cosign(u, i, **d)),
    "submit": ({}, lambda u, i, d: A.submit_item(u, i)),
    "withdraw": (OPT_REASON, lambda u, i, d: A.withdraw_item(u, i, **d)),
    "set_publication_consent": ({"consent": S.BooleanField()}, lambda u, i, d: A.set_publication_consent(u, i, **d)),
    "register": ({}, lambda u, i, d: A.register_item(u, i)),
    "return_for_revision": (REASON, lambda u, i, d: A.return_for_revision(u, i, **d)),
    "reject": (REASON, lambda u, i, d: A.reject_item(u, i, **d)),
    "merge": ({"into_id": _id_field(), **OPT_REASON}, lambda u, i, d: A.merge_item(u, i, **d)),
    "convert": ({"to": S.ChoiceField(choices=["意见建议", "社情民意"]), **OPT_REASON}, lambda u, i, d: A.convert_item(u, i, **d)),
    "request_withdrawal": (REASON, lambda u, i, d: A.request_withdrawal(u, i, **d)),
    "decide_withdrawal": ({"approve": S.BooleanField(), "note": S.CharField(required=False, allow_blank=True, default="")},
                          lambda u, i, d: A.decide_withdrawal(u, i, **d)),
    "assign": ({"lead": _id_field(required=False, allow_null=True, default=None), "co": _ids(required=False, default=list),
                "separate": _ids(required=False, default=list), "note": S.CharField(required=False, allow_blank=True, default="")},
               lambda u, i, d: A.assign_units(u, i, **d)),
    "reassign": ({"remove": _ids(required=False, default=list), "lead": _id_field(required=False, allow_null=True, default=None),
                  "co": _ids(required=False, default=list), "separate": _ids(required=False, default=list), **REASON},
                 lambda u, i, d: A.reassign_units(u, i, **d)),
    "sign": (ASSIGNMENT, lambda u, i, d: A.sign_assignment(u, i, d["assignment"])),
    "request_adjustment": ({**ASSIGNMENT, **REASON, "suggested_unit_id": _id_field(required=False, allow_null=True, default=None),
                            "suggested_unit_text": S.CharField(max_length=60, required=False, allow_blank=True, default="")},
                           lambda u, i, d: A.request_adjustment(u, i, *_a(d)[:1], **_a(d)[1])),
    "decide_adjustment": ({**ASSIGNMENT, "approve": S.BooleanField(), "new_unit_id": _id_field(required=False, allow_null=True, default=None),
                           "note": S.CharField(required=False, allow_blank=True, default="")},
                          lambda u, i, d: A.decide_adjustment(u, i, *_a(d)[:1], **_a(d)[1])),
    "record_consultation": ({**ASSIGNMENT, "kind": S.ChoiceField(choices=["before", "during", "after"]),
                             "form": S.ChoiceField(choices=["visit", "meeting", "site", "phone", "online"]), "held_on": S.DateField(),
                             "participants": S.CharField(max_length=2000), "proposer_views": S.CharField(required=False, allow_blank=True, default="")},
                            lambda u, i, d: A.record_consultation(u, i, *_a(d)[:1], **_a(d)[1])),
    "send_co_opinion": ({**ASSIGNMENT, "text": S.CharField(max_length=20000)}, lambda u, i, d: A.send_co_opinion(u, i, *_a(d)[:1], **_a(d)[1])),
    "waive_co_opinion": ({**ASSIGNMENT, **REASON}, lambda u, i, d: A.waive_co_opinion(u, i, *_a(d)[:1], **_a(d)[1])),
    "draft_reply": ({**ASSIGNMENT, **REPLY_FIELDS}, lambda u, i, d: A.draft_reply(u, i, *_a(d)[:1], **_a(d)[1])),
    "convert_reply_type": ({**ASSIGNMENT, **REPLY_FIELDS}, lambda u, i, d: A.convert_reply_type(u, i, *_a(d)[:1], **_a(d)[1])),
    "submit_reply": (ASSIGNMENT, lambda u, i, d: A.submit_reply(u, i, d["assignment"])),
    "approve_reply": ({**ASSIGNMENT, **OPT_COMMENT}, lambda u, i, d: A.approve_reply(u, i, *_a(d)[:1], **_a(d)[1])),
    "return_reply": ({**ASSIGNMENT, **COMMENT}, lambda u, i, d: A.return_reply(u, i, *_a(d)[:1], **_a(d)[1])),
    "leader_approve_reply": ({**ASSIGNMENT, **OPT_COMMENT}, lambda u, i, d: A.leader_approve_reply(u, i, *_a(d)[:1], **_a(d)[1])),
    "leader_return_reply": ({**ASSIGNMENT, **COMMENT}, lambda u, i, d: A.leader_return_reply(u, i, *_a(d)[:1], **_a(d)[1])),
    "send_reply": (ASSIGNMENT, lambda u, i, d: A.send_reply(u, i, d["assignment"])),
    "request_extension": ({**ASSIGNMENT, "requested_due": S.DateField(), **REASON}, lambda u, i, d: A.request_extension(u, i, *_a(d)[:1], **_a(d)[1])),
    "decide_extension": ({**ASSIGNMENT, "approve": S.BooleanField(), "note": S.CharField(required=False, allow_blank=True, default="")},
                         lambda u, i, d: A.decide_extension(u, i, *_a(d)[:1], **_a(d)[1])),
    "give_feedback": ({"reply_id": _id_field(), "grade": S.CharField(max_length=10), "agrees": S.BooleanField(),
                       "comment": S.CharField(required=False, allow_blank=True, default=""), "praise": S.BooleanField(required=False, default=False),
                       "co_grades": S.DictField(child=S.CharField(max_length=10), required=False, default=dict)},
                      lambda u, i, d: A.give_feedback(u, i, **d)),
    "record_no_feedback": ({"reply_id": _id_field()}, lambda u, i, d: A.record_no_feedback(u, i, **d)),
    "record_mediation": ({"held_on": S.DateField(), "participants": S.CharField(max_length=2000), "outcome": S.CharField(max_length=5000)},
                         lambda u, i, d: A.record_mediation(u, i, **d)),
    "report_progress": ({**ASSIGNMENT, "text": S.CharField(max_length=20000)}, lambda u, i, d: A.report_progress(u, i, *_a(d)[:1], **_a(d)[1])),
    "file_closure_report": ({**ASSIGNMENT, "text": S.CharField(max_length=20000), "done_on": S.DateField()},
                            lambda u, i, d: A.file_closure_report(u, i, *_a(d)[:1], **_a(d)[1])),
    "approve_closure_report": ({**ASSIGNMENT, **OPT_COMMENT}, lambda u, i, d: A.approve_closure_report(u, i, *_a(d)[:1], **_a(d)[1])),
    "return_closure_report": ({**ASSIGNMENT, **COMMENT}, lambda u, i, d: A.return_closure_report(u, i, *_a(d)[:1], **_a(d)[1])),
    "reopen": (REASON, lambda u, i, d: A.reopen_item(u, i, **d)),
    "decide_publication": ({**OPT_ASSIGNMENT, "publish": S.BooleanField(), **OPT_REASON},
                           lambda u, i, d: A.decide_publication(u, i, *_a(d)[:1], **_a(d)[1])),
    "revoke_publication": ({**OPT_ASSIGNMENT, **REASON}, lambda u, i, d: A.revoke_publication(u, i, *_a(d)[:1], **_a(d)[1])),
    "mark_key": ({"leader_id": _id_field(), **OPT_REASON}, lambda u, i, d: A.mark_key_item(u, i, **d)),
    "unmark_key": (REASON, lambda u, i, d: A.unmark_key_item(u, i, **d)),
    "give_instruction": ({"text": S.CharField(max_length=5000)}, lambda u, i, d: A.give_instruction(u, i, **d)),
    "urge": ({**ASSIGNMENT, "text": S.CharField(max_length=5000)}, lambda u, i, d: A.urge_unit(u, i, *_a(d)[:1], **_a(d)[1])),
    "post_message": ({"body": S.CharField(max_length=5000), "to_unit_id": _id_field(required=False, allow_null=True, default=None),
                      "reply_to_id": _id_field(required=False, allow_null=True, default=None)},
                     lambda u, i, d: A.post_message(u, i, **d)),
    "add_attachment": ({"file": S.FileField(), "consultation_id": _id_field(required=False, allow_null=True, default=None)},
                       lambda u, i, d: A.add_attachment(u, i, upload=d["file"], consultation_id=d["consultation_id"])),
}


def input_serializer(name: str):
    fields, _ = REGISTRY[name]
    cls_name = "".join(p.title() for p in name.split("_")) + "Input"
    return type(cls_name, (serializers.Serializer,), {k: copy.deepcopy(v) for k, v in (fields or {}).items()})
