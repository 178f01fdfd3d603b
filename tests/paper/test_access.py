"""Who may have which paper: the office and the item's units; the proposer the reply letter once
sent and the approved closure report; nobody else (a refusal looks like a missing document). The
letterhead and the batch of notices are the office's alone."""

import pytest

from banli.audit.models import AuditRecord
from banli.paper.models import DocumentNumber, Letterhead
from tests.builders import co_assignment, lead_assignment, make_item, reply as send_reply
from tests.web.pages import login

ALL = ["member", "cosigner", "other_member", "cppcc_office", "gov_office", "lead_liaison", "lead_head", "co_liaison", "co_head",
       "outsider_liaison", "district_leader", "other_leader", "admin_user"]


def _status(user, url) -> int:
    return login(user).get(url).status_code


def _allowed(world, url) -> set:
    return {name for name in ALL if _status(getattr(world, name), url) == 200}


def test_a_notice_goes_to_the_office_and_its_own_unit_only(world):
    item = make_item(world, "assigned", cosigners=[world.cosigner])
    lead, co = lead_assignment(item), co_assignment(item)
    assert _allowed(world, f"/items/{item.pk}/paper/notice/{lead.pk}.pdf") == {"gov_office", "admin_user", "lead_liaison", "lead_head"}
    assert _allowed(world, f"/items/{item.pk}/paper/notice/{co.pk}.docx") == {"gov_office", "admin_user", "co_liaison", "co_head"}
    # The notice of another item's assignment is not found under this item.
    other = make_item(world, "assigned")
    assert _status(world.gov_office, f"/items/{item.pk}/paper/notice/{lead_assignment(other).pk}.pdf") == 404
    assert _status(world.gov_office, f"/items/{item.pk}/paper/memo/{lead.pk}.pdf") == 404


def test_a_reply_letter_reaches_the_proposer_only_once_sent(world):
    item = make_item(world, "handling", cosigners=[world.cosigner])
    draft = send_reply(world, item, send=False)  # approved by the unit leader, not yet sent
    url = f"/items/{item.pk}/paper/reply/{draft.pk}.pdf"
    # Before it goes out: the office and the unit that wrote it (its leader prints it to sign).
    assert _allowed(world, url) == {"gov_office", "admin_user", "lead_liaison", "lead_head"}
    numbered = DocumentNumber.objects.count()
    assert _status(world.member, url) == 404 and DocumentNumber.objects.count() == numbered  # a refusal numbers nothing
    from banli.proposals import actions
    actions.send_reply(world.lead_liaison, item.pk, assignment=lead_assignment(item).pk)
    # Sent: the proposer and the co-handling unit too; still not co-signers, the assembly office, leaders or outsiders.
    assert _allowed(world, url) == {"gov_office", "admin_user", "lead_liaison", "lead_head", "co_liaison", "co_head", "member"}


def test_a_draft_reply_has_no_letter(world):
    item = make_item(world, "handling")
    from banli.proposals import actions
    from tests.builders import consult, reply_fields, send_co_opinions
    consult(world, item)
    send_co_opinions(world, item)
    draft = actions.draft_reply(world.lead_liaison, item.pk, assignment=lead_assignment(item).pk, **reply_fields("A"))
    assert _status(world.gov_office, f"/items/{item.pk}/paper/reply/{draft.pk}.pdf") == 404
    assert not DocumentNumber.objects.exists()


def test_the_closure_report_once_approved(world):
    item = make_item(world, "closed", cosigners=[world.cosigner])
    report = item.closure_reports.get()
    allowed = _allowed(world, f"/items/{item.pk}/paper/closure/{report.pk}.pdf")
    assert allowed == {"gov_office", "admin_user", "lead_liaison", "lead_head", "co_liaison", "co_head", "member"}


def test_only_the_office_prints_the_batch(world):
    make_item(world, "assigned")
    assert _status(world.gov_office, "/items/notices.pdf") == 200
    for name in ("lead_liaison", "lead_head", "cppcc_office", "member", "district_leader"):
        assert _status(getattr(world, name), "/items/notices.pdf") == 403, name
        assert _status(getattr(world, name), "/items/notices.zip") == 403, name
    # The list shows the button to the office only.
    assert "/items/notices.pdf?" in login(world.gov_office).get("/items/").content.decode()
    assert "/items/notices.pdf" not in login(world.lead_liaison).get("/items/").content.decode()


FORM = {"issuer_name": "城南区人民政府办公室", "issuer_short": "城南府办", "header_text": "", "seal_position": "over_date",
        "number_pattern": "{unit_short}{kind}〔{year}〕{number}号"}


@pytest.mark.parametrize("name", ["lead_liaison", "lead_head", "cppcc_office", "district_leader", "member"])
def test_only_the_office_edits_the_letterhead(world, name):
    c = login(getattr(world, name))
    assert c.get("/paper/letterhead/").status_code == 403
    assert c.post("/paper/letterhead/", FORM).status_code == 403
    assert not Letterhead.objects.exists() and not AuditRecord.objects.filter(action="update_letterhead").exists()


def test_the_office_saves_its_letterhead_with_an_audit_row_and_bad_input_changes_nothing(world):
    c = login(world.gov_office)
    page = c.get("/paper/letterhead/").content.decode()
    assert "××区人民政府办公室" in page and "区府办交〔2026〕12号" in page  # the defaults and an example
    assert c.post("/paper/letterhead/", FORM).status_code == 302
    saved = Letterhead.objects.get()
    assert (saved.issuer_name, saved.issuer_short, saved.updated_by) == ("城南区人民政府办公室", "城南府办", world.gov_office)
    row = AuditRecord.objects.get(action="update_letterhead")
    assert row.actor == world.gov_office and row.after["issuer_name"] == "城南区人民政府办公室"
    c.post("/paper/letterhead/", FORM)  # the same again: nothing to record
    assert AuditRecord.objects.filter(action="update_letterhead").count() == 1
    for bad, field in (({"number_pattern": "{unit_short}〔{year}〕号"}, "{number}"), ({"number_pattern": "{office}{number}"}, "{number}"),
                       ({"issuer_name": ""}, "请填写发文机关名称"), ({"seal_position": "left"}, "请选择印章位置")):
        r = c.post("/paper/letterhead/", {**FORM, "issuer_name": "别的名称", **bad})
        assert r.status_code == 400 and field in r.content.decode()
    assert Letterhead.objects.get().issuer_name == "城南区人民政府办公室"
