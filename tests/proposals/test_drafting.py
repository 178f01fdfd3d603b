"""Drafting, co-signing, submission and withdrawal before registration (DOMAIN §4 rule 1)."""

import pytest
from django.db import transaction

from banli.errors import BanliError
from banli.proposals import actions
from banli.proposals.access import visible_items
from banli.proposals.models import CoSigner, Item, ItemState
from tests.builders import fresh, make_item, new_draft
from tests.checks import assert_audit, audit_rows, notified, refused, unchanged


def test_member_creates_a_draft_in_the_current_session(world, member):
    item = new_draft(world, title="关于加装电梯的建议", urgent=True, suggested_unit_ids=[world.lead_unit.pk])

    item = fresh(item)
    assert item.state == ItemState.DRAFT
    assert (item.assembly, item.session, item.proposer) == ("cppcc", world.cppcc_session, world.member_person)
    assert item.title == "关于加装电梯的建议" and item.category == world.category("cppcc", 1) and item.urgent
    assert list(item.suggested_units.all()) == [world.lead_unit]
    assert item.number is None
    assert_audit("create_draft", item=item, actor=member, after={"title": "关于加装电梯的建议", "session": world.cppcc_session.pk})
    # A draft is the proposer's own: no office sees it yet.
    assert item in visible_items(member)
    assert item not in visible_items(world.cppcc_office) and item not in visible_items(world.gov_office)


def test_deputy_files_into_the_npc_session(world, deputy):
    item = new_draft(world, assembly="npc")
    assert (item.assembly, item.session, item.proposer) == ("npc", world.npc_session, world.deputy_person)


def test_only_members_and_deputies_file_items(world, lead_liaison):
    with refused("invalid", field="person"):
        actions.create_draft(lead_liaison, title="单位不能提提案", category=world.category("cppcc"))


def test_a_category_of_the_other_assembly_is_refused(world, member):
    with refused("invalid", field="category"):
        actions.create_draft(member, title="标题", category=world.category("npc"))


def test_edit_draft_records_before_and_after(world, member):
    item = new_draft(world, title="旧标题")

    actions.edit_draft(member, item.pk, title="新标题", reason="新的案由")

    item = fresh(item)
    assert (item.title, item.reason) == ("新标题", "新的案由")
    assert_audit("edit_draft", item=item, actor=member, before={"title": "旧标题"}, after={"title": "新标题", "reason": "新的案由"})
    with unchanged():
        actions.edit_draft(member, item.pk, title="新标题", reason="新的案由")


def test_edit_draft_refusals(world, member, cosigner, other_member):
    item = new_draft(world)
    actions.invite_cosigners(member, item.pk, person_ids=[world.cosigner_person.pk])
    with refused("invalid", field="title"):
        actions.edit_draft(member, item.pk, title="  ")
    with refused("forbidden"):  # an invited co-signer reads the draft but does not write it
        actions.edit_draft(cosigner, item.pk, title="改一改")
    with refused("not_found"):  # someone else's draft does not exist for them
        actions.edit_draft(other_member, item.pk, title="改一改")
    actions.submit(member, item.pk)
    with refused("wrong_state"):
        actions.edit_draft(member, item.pk, title="提交后不能再改")


def test_invite_cosigners_notifies_after_commit(world, member, cosigner, django_capture_on_commit_callbacks):
    item = new_draft(world)

    with django_capture_on_commit_callbacks(execute=True):
        actions.invite_cosigners(member, item.pk, person_ids=[world.cosigner_person.pk, world.other_member_person.pk])

    rows = CoSigner.objects.filter(item=item).order_by("person_id")
    assert [(c.person, c.state) for c in rows] == [(world.cosigner_person, "invited"), (world.other_member_person, "invited")]
    assert_audit("invite_cosigners", item=item, actor=member, after={"invited": [world.cosigner_person.pk, world.other_member_person.pk]})
    assert notified("invite_cosigners", item) == {"cosigner", "other_member"}
    # The invited co-signer can read the draft.
    assert item in visible_items(cosigner)
    with refused("invalid", field="person_ids"):
        actions.invite_cosigners(member, item.pk, person_ids=[world.cosigner_person.pk])


def test_notifications_are_written_with_the_step_and_roll_back_with_it(world, member):
    """The transactional outbox (issue 15.5): the invitation and the notice of it are one transaction."""
    item = new_draft(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.invite_cosigners(member, item.pk, person_ids=[world.cosigner_person.pk])
        assert notified() == {"cosigner"}  # written before any commit
        raise RuntimeError("the request fails before its commit")
    assert notified() == set()


@pytest.mark.parametrize("who", ["deputy_person", "member_person"])
def test_co_signers_are_serving_members_of_the_same_assembly_not_the_proposer(world, member, who):
    item = new_draft(world)
    with refused("invalid", field="person_ids"):
        actions.invite_cosigners(member, item.pk, person_ids=[getattr(world, who).pk])


def test_cosigner_confirms_and_the_proposer_hears_of_it(world, member, cosigner, django_capture_on_commit_callbacks):
    item = new_draft(world)
    actions.invite_cosigners(member, item.pk, person_ids=[world.cosigner_person.pk])

    with django_capture_on_commit_callbacks(execute=True):
        cos = actions.respond_cosign(cosigner, item.pk, confirm=True)

    cos.refresh_from_db()
    assert cos.state == CoSigner.State.CONFIRMED and cos.responded_at is not None
    assert_audit("respond_cosign", item=item, actor=cosigner, target=cos, before={"state": "invited"}, after={"state": "confirmed"})
    assert notified("respond_cosign", item) == {"member"}
    # A confirmed co-signer still reads the draft they put their name to, and a repeated
    # confirmation (a double click) changes nothing.
    assert item in visible_items(cosigner)
    with refused("already_answered"):
        actions.respond_cosign(cosigner, item.pk, confirm=True)


def test_cosigner_declines_and_loses_sight_of_the_item(world, member, cosigner):
    item = new_draft(world)
    actions.invite_cosigners(member, item.pk, person_ids=[world.cosigner_person.pk])

    actions.respond_cosign(cosigner, item.pk, confirm=False)

    assert CoSigner.objects.get(item=item).state == CoSigner.State.DECLINED
    assert_audit("respond_cosign", item=item, after={"state": "declined"})
    assert item not in visible_items(cosigner)
    with refused("not_found"):  # a second click: the draft is no longer theirs to see
        actions.respond_cosign(cosigner, item.pk, confirm=False)
    actions.submit(member, item.pk)
    # Not a co-signer: the submitted item is not theirs to read either.
    assert item not in visible_items(cosigner)


def test_only_the_invited_answer_an_invitation(world, member, other_member, cosigner):
    item = new_draft(world)
    actions.invite_cosigners(member, item.pk, person_ids=[world.cosigner_person.pk])
    with refused("not_found"):
        actions.respond_cosign(other_member, item.pk, confirm=True)
    with refused("forbidden"):
        actions.respond_cosign(member, item.pk, confirm=True)


def test_submit_drops_unconfirmed_co_signers(world, member, cosigner, django_capture_on_commit_callbacks):
    item = new_draft(world)
    actions.invite_cosigners(member, item.pk, person_ids=[world.cosigner_person.pk, world.other_member_person.pk])
    actions.respond_cosign(cosigner, item.pk, confirm=True)

    with django_capture_on_commit_callbacks(execute=True):
        actions.submit(member, item.pk)

    item = fresh(item)
    assert item.state == ItemState.SUBMITTED and item.submitted_at is not None
    states = dict(CoSigner.objects.filter(item=item).values_list("person_id", "state"))
    assert states == {world.cosigner_person.pk: "confirmed", world.other_member_person.pk: "dropped"}
    dropped = CoSigner.objects.get(item=item, person=world.other_member_person)
    assert_audit("submit", item=item, actor=member, before={"state": "draft"}, after={"state": "submitted", "dropped_cosigners": [dropped.pk]})
    assert notified("submit", item) == {"cppcc_office"}
    # The office now sees it; the confirmed co-signer reads it, the dropped one does not.
    assert item in visible_items(world.cppcc_office)
    assert item in visible_items(cosigner)
    assert item not in visible_items(world.other_member)
    # Submitting again is refused with the reason and writes nothing.
    with unchanged(), pytest.raises(BanliError) as e:
        actions.submit(member, item.pk)
    assert e.value.code == "wrong_state" and e.value.status == 409


@pytest.mark.parametrize("blank", ["reason", "suggestions", "category"])
def test_submit_needs_title_both_body_parts_and_a_category(world, member, blank):
    item = new_draft(world, **{blank: None if blank == "category" else ""})
    with refused("invalid"):
        actions.submit(member, item.pk)
    assert fresh(item).state == ItemState.DRAFT


def test_only_the_proposer_submits(world, member, cosigner):
    item = make_item(world, state="draft", cosigners=[cosigner])
    with refused("forbidden"):
        actions.submit(cosigner, item.pk)


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_proposer_withdraws_before_registration(world, member, state):
    item = make_item(world, state=state)

    actions.withdraw(member, item.pk, reason="情况已变化")

    item = fresh(item)
    assert item.state == ItemState.WITHDRAWN and item.state_reason == "情况已变化"
    row = assert_audit("withdraw", item=item, actor=member, before={"state": state}, after={"state": "withdrawn"})
    assert row.note == "情况已变化"
    # Nothing is deleted: the withdrawn item stays, with its reason.
    assert Item.objects.filter(pk=item.pk).exists()
    with refused("wrong_state"):
        actions.withdraw(member, item.pk, reason="情况已变化")


def test_after_registration_withdrawal_needs_the_office(world, member):
    item = make_item(world, state="registered")
    with refused("wrong_state"):
        actions.withdraw(member, item.pk, reason="不想提了")


def test_others_cannot_withdraw(world, cppcc_office, cosigner):
    item = make_item(world, state="submitted", cosigners=[cosigner])
    with refused("forbidden"):
        actions.withdraw(cppcc_office, item.pk)
    with refused("forbidden"):
        actions.withdraw(cosigner, item.pk)
    assert len(audit_rows("withdraw")) == 0


# -- Which session a member files into (DOMAIN §3: the current session; between sessions, the term) --

def _interim(world):
    """The term's interim session (ordinal 0, 闭会期间): where items filed between sessions go."""
    from banli.org.models import Session

    term = world.ref.cppcc_term
    return Session.objects.create(term=term, ordinal=0, name="闭会期间", year=term.starts_on.year, opens_on=term.starts_on)


def test_a_member_cannot_file_into_a_past_session(world, member):
    past = world.earlier_cppcc_session  # last year's session; this year's is current
    with refused("invalid", field="session_id") as info:
        actions.create_draft(member, session_id=past.pk, title="关于去年的提案", category=world.category("cppcc"))
    assert past.name in info.value.zh and "当前会次" in info.value.zh
    assert "past" in info.value.en and "current session" in info.value.en
    assert not Item.objects.exists()


def test_a_session_of_the_other_assembly_names_the_field(world, member):
    with refused("invalid", field="session_id"):
        actions.create_draft(member, session_id=world.npc_session.pk, title="标题", category=world.category("cppcc"))


def test_between_sessions_a_member_files_into_the_term(world, member):
    interim = _interim(world)
    item = new_draft(world, session=interim)
    assert fresh(item).session == interim
    # With no session named and none current, a draft goes to the term's interim session.
    type(interim).objects.filter(pk=world.cppcc_session.pk).update(is_current=False)
    assert fresh(new_draft(world)).session == interim


def test_the_interim_session_of_a_past_term_is_past(world, member):
    import datetime

    from banli.org.models import Term

    interim = _interim(world)
    Term.objects.filter(pk=world.ref.cppcc_term.pk).update(ends_on=datetime.date(2023, 12, 31))
    Term.objects.create(assembly="cppcc", ordinal=7, name="第七届", starts_on=datetime.date(2024, 1, 1))
    with refused("invalid", field="session_id"):
        actions.create_draft(member, session_id=interim.pk, title="标题", category=world.category("cppcc"))


def test_with_no_current_session_and_no_interim_a_member_is_told_so(world, member):
    type(world.cppcc_session).objects.filter(pk=world.cppcc_session.pk).update(is_current=False)
    with refused("invalid", field="session_id"):
        actions.create_draft(member, title="标题", category=world.category("cppcc"))


def test_a_session_was_open_for_filing_in_its_own_time(world, member):
    """What is past is judged on the day of filing: the demo replays last year with the clock set
    to then, when last year's session was the one in force."""
    import datetime
    from unittest import mock

    from django.utils import timezone

    past = world.earlier_cppcc_session
    then = timezone.make_aware(datetime.datetime.combine(past.opens_on + datetime.timedelta(days=30), datetime.time(10)))
    with mock.patch.object(timezone, "now", lambda: then):
        item = actions.create_draft(member, session_id=past.pk, title="关于当年的提案", category=world.category("cppcc"))
    assert fresh(item).session == past


def test_the_api_refuses_a_past_session_and_writes_nothing(world, member):
    from rest_framework.test import APIClient

    c = APIClient()
    c.force_login(member)
    body = {"title": "关于去年的提案", "reason": "a", "suggestions": "b", "category": world.category("cppcc").pk}
    r = c.post("/api/items/", {**body, "session_id": world.earlier_cppcc_session.pk}, format="json")
    assert r.status_code == 400, r.content
    data = r.json()
    assert (data["code"], data["field"]) == ("invalid", "session_id")
    assert "当前会次" in data["message_zh"] and "current session" in data["message_en"]
    assert not Item.objects.exists()
    r = c.post("/api/items/", {**body, "session_id": world.cppcc_session.pk}, format="json")
    assert r.status_code == 201 and Item.objects.get().session == world.cppcc_session
