"""Issue 14, point 6, on the item page: the page offers a step only when it would succeed (设为重点
and 取消重点 never side by side, 撤销公开 only on a published reply, 审核撤回申请 only on a request),
and a step forced from a stale page is refused with its reason and reports no success."""

import pytest

from banli.proposals import actions as A
from tests.builders import fresh, lead_assignment, make_item
from tests.checks import unchanged
from tests.web.pages import action_anchors, alerts, flashes, form_block, login

pytestmark = pytest.mark.django_db


def anchors(user, item) -> set[str]:
    r = login(user).get(f"/items/{item.pk}/")
    assert r.status_code == 200
    return set(action_anchors(r))


def test_the_office_sees_mark_or_unmark_never_both(world, gov_office, district_leader):
    item = make_item(world, "handling")
    shown = anchors(gov_office, item)
    assert "do-mark_key" in shown and "do-unmark_key" not in shown

    A.mark_key(gov_office, item.pk, leader_id=district_leader.pk)
    shown = anchors(gov_office, item)
    assert "do-unmark_key" in shown and "do-mark_key" not in shown


def test_revoke_is_shown_only_on_a_published_reply(world, gov_office):
    item = make_item(world, "closed", consent_publish=True)
    a = lead_assignment(item)
    shown = anchors(gov_office, item)
    assert f"do-decide_publication-{a.pk}" in shown and f"do-revoke_publication-{a.pk}" not in shown
    assert "do-unmark_key" not in shown  # closed and not key: nothing to unmark, and too late to mark

    A.decide_publication(gov_office, item.pk, assignment=a.pk, publish=True)
    shown = anchors(gov_office, item)
    assert f"do-revoke_publication-{a.pk}" in shown and f"do-decide_publication-{a.pk}" not in shown

    A.revoke_publication(gov_office, item.pk, assignment=a.pk, reason="委员要求撤下")
    shown = anchors(gov_office, item)
    assert f"do-revoke_publication-{a.pk}" not in shown
    assert f"do-decide_publication-{a.pk}" in shown  # consented: it may be published again


def test_a_withdrawal_decision_appears_with_the_request_and_goes_with_the_decision(world, member, cppcc_office):
    item = make_item(world, "handling")
    assert "do-decide_withdrawal" not in anchors(cppcc_office, item)
    assert "do-request_withdrawal" in anchors(member, item)

    A.request_withdrawal(member, item.pk, reason="问题已解决")
    assert "do-decide_withdrawal" in anchors(cppcc_office, item)
    assert "do-request_withdrawal" not in anchors(member, item)

    A.decide_withdrawal(cppcc_office, item.pk, approve=False, note="已在办理")
    assert "do-decide_withdrawal" not in anchors(cppcc_office, item)


def test_no_feedback_is_not_offered_inside_the_window(world, gov_office):
    item = make_item(world, "replied")
    assert "do-record_no_feedback" not in anchors(gov_office, item)


@pytest.mark.parametrize("action, data, message", [
    ("unmark_key", {"reason": "不再督办"}, "该件不是重点提案/建议。"),
    ("decide_withdrawal", {"approve": "true", "note": ""}, "没有待审核的撤回申请。"),
])
def test_a_step_forced_from_a_stale_page_is_refused_and_reports_no_success(world, gov_office, cppcc_office, action, data, message):
    item = make_item(world, "handling")
    user = gov_office if action == "unmark_key" else cppcc_office
    c = login(user)
    with unchanged():
        r = c.post(f"/items/{item.pk}/do/{action}/", data)
    assert r.status_code == 409
    assert message in alerts(r)
    assert flashes(r) == []
    # Nor does the next page say it was done.
    assert flashes(c.get(f"/items/{item.pk}/")) == []


def test_marking_a_key_item_again_from_a_stale_page_is_refused(world, gov_office, district_leader):
    item = make_item(world, "handling")
    c = login(gov_office)
    r = c.post(f"/items/{item.pk}/do/mark_key/", {"leader_id": district_leader.pk, "reason": ""})
    assert r.status_code == 302 and fresh(item).is_key
    assert len(flashes(c.get(f"/items/{item.pk}/"))) == 1  # the step was done, and the page says so once

    with unchanged():
        r = c.post(f"/items/{item.pk}/do/mark_key/", {"leader_id": district_leader.pk, "reason": ""})
    assert r.status_code == 409
    assert "该件已是重点提案/建议。如需更换牵头督办领导，请先取消重点。" in alerts(r)
    assert flashes(r) == [] and flashes(c.get(f"/items/{item.pk}/")) == []


def test_no_feedback_offered_after_the_window_is_recorded_from_the_page(world, gov_office):
    """The page's form names the reply whose window is over (the command needs reply_id), so the
    step it offers succeeds from the page, not only through the API."""
    import datetime

    from django.utils import timezone

    from banli.deadlines.sync import sync_item
    from banli.proposals.models import Feedback, Reply

    item = make_item(world, "replied")
    reply = Reply.objects.filter(item=item).get()
    Reply.objects.filter(pk=reply.pk).update(sent_at=timezone.now() - datetime.timedelta(days=60))
    sync_item(item.pk)
    assert "do-record_no_feedback" in anchors(gov_office, item)
    form = form_block(login(gov_office).get(f"/items/{item.pk}/"), "do-record_no_feedback")
    assert f'name="reply_id" value="{reply.pk}"' in form
    r = login(gov_office).post(f"/items/{item.pk}/do/record_no_feedback/", {"reply_id": reply.pk})
    assert r.status_code == 302, r.content.decode()[:500]
    page = login(gov_office).get(f"/items/{item.pk}/").content.decode()
    assert f'name="reply_id" value="{reply.pk}"' not in page
    assert Feedback.objects.get(reply=reply).lapsed
