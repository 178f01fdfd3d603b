"""Every action and every read, tried as every persona over the API.

For each action an item is built (through the actions) in a state where the action is valid;
every persona who may not take it is refused (404 if they cannot see the item, 403 if they can)
and nothing changes; then the persona(s) who may take it succeed. Who may read what is stated
here again from DOMAIN.md §2, independently of the code's own rules."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from banli.audit.models import AuditRecord
from banli.deadlines.sync import sync_item
from banli.proposals import actions as A
from banli.proposals.models import Assignment, Reply
from tests.builders import (
    co_assignment, fresh, last_reply, lead_assignment, make_item, new_draft, reply_at, reply_fields, today,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["member", "cosigner", "other_member", "deputy", "cppcc_office", "npc_office", "gov_office", "lead_liaison", "lead_head",
            "co_liaison", "co_head", "outsider_liaison", "spare_liaison", "district_leader", "other_leader", "admin_user"]
UNIT_PEOPLE = {"lead_unit": ("lead_liaison", "lead_head"), "co_unit": ("co_liaison", "co_head"), "spare_unit": ("spare_liaison",),
               "outsider_unit": ("outsider_liaison",)}
LEADER_OF = {"lead_unit": "district_leader", "co_unit": "district_leader", "spare_unit": "other_leader", "outsider_unit": "other_leader"}


def expected_readers(world, item) -> set[str]:
    """DOMAIN §2: a proposer sees own and co-signed items; a unit only items assigned to it; a
    leader the portfolio and key items supervised; offices all submitted items (of their assembly)."""
    item = fresh(item)
    readers = {"member"} if item.proposer.user_id == world.member.pk else {"deputy"}
    if item.cosigners.filter(person__user=world.cosigner, state__in=["invited", "confirmed"]).exists():
        readers.add("cosigner")
    if item.state == "draft":
        return readers
    readers |= {"gov_office", "admin_user", "cppcc_office" if item.assembly == "cppcc" else "npc_office"}
    for a in Assignment.objects.filter(item=item).exclude(state="ended"):
        key = next(k for k in UNIT_PEOPLE if getattr(world, k).pk == a.unit_id)
        readers |= set(UNIT_PEOPLE[key]) | {LEADER_OF[key]}
    if item.key_leader_id == world.district_leader.pk:
        readers.add("district_leader")
    return readers


# -- builders for each action: (item, payload, allowed personas) ---------------------------------------------

def _lead(item, **kw):
    return {"assignment": lead_assignment(item).pk, **kw}


def _co(item, **kw):
    return {"assignment": co_assignment(item).pk, **kw}


def _drafted(world, code="A"):
    return reply_at(world, "drafted", code, co=True)


def _pending_unit(world, code="A"):
    return reply_at(world, "pending_unit", code, co=True)


def _pending_leader(world):
    return reply_at(world, "pending_leader", "C", co=True)


def _approved(world):
    return reply_at(world, "approved", "A", co=True)


def _closure_pending(world):
    item = make_item(world, "evaluated")
    A.file_closure_report(world.lead_liaison, item.pk, assignment=lead_assignment(item).pk, text="完成", done_on=today())
    return item


def _lapsed(world):
    item = make_item(world, "replied")
    Reply.objects.filter(item=item).update(sent_at=datetime.datetime(2020, 1, 2, tzinfo=datetime.timezone.utc))
    sync_item(item.pk)  # the feedback window is the reply's deadline row
    return item


def _cases(world):
    W = world
    leads = {"lead_liaison"}
    return {
        "invite_cosigners": (lambda: new_draft(W), lambda i: {"person_ids": [W.other_member_person.pk]}, {"member"}),
        "respond_cosign": (lambda: _invited(W), lambda i: {"confirm": True}, {"cosigner"}),
        "submit": (lambda: new_draft(W), lambda i: {}, {"member"}),
        "withdraw": (lambda: make_item(W, "submitted"), lambda i: {"reason": "不再需要"}, {"member"}),
        "set_publication_consent": (lambda: make_item(W, "submitted"), lambda i: {"consent": False}, {"member"}),
        "register": (lambda: make_item(W, "submitted"), lambda i: {}, {"cppcc_office"}),
        "return_for_revision": (lambda: make_item(W, "submitted"), lambda i: {"reason": "请补充"}, {"cppcc_office"}),
        "reject": (lambda: make_item(W, "submitted"), lambda i: {"reason": "不属于职责范围"}, {"cppcc_office"}),
        "merge": (lambda: make_item(W, "submitted"), lambda i: {"into_id": make_item(W, "registered").pk}, {"cppcc_office"}),
        "convert": (lambda: make_item(W, "submitted"), lambda i: {"to": "社情民意"}, {"cppcc_office"}),
        "request_withdrawal": (lambda: make_item(W, "registered"), lambda i: {"reason": "问题已解决"}, {"member"}),
        "decide_withdrawal": (lambda: _withdrawal_requested(W), lambda i: {"approve": False, "note": "已交办"}, {"cppcc_office"}),
        "assign": (lambda: make_item(W, "registered"), lambda i: {"lead": W.lead_unit.pk}, {"gov_office"}),
        "reassign": (lambda: make_item(W, "assigned", co=False), lambda i: {"co": [W.co_unit.pk], "reason": "需交通委配合"}, {"gov_office"}),
        "sign": (lambda: make_item(W, "assigned"), _lead, leads),
        "request_adjustment": (lambda: make_item(W, "assigned"), lambda i: _lead(i, reason="属街道职责", suggested_unit_id=W.spare_unit.pk), leads),
        "decide_adjustment": (lambda: _adjusting(W), lambda i: _lead(i, approve=False, note="请办理"), {"gov_office"}),
        "record_consultation": (lambda: make_item(W, "handling"),
                                lambda i: _lead(i, kind="before", form="visit", held_on=str(today()), participants="双方"), leads),
        "send_co_opinion": (lambda: make_item(W, "handling"), lambda i: _co(i, text="同意"), {"co_liaison"}),
        "waive_co_opinion": (lambda: make_item(W, "handling"), lambda i: _co(i, reason="单位撤并"), {"gov_office"}),
        "grade_co_unit": (lambda: make_item(W, "replied"), lambda i: _co(i, grade="fair", comment="配合积极"), leads),
        "draft_reply": (lambda: make_item(W, "handling"), lambda i: _lead(i, **_json(reply_fields("A"))), leads),
        "convert_reply_type": (lambda: make_item(W, "closed", reply_type="C"), lambda i: _lead(i, **_json(reply_fields("A"))), leads),
        "submit_reply": (lambda: _drafted(W), _lead, leads),
        "approve_reply": (lambda: _pending_unit(W), _lead, {"lead_head"}),
        "return_reply": (lambda: _pending_unit(W), lambda i: _lead(i, comment="请修改"), {"lead_head"}),
        "leader_approve_reply": (lambda: _pending_leader(W), _lead, {"district_leader"}),
        "leader_return_reply": (lambda: _pending_leader(W), lambda i: _lead(i, comment="再研究"), {"district_leader"}),
        "send_reply": (lambda: _approved(W), _lead, leads),
        "request_extension": (lambda: make_item(W, "handling"),
                              lambda i: _lead(i, requested_due=str(lead_assignment(i).reply_due + datetime.timedelta(days=30)), reason="需调研"), leads),
        "decide_extension": (lambda: _extension_requested(W), lambda i: _lead(i, approve=True), {"gov_office"}),
        "give_feedback": (lambda: make_item(W, "replied"), lambda i: {"reply_id": last_reply(i).pk, "grade": "good", "agrees": True}, {"member"}),
        "record_no_feedback": (lambda: _lapsed(W), lambda i: {"reply_id": last_reply(i).pk}, {"gov_office"}),
        "record_mediation": (lambda: make_item(W, "rehandling"),
                             lambda i: {"held_on": str(today()), "participants": "提案委、区府办", "outcome": "达成一致"}, {"gov_office", "cppcc_office"}),
        "report_progress": (lambda: make_item(W, "evaluated"), lambda i: _lead(i, text="推进中"), leads),
        "file_closure_report": (lambda: make_item(W, "evaluated"), lambda i: _lead(i, text="完成", done_on=str(today())), leads),
        "approve_closure_report": (lambda: _closure_pending(W), _lead, {"lead_head"}),
        "return_closure_report": (lambda: _closure_pending(W), lambda i: _lead(i, comment="补充材料"), {"lead_head"}),
        "reopen": (lambda: make_item(W, "closed"), lambda i: {"reason": "委员再次反映"}, {"gov_office"}),
        "decide_publication": (lambda: make_item(W, "closed", consent_publish=True), lambda i: {"publish": True}, {"gov_office"}),
        "revoke_publication": (lambda: _published(W), lambda i: {"reason": "涉密"}, {"gov_office"}),
        "mark_key": (lambda: make_item(W, "handling"), lambda i: {"leader_id": W.district_leader.pk}, {"gov_office"}),
        "unmark_key": (lambda: _key(W), lambda i: {"reason": "调整"}, {"gov_office"}),
        "give_instruction": (lambda: _key(W), lambda i: {"text": "抓紧办理"}, {"district_leader"}),
        "urge": (lambda: make_item(W, "handling"), lambda i: _lead(i, text="请抓紧"), {"gov_office"}),
        "post_message": (lambda: make_item(W, "handling", cosigners=[W.cosigner]), lambda i: {"body": "请问进展？"},
                         {"member", "cosigner", "lead_liaison", "lead_head", "co_liaison", "co_head", "gov_office", "cppcc_office"}),
        "add_attachment": (lambda: make_item(W, "handling"), lambda i: {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 test", "application/pdf")},
                           {"member", "lead_liaison", "lead_head", "co_liaison", "co_head", "gov_office", "cppcc_office"}),
    }


def _json(d):
    return {k: (str(v) if isinstance(v, datetime.date) else v) for k, v in d.items()}


def _invited(W):
    item = new_draft(W)
    A.invite_cosigners(W.member, item.pk, person_ids=[W.cosigner_person.pk])
    return item


def _withdrawal_requested(W):
    item = make_item(W, "registered")
    A.request_withdrawal(W.member, item.pk, reason="已解决")
    return item


def _adjusting(W):
    item = make_item(W, "assigned")
    A.request_adjustment(W.lead_liaison, item.pk, assignment=lead_assignment(item).pk, reason="属街道", suggested_unit_id=W.spare_unit.pk)
    return item


def _extension_requested(W):
    item = make_item(W, "handling")
    a = lead_assignment(item)
    A.request_extension(W.lead_liaison, item.pk, assignment=a.pk, requested_due=a.reply_due + datetime.timedelta(days=20), reason="需调研")
    return item


def _published(W):
    item = make_item(W, "closed", consent_publish=True)
    A.decide_publication(W.gov_office, item.pk, publish=True)
    return item


def _key(W):
    item = make_item(W, "handling")
    A.mark_key(W.gov_office, item.pk, leader_id=W.district_leader.pk)
    return item


def _post(client, item, action, payload):
    fmt = "multipart" if action == "add_attachment" else "json"
    if action == "add_attachment":
        payload["file"].seek(0)
    return client.post(f"/api/items/{item.pk}/actions/{action}/", payload, format=fmt)


def _clients(world):
    out = {}
    for name in PERSONAS:
        c = APIClient()
        c.force_login(getattr(world, name))
        out[name] = c
    return out


ACTIONS = sorted(set(__import__("banli.proposals.workflow", fromlist=["TABLE"]).TABLE) - {"edit_draft"})


def _changes() -> int:
    """Audit rows of changes: a refusal leaves a security event ("security.refused"), never a change."""
    return AuditRecord.objects.exclude(action__startswith="security.").count()


@pytest.mark.parametrize("action", ACTIONS)
def test_every_persona_tries_the_action(world, action):
    build, payload_for, allowed = _cases(world)[action]
    item = build()
    payload = payload_for(item)
    clients = _clients(world)
    readers = expected_readers(world, item)
    state, audits = fresh(item).state, _changes()

    anon = _post(APIClient(), item, action, dict(payload))
    assert anon.status_code in (401, 403)
    for name in PERSONAS:
        if name in allowed:
            continue
        r = _post(clients[name], item, action, dict(payload))
        expected = 403 if name in readers else 404
        assert r.status_code == expected, (action, name, r.status_code, r.content.decode()[:200])
        assert fresh(item).state == state and _changes() == audits, (action, name)
    for name in sorted(allowed):
        r = _post(clients[name], item, action, dict(payload))
        assert r.status_code == 200, (action, name, r.status_code, r.content.decode()[:300])
    assert _changes() > audits


def test_edit_draft_only_by_its_proposer(world):
    item = new_draft(world)
    clients = _clients(world)
    for name in PERSONAS:
        r = clients[name].patch(f"/api/items/{item.pk}/", {"title": "改过的标题"}, format="json")
        assert r.status_code == (200 if name == "member" else 404), (name, r.status_code)
    assert fresh(item).title == "改过的标题"


@pytest.mark.parametrize("state", ["draft", "submitted", "registered", "assigned", "handling", "replied", "evaluated", "rehandling", "closed"])
def test_every_persona_reads_only_what_it_may(world, state):
    item = make_item(world, state, cosigners=[world.cosigner])
    npc_item = make_item(world, "handling", assembly="npc")
    clients = _clients(world)
    readers = expected_readers(world, item)
    contact_readers = {"member", "gov_office", "cppcc_office", "lead_liaison", "lead_head", "co_liaison", "co_head"} & readers
    for name in PERSONAS:
        c = clients[name]
        r = c.get(f"/api/items/{item.pk}/")
        assert r.status_code == (200 if name in readers else 404), (state, name, r.status_code)
        listed = {row["id"] for row in c.get("/api/items/?page_size=200").json()["results"]}
        assert (item.pk in listed) == (name in readers), (state, name)
        assert (npc_item.pk in listed) == (name in expected_readers(world, npc_item)), (name, "npc item")
        if r.status_code == 200:
            proposer = r.json()["proposer"]
            assert ("phone" in proposer) == (name in contact_readers), (state, name, "contact data")
    assert APIClient().get(f"/api/items/{item.pk}/").status_code in (401, 403)
