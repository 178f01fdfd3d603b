"""The deadline rows and overdue events banli.deadlines.sync.sync_item would write for a batch of
items, computed by the domain's own specs (banli.deadlines.specs.item_specs) from the instances
the batch just wrote.

The specs read the relations sync.PREFETCH loads; link() fills them in from the rows in hand, as
the prefetch would: reading the batch back through the prefetch cost as much as writing it. (Nor
does a helper process that reads each committed batch back by its ids pay: measured on 10k items
with other work on the machine, the reading cost more CPU, Python's and PostgreSQL's, than the
second core gave back.) tests/bench/test_pages.py checks the rows against sync_item's.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from banli.deadlines.models import Deadline, OverdueEvent
from banli.org.models import ReplyType, SessionPolicy
from banli.proposals.models import (
    AdjustmentRequest, Assignment, Consultation, CoOpinion, CoSigner, Feedback, Item, ItemState, Message, ProgressUpdate,
    PublicationRecord, Reply,
)

from .copying import make, save

# The rows the specs read (sync.PREFETCH and the item itself).
SPEC_MODELS = [Item, CoSigner, Consultation, Message, Reply, Feedback, Assignment, CoOpinion, AdjustmentRequest, ProgressUpdate,
               PublicationRecord]


class _Due:
    """A session's policy as item_specs reads it (due() only), its answers remembered by limit and
    local day: SessionPolicy.due depends on nothing else, and each answer walks the working-day
    calendar day by day (a fifth of the deadlines' time, ~30 asked an item, over a few hundred
    distinct days a session)."""

    def __init__(self, policy):
        self.policy, self.tz, self.memo = policy, timezone.get_current_timezone(), {}

    def due(self, name, start):
        day = start.astimezone(self.tz).date() if isinstance(start, dt.datetime) else start  # as SessionPolicy.due takes it
        key = (name, day)
        if key not in self.memo:
            self.memo[key] = self.policy.due(name, day)
        return self.memo[key]


def link(rows: dict) -> None:
    """Give the items and assignments among `rows` ({model: instances}, every model of
    SPEC_MODELS, a batch's whole) the related rows sync.PREFETCH would load for them, in the
    order it would (each model's Meta.ordering: by id, consultations by date then id)."""
    by_item, by_asg = {}, {}
    for it in rows[Item]:
        it._prefetched_objects_cache = by_item[it.pk] = {"cosigners": [], "consultations": [], "messages": [], "replies": [], "assignments": []}
    asgs = {}
    for a in rows[Assignment]:
        a._prefetched_objects_cache = by_asg[a.pk] = {"adjustments": [], "progress_updates": [], "publication_records": [], "replies": []}
        a._state.fields_cache["co_opinion"] = None  # none, unless set below
        asgs[a.pk] = a
        by_item[a.item_id]["assignments"].append(a)
    for c in rows[CoSigner]:
        by_item[c.item_id]["cosigners"].append(c)
    for c in sorted(rows[Consultation], key=lambda c: (c.held_on, c.pk)):
        by_item[c.item_id]["consultations"].append(c)
    for m in sorted(rows[Message], key=lambda m: m.pk):
        by_item[m.item_id]["messages"].append(m)
    rtypes = {t.pk: t for t in ReplyType.objects.all()} if rows[Reply] else {}
    replies = {}
    for r in rows[Reply]:
        r._state.fields_cache["feedback"] = None
        r._state.fields_cache["reply_type"] = rtypes[r.reply_type_id]
        replies[r.pk] = r
        by_item[r.item_id]["replies"].append(r)
        by_asg[r.assignment_id]["replies"].append(r)
    for fb in rows[Feedback]:
        replies[fb.reply_id]._state.fields_cache["feedback"] = fb
    for op in rows[CoOpinion]:
        asgs[op.assignment_id]._state.fields_cache["co_opinion"] = op
    for model, name in ((AdjustmentRequest, "adjustments"), (ProgressUpdate, "progress_updates"), (PublicationRecord, "publication_records")):
        for x in rows[model]:
            if x.assignment_id is not None:
                by_asg[x.assignment_id][name].append(x)


def write_deadlines(rows: dict, bulk: int, policies: dict) -> int:
    """Write the deadline rows and overdue events of a batch ({model: instances} of SPEC_MODELS);
    returns how many. policies: the sessions' _Due, kept from batch to batch."""
    from banli.deadlines.specs import item_specs
    from banli.deadlines.sync import apply_spec, overdue_event

    today = timezone.localdate()
    link(rows)
    out = []
    for item in sorted(rows[Item], key=lambda it: -it.pk):  # Item's ordering: the order the query read them in
        if item.state == ItemState.DRAFT and not item.submitted_at and not item.cosigners.all():
            continue  # as sync_item: a lone draft has no milestone yet
        policy = policies.get(item.session_id)
        if policy is None:
            policy = policies[item.session_id] = _Due(SessionPolicy.for_session(item.session))
        for spec in item_specs(item, policy):
            row, _ = apply_spec(spec, make(Deadline, key=spec.key, item_id=item.pk), today)
            out.append(row)
    events = [e for e in (overdue_event(r, None, today) for r in out) if e is not None]
    return save([(Deadline, out), (OverdueEvent, events)], bulk)
