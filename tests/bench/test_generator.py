"""The bench generator (bench/generate.py) writes histories the actions would have written: a
state that agrees with its rows, numbers unique per session, every state in the current session."""

import datetime as dt

import pytest
from django.db.models import Count, Exists, Max, OuterRef
from django.utils import timezone

from banli.audit.models import AuditRecord
from banli.org.models import Session
from banli.proposals.models import Assignment, Feedback, Item, ItemState, Reply
from bench.consistency import check_consistency
from bench.generate import generate

pytestmark = pytest.mark.django_db

N = 200


@pytest.fixture
def summary():
    # A batch smaller than N, so items (and merges) span several batches.
    return generate(N, seed=7, batch=64, progress=None)


def test_item_count(summary):
    assert Item.objects.count() == N == summary["items"]
    assert sum(summary["states"].values()) == N


def test_closed_items_have_a_sent_reply_and_its_follow_up(summary):
    closed = Item.objects.filter(state=ItemState.CLOSED)
    assert closed.exists()
    sent = Reply.objects.filter(item=OuterRef("pk"), state=Reply.State.SENT)
    assert not closed.exclude(Exists(sent)).exists()
    assert not closed.filter(replied_at__isnull=True).exists()
    assert not closed.filter(closed_at__isnull=True).exists()
    # closed by an approved closure report or by feedback (rated or lapsed)
    assert not closed.exclude(Exists(Feedback.objects.filter(item=OuterRef("pk")))).exists()


def test_every_sent_reply_has_replied_at_on_its_item(summary):
    assert Reply.objects.filter(state=Reply.State.SENT).exists()
    assert not Reply.objects.filter(state=Reply.State.SENT, item__replied_at__isnull=True).exists()
    assert not Reply.objects.filter(state=Reply.State.SENT, sent_at__isnull=True).exists()


def test_numbers_unique_per_session_and_counter_kept(summary):
    numbered = Item.objects.filter(number__isnull=False)
    assert numbered.exists()
    assert not numbered.values("session_id", "number").annotate(n=Count("id")).filter(n__gt=1).exists()
    for session in Session.objects.annotate(top=Max("items__number")):
        assert session.last_number == (session.top or 0)
    # only registered items carry a number
    assert not Item.objects.filter(number__isnull=False, registered_at__isnull=True).exists()


def test_every_state_in_the_current_session(summary):
    current = set(Item.objects.filter(session__is_current=True).values_list("state", flat=True))
    assert current == set(ItemState.values)


def test_states_agree_with_rows(summary):
    assert check_consistency() == []
    # handling and later: every active unit signed
    later = [ItemState.HANDLING, ItemState.REPLIED, ItemState.EVALUATED, ItemState.REHANDLING, ItemState.CLOSED]
    assert not Assignment.objects.filter(item__state__in=later).exclude(state__in=[Assignment.State.SIGNED, Assignment.State.ENDED]).exists()


def test_history_is_in_the_past_and_timestamps_are_historical(summary):
    now = timezone.now()
    assert not AuditRecord.objects.filter(at__gt=now).exists()
    assert AuditRecord.objects.filter(item__isnull=False).count() >= 2 * N
    # bulk_create kept the generated dates (auto_now_add was switched off, and back on after)
    assert Item.objects.filter(created_at__lt=now - dt.timedelta(days=300)).exists()
    assert Item._meta.get_field("created_at").auto_now_add and Item._meta.get_field("updated_at").auto_now


def test_a_state_the_rows_do_not_support_is_caught(summary):
    """bench.consistency judges states by the domain's rule (derived_state): an item stored as
    evaluated whose units are all closed is reported, and so is a closed one still awaiting a rating."""
    closed = Item.objects.filter(state=ItemState.CLOSED).first()
    replied = Item.objects.filter(state=ItemState.REPLIED).first()
    Item.objects.filter(pk=closed.pk).update(state=ItemState.EVALUATED)
    Item.objects.filter(pk=replied.pk).update(state=ItemState.CLOSED)
    problems = check_consistency([closed.pk, replied.pk])
    assert f"item {closed.pk} (evaluated): rows say closed" in problems
    assert f"item {replied.pk} (closed): rows say replied" in problems


# The notices the bench writes, by the kind on their rows.
NOTICE_OF_KIND = {"submit": "submit", "register": "register", "assigned": "assigned", "replied": "replied", "closed": "closed",
                  "request_withdrawal": "request_withdrawal"}


def test_notifications_go_to_whom_the_actions_would_tell(monkeypatch):
    """The bench writes notifications in bulk, but to the people the domain's table of notices
    names (banli.proposals.notices.recipients resolves it with the actions' own queries); the
    proposers of items merged later may be missing, as the bench writes a merged item after its target."""
    from collections import defaultdict

    from banli.notify.models import Notification
    from banli.proposals.actions.audiences import recipients

    monkeypatch.setattr("bench.notices.RECENT_DAYS", 10_000)  # every notification, not only the recent ones
    generate(N, seed=7, batch=64, progress=None)
    groups = defaultdict(set)
    for n in Notification.objects.filter(kind__in=NOTICE_OF_KIND, item__isnull=False):
        groups[(n.item_id, n.kind, n.created_at)].add(n.recipient_id)
    assert {kind for _, kind, _ in groups} == set(NOTICE_OF_KIND)
    items = Item.objects.in_bulk({item_id for item_id, _, _ in groups})
    for (item_id, kind, at), got in groups.items():
        item = items[item_id]
        units = [a.unit for a in item.assignments.select_related("unit") if a.assigned_at == at] if kind == "assigned" else []
        want = set(recipients(NOTICE_OF_KIND[kind], item, units=units))
        merged = set(Item.objects.filter(merged_into=item).values_list("proposer__user_id", flat=True))
        assert want - merged <= got <= want, (kind, item_id)


def test_the_bench_tells_only_notices_of_the_table():
    from banli.proposals.notices import NOTICES
    from bench import notices

    assert set(notices.TELLS.values()) <= set(notices.TEXT) <= set(NOTICES)
