"""One rule, every door: what each persona reads of an item through the API, the item page and the
dossier (一案一册) is the same set of records, decided once in banli.proposals.reading.

Every record of the item carries a token in its own text. For each persona the tokens found in the
API's item detail, the item page and the dossier (Word and, for two personas, PDF) must be the same
set, and that set must be exactly the persona's share under DOMAIN §2. Before the read model the
item page showed the proposer a unit's draft and the co-handling opinions, the dossier left out the
portfolio leader, a co-handling unit read the lead's reply awaiting its leader, the API gave a
co-handling unit the lead unit's draft text and return comment in the history, and a reply's
contact phone to co-signers and district leaders."""

import datetime
import io
import json
import re
from html import unescape

import pytest
from django.utils import timezone
from docx import Document

from banli.proposals import actions as A
from banli.proposals.models import Assignment
from tests.builders import fresh, make_item
from tests.reports.reading import docx_text, flat, pdf_text
from tests.web.pages import login

pytestmark = pytest.mark.django_db

INTERNAL = {"tkReturnComment", "tkApproveComment", "tkExtReason", "tkExtNote", "tkClosureComment"}
OPINION = {"tkCoOpinion"}
CONTACT = {"tkPhoneTwo", "13800000001", "幸福路1号", "13800000002"}
PUBLIC = {"tkConsultPeople", "tkConsultViews", "tkSentBody", "tkMsgMember", "tkMsgUnit", "tkUrge", "tkInstruction", "tkFeedback",
          "tkPublish", "tkProgress", "tkClosureText", "tkMediation", "tkAdjustReason", "tkAdjustNote"}
EVERY = INTERNAL | OPINION | CONTACT | PUBLIC
NEVER = {"tkDraftOne"}  # a draft that was replaced: only in the audit row's "before", for the unit and the office

# What each persona may not read of the item (DOMAIN §2; internal steps: the unit, its leaders, the office).
HIDDEN = {
    "gov_office": set(),
    "lead_liaison": set(),
    "lead_head": set(),
    "district_leader": CONTACT,  # the portfolio leader reads the units' internal steps, not contact data
    "co_liaison": INTERNAL,
    "co_head": INTERNAL,
    "cppcc_office": INTERNAL,
    "member": INTERNAL | OPINION,
    "cosigner": INTERNAL | OPINION | CONTACT,
}


def _life(world):
    """One item through its whole life, each record with its token."""
    W = world
    item = make_item(W, "assigned", cosigners=[W.cosigner], consent_publish=True)
    lead = Assignment.objects.get(item=item, role="lead")
    co = Assignment.objects.get(item=item, role="co")
    li, head = W.lead_liaison, W.lead_head
    A.request_adjustment(W.co_liaison, item.pk, assignment=co.pk, reason="tkAdjustReason", suggested_unit_id=W.spare_unit.pk)
    A.decide_adjustment(W.gov_office, item.pk, assignment=co.pk, approve=False, note="tkAdjustNote")
    A.sign(li, item.pk, assignment=lead.pk)
    A.sign(W.co_liaison, item.pk, assignment=co.pk)
    A.record_consultation(li, item.pk, assignment=lead.pk, kind="before", form="visit", held_on=timezone.localdate(fresh(item).assigned_at),
                          participants="tkConsultPeople", proposer_views="tkConsultViews")
    A.send_co_opinion(W.co_liaison, item.pk, assignment=co.pk, text="配合意见 tkCoOpinion")
    A.request_extension(li, item.pk, assignment=lead.pk, requested_due=lead.reply_due + datetime.timedelta(days=30), reason="tkExtReason")
    A.decide_extension(W.gov_office, item.pk, assignment=lead.pk, approve=True, note="tkExtNote")
    fields = {"reply_type": "A", "signatory": "张主任", "contact_person": "刘", "promise": ""}
    A.draft_reply(li, item.pk, assignment=lead.pk, body="初稿 tkDraftOne", contact_phone="tkPhoneOne", **fields)
    A.submit_reply(li, item.pk, assignment=lead.pk)
    A.return_reply(head, item.pk, assignment=lead.pk, comment="tkReturnComment")
    A.draft_reply(li, item.pk, assignment=lead.pk, body="答复 tkSentBody", contact_phone="tkPhoneTwo", **fields)
    A.submit_reply(li, item.pk, assignment=lead.pk)
    A.approve_reply(head, item.pk, assignment=lead.pk, comment="tkApproveComment")
    A.send_reply(li, item.pk, assignment=lead.pk)
    A.post_message(W.member, item.pk, body="tkMsgMember", to_unit_id=lead.unit_id)
    A.post_message(li, item.pk, body="tkMsgUnit")
    A.urge(W.gov_office, item.pk, assignment=lead.pk, text="tkUrge")
    A.give_instruction(W.district_leader, item.pk, text="tkInstruction")
    reply = item.replies.get(state="sent")
    A.give_feedback(W.member, item.pk, reply_id=reply.pk, grade="good", agrees=True, comment="tkFeedback")
    A.decide_publication(W.gov_office, item.pk, publish=True, reason="tkPublish")
    A.record_mediation(W.gov_office, item.pk, held_on=reply.sent_at.date(), participants="各方", outcome="tkMediation")
    A.report_progress(li, item.pk, assignment=lead.pk, text="tkProgress")
    A.file_closure_report(li, item.pk, assignment=lead.pk, text="tkClosureText", done_on=reply.sent_at.date())
    A.approve_closure_report(head, item.pk, assignment=lead.pk, comment="tkClosureComment")
    return fresh(item)


def _found(text: str, tokens=EVERY | NEVER) -> set:
    compact = flat(text)
    return {t for t in tokens if t in compact}


def _api(client, item_id) -> tuple[set, set, list]:
    """(tokens of the records, tokens anywhere in the answer, the history's actions)."""
    data = client.get(f"/api/items/{item_id}/").json()
    whole = json.dumps(data, ensure_ascii=False)
    # The history's before/after values detail a row the page and the dossier list by its note.
    records = json.dumps({**data, "history": [{k: v for k, v in h.items() if k not in ("before", "after")} for h in data["history"]]},
                         ensure_ascii=False)
    return _found(records), _found(whole), [h["action"] for h in data["history"]]


def _page(client, item_id) -> tuple[set, list]:
    html = client.get(f"/items/{item_id}/").content.decode()
    return _found(unescape(re.sub(r"<[^>]+>", " ", html))), re.findall(r'<li data-action="([a-z_]+)"', html)


def _file(client, url) -> bytes:
    return b"".join(client.get(url).streaming_content)


def _dossier(client, item_id) -> tuple[set, int]:
    data = _file(client, f"/items/{item_id}/dossier.docx")
    trail = Document(io.BytesIO(data)).tables[-1]
    return _found(docx_text(data)[1]), len(trail.rows) - 1


@pytest.mark.parametrize("persona", sorted(HIDDEN))
def test_every_door_shows_the_same_records(world, persona):
    item = _life(world)
    client = login(getattr(world, persona))
    api, api_whole, api_history = _api(client, item.pk)
    page, page_history = _page(client, item.pk)
    dossier, dossier_rows = _dossier(client, item.pk)
    expected = EVERY - HIDDEN[persona]
    assert api == expected, f"API: missing {expected - api}, extra {api - expected}"
    assert page == expected, f"page: missing {expected - page}, extra {page - expected}"
    assert dossier == expected, f"dossier: missing {expected - dossier}, extra {dossier - expected}"
    # Nothing withheld hides in the audit values either (a replaced draft is the unit's and the office's).
    assert not (api_whole - api) - (NEVER if persona in ("gov_office", "lead_liaison", "lead_head", "district_leader") else set())
    # The same rows of history, through each door.
    assert page_history == api_history and dossier_rows == len(api_history)


@pytest.mark.parametrize("persona", ["member", "co_liaison"])
def test_the_pdf_dossier_prints_the_same_set(world, persona):
    item = _life(world)
    client = login(getattr(world, persona))
    expected = EVERY - HIDDEN[persona]
    assert _found(pdf_text(_file(client, f"/items/{item.pk}/dossier.pdf"))) == expected


def test_a_co_handling_unit_does_not_read_the_leads_reply_awaiting_its_leader(world, lead_liaison, co_liaison, member, district_leader):
    item = make_item(world, "handling")
    lead = Assignment.objects.get(item=item, role="lead")
    A.draft_reply(lead_liaison, item.pk, assignment=lead.pk, reply_type="A", body="tkPendingBody", signatory="张主任", contact_person="刘")
    A.submit_reply(lead_liaison, item.pk, assignment=lead.pk)
    for user, sees in ((co_liaison, False), (member, False), (lead_liaison, True), (district_leader, True)):
        client = login(user)
        doors = {"api": client.get(f"/api/items/{item.pk}/").content.decode(), "page": client.get(f"/items/{item.pk}/").content.decode(),
                 "dossier": docx_text(_file(client, f"/items/{item.pk}/dossier.docx"))[1]}
        for door, text in doors.items():
            assert ("tkPendingBody" in text) is sees, (user.username, door)


def test_outsiders_get_nothing_through_any_door(world, other_leader, outsider_liaison):
    item = _life(world)
    for user in (other_leader, outsider_liaison):
        client = login(user)
        assert client.get(f"/api/items/{item.pk}/").status_code == 404
        assert client.get(f"/items/{item.pk}/").status_code == 404
        assert client.get(f"/items/{item.pk}/dossier.docx").status_code == 404
