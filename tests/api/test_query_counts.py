"""Lists and the detail view run a fixed number of queries whatever the data size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from tests.builders import make_item

pytestmark = pytest.mark.django_db

# Pinned: session + user + roles (3) + units + liaison posts + people, then count, page, assignments.
LIST_QUERIES = {"gov_office": 6, "lead_liaison": 6, "member": 6}
DETAIL_QUERIES = 31  # the kinds of record these items have, one query each, +1 for which kinds (proposals/presence.py)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, r.content
    return len(ctx), r.json()


@pytest.mark.parametrize("persona", sorted(LIST_QUERIES))
def test_item_list_query_count_does_not_grow(world, persona):
    user = getattr(world, persona)
    c = APIClient()
    c.force_login(user)
    make_item(world, "handling")
    small, body = count_queries(c, "/api/items/?state=handling,replied,closed&assembly=cppcc")
    assert body["count"] >= 1
    for state in ("handling", "replied", "closed", "handling", "closed"):
        make_item(world, state)
    large, body = count_queries(c, "/api/items/?state=handling,replied,closed&assembly=cppcc")
    assert body["count"] >= 5
    assert small == large == LIST_QUERIES[persona], (small, large)


def test_item_detail_query_count_does_not_grow_with_history(world):
    """Empty relations skip their prefetch query, so both items carry every kind of record;
    the second carries several times as many rows of each."""
    from banli.proposals import actions
    from tests.builders import close_by_report, lead_assignment

    c = APIClient()
    c.force_login(world.gov_office)
    small = make_item(world, "evaluated", co=True, reply_type="B", cosigners=[world.cosigner], consent_publish=True)
    big = make_item(world, "evaluated", co=True, reply_type="B", cosigners=[world.cosigner], consent_publish=True)
    for item, extra in ((small, 1), (big, 6)):
        a = lead_assignment(item)
        for i in range(extra):
            actions.post_message(world.member, item.pk, body=f"留言{i}")
            actions.record_consultation(world.lead_liaison, item.pk, assignment=a.pk, kind="after", form="phone", held_on=str(timezone.localdate(item.assigned_at)), participants="回访")
            actions.urge(world.gov_office, item.pk, assignment=a.pk, text=f"催办{i}")
        actions.mark_key(world.gov_office, item.pk, leader_id=world.district_leader.pk)
        actions.give_instruction(world.district_leader, item.pk, text="抓紧落实")
        actions.report_progress(world.lead_liaison, item.pk, assignment=a.pk, text="进展顺利")
        close_by_report(world, item, a)
        actions.decide_publication(world.gov_office, item.pk, publish=False, reason="涉及个人信息")
    n_small, _ = count_queries(c, f"/api/items/{small.pk}/")
    n_big, body = count_queries(c, f"/api/items/{big.pk}/")
    assert len(body["messages"]) == 6 and len(body["urges"]) == 6 and len(body["history"]) > 30
    assert n_small == n_big == DETAIL_QUERIES, (n_small, n_big)
