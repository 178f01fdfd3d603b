"""Publication (rule 13): the proposer's consent, the office's decision, withholding and revocation."""

import pytest

from banli.proposals import actions
from banli.proposals.models import Publication, PublicationRecord
from tests.builders import fresh, make_item, new_draft
from tests.checks import assert_audit, refused


def test_proposer_consents_to_publication(world, member):
    item = make_item(world, state="replied")

    actions.set_publication_consent(member, item.pk, consent=True)

    assert fresh(item).consent_publish is True
    rec = PublicationRecord.objects.get(item=item)
    assert (rec.kind, rec.consent, rec.by) == ("consent", True, member)
    assert_audit("set_publication_consent", item=item, actor=member, before={"consent_publish": None}, after={"consent_publish": True})
    with refused("invalid", field="consent"):
        actions.set_publication_consent(member, item.pk, consent=True)
    # Changing one's mind is recorded too.
    actions.set_publication_consent(member, item.pk, consent=False)
    assert fresh(item).consent_publish is False
    assert list(PublicationRecord.objects.filter(item=item).values_list("consent", flat=True)) == [True, False]


def test_consent_on_a_draft_is_just_a_field(world, member):
    item = new_draft(world)
    actions.set_publication_consent(member, item.pk, consent=True)
    assert fresh(item).consent_publish is True
    assert not PublicationRecord.objects.exists()


def test_only_the_proposer_consents(world, cosigner, gov_office):
    item = make_item(world, state="replied", cosigners=[cosigner])
    with refused("forbidden"):
        actions.set_publication_consent(cosigner, item.pk, consent=True)
    with refused("forbidden"):
        actions.set_publication_consent(gov_office, item.pk, consent=True)


@pytest.mark.parametrize("consent", [None, False])
def test_publish_is_refused_without_consent(world, gov_office, consent):
    item = make_item(world, state="replied", consent_publish=consent)
    with refused("invalid", field="publish"):
        actions.decide_publication(gov_office, item.pk, publish=True)
    assert fresh(item).publication == Publication.UNDECIDED


def test_office_publishes_with_consent(world, gov_office):
    item = make_item(world, state="replied", consent_publish=True)

    rec = actions.decide_publication(gov_office, item.pk, publish=True)

    assert fresh(item).publication == Publication.PUBLISHED
    assert (rec.kind, rec.by) == ("publish", gov_office)
    assert_audit("decide_publication", item=item, actor=gov_office, target=rec, before={"publication": "undecided"},
                 after={"publication": "published"})
    with refused("already_published"):
        actions.decide_publication(gov_office, item.pk, publish=True)


def test_withholding_needs_a_reason(world, gov_office):
    item = make_item(world, state="evaluated", consent_publish=True)
    with refused("invalid", field="reason"):
        actions.decide_publication(gov_office, item.pk, publish=False, reason="  ")

    rec = actions.decide_publication(gov_office, item.pk, publish=False, reason="涉及在建项目招标信息")

    assert fresh(item).publication == Publication.WITHHELD
    assert (rec.kind, rec.reason) == ("withhold", "涉及在建项目招标信息")
    row = assert_audit("decide_publication", item=item, after={"publication": "withheld"})
    assert row.note == "涉及在建项目招标信息"


def test_publication_is_decided_after_the_reply_by_the_office(world, gov_office, lead_liaison):
    item = make_item(world, state="handling", consent_publish=True)
    with refused("not_replied"):
        actions.decide_publication(gov_office, item.pk, publish=True)
    replied = make_item(world, state="replied", consent_publish=True)
    with refused("forbidden"):
        actions.decide_publication(lead_liaison, replied.pk, publish=True)


def test_revoke_a_publication(world, gov_office):
    item = make_item(world, state="closed", consent_publish=True)
    with refused("not_published"):  # not published yet
        actions.revoke_publication(gov_office, item.pk, reason="撤销")
    actions.decide_publication(gov_office, item.pk, publish=True)
    with refused("invalid", field="reason"):
        actions.revoke_publication(gov_office, item.pk, reason="")

    rec = actions.revoke_publication(gov_office, item.pk, reason="委员要求撤下")

    assert fresh(item).publication == Publication.REVOKED
    assert (rec.kind, rec.reason) == ("revoke", "委员要求撤下")
    assert_audit("revoke_publication", item=item, actor=gov_office, target=rec, before={"publication": "published"},
                 after={"publication": "revoked"})
    with refused("not_published"):
        actions.revoke_publication(gov_office, item.pk, reason="委员要求撤下")
