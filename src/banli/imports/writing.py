"""Writing an import's plan, inside the transaction banli.imports.running opens. Items arrive
registered (立案) with their numbers, or submitted without one, with their proposers,
co-signers and suggested units; each gets an audit row naming the file, its deadline rows
(banli.deadlines.sync) and its search documents, as any registered item has."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from banli.audit.service import record
from banli.deadlines.sync import sync_item
from banli.org.models import Person, Session, Unit, UnitLiaison
from banli.proposals.models import CoSigner, Item, ItemState
from banli.search.index import reindex

from .plan import CREATE, UPDATE, Plan


def write_items(batch, plan: Plan, tick) -> dict:
    now = timezone.now()
    session = Session.objects.select_for_update().get(pk=batch.session_id)  # the numbering lock, as register() takes it
    rows = [r for r in plan.rows if r.outcome == CREATE]
    items = Item.objects.bulk_create([
        Item(assembly=session.assembly, session=session, number=r.values["number"], title=r.values["title"], reason=r.values["reason"],
             suggestions=r.values["suggestions"], category_id=r.values["category_id"], proposer_id=r.values["proposer_id"],
             state=ItemState.REGISTERED if r.values["number"] else ItemState.SUBMITTED, submitted_at=now,
             registered_at=now if r.values["number"] else None)
        for r in rows])
    highest = max((r.values["number"] or 0 for r in rows), default=0)
    if highest > session.last_number:
        session.last_number = highest
        session.save(update_fields=["last_number"])
    CoSigner.objects.bulk_create([CoSigner(item=item, person_id=p, state=CoSigner.State.CONFIRMED, responded_at=now)
                                  for item, r in zip(items, rows) for p in r.values["cosigner_ids"]])
    through = Item.suggested_units.through
    through.objects.bulk_create([through(item_id=item.pk, unit_id=u) for item, r in zip(items, rows) for u in r.values["unit_ids"]])
    for n, item in enumerate(items, start=1):
        record(actor=batch.uploaded_by, action="import_item", item=item, after={"state": item.state, "number": item.number},
               note=f"导入自 {batch.name}")
        sync_item(item.pk)
        tick(n)
    reindex([i.pk for i in items])
    tick(len(plan.rows), force=True)
    return {"items_created": len(items), "items_unchanged": len(plan.rows) - len(items)}


def write_reference(batch, plan: Plan, tick) -> dict:
    User = get_user_model()
    today = timezone.localdate()
    actor = batch.uploaded_by
    users = {}
    counts = {"units_created": 0, "units_updated": 0, "people_created": 0, "people_updated": 0, "accounts_created": 0}
    for n, r in enumerate(plan.rows, start=1):
        tick(n)
        v = r.values
        if r.outcome not in (CREATE, UPDATE):
            continue
        if "person_id" in v or "assembly" in v:
            _person(actor, r, counts)
            continue
        for username, name in v["new_users"].items():
            if not User.objects.filter(username=username).exists():
                # No usable password: the office sets the first one (系统管理), or the person resets it by e-mail.
                u = User.objects.create_user(username=username, first_name=name, password=None)
                record(actor=actor, action="create_user", target=u, after={"username": username, "name": name}, note=f"导入自 {batch.name}")
                counts["accounts_created"] += 1
        for username in (v["liaison"], v["leader"]):
            if username and username not in users:
                users[username] = User.objects.get(username=username)
        _unit(actor, r, users, today, counts)
    return counts


def _unit(actor, r, users, today: datetime.date, counts) -> None:
    v = r.values
    fields = {"short_name": v["short_name"], "kind": v["kind"], "phone": v["phone"]}
    if v["leader"]:
        fields["leader"] = users[v["leader"]]
    if r.outcome == CREATE:
        unit = Unit.objects.create(name=v["name"], **fields)
        record(actor=actor, action="create_unit", target=unit, after={"name": unit.name, **fields})
        counts["units_created"] += 1
    else:
        unit = Unit.objects.select_for_update().get(pk=v["unit_id"])
        before = {k: getattr(unit, k) for k in fields}
        for k, val in fields.items():
            setattr(unit, k, val)
        unit.save()
        changed = {k: val for k, val in fields.items() if before[k] != val}
        if changed:
            record(actor=actor, action="update_unit", target=unit, before={k: before[k] for k in changed}, after=changed)
        counts["units_updated"] += 1
    if v["liaison"]:
        user = users[v["liaison"]]
        if not UnitLiaison.objects.filter(unit=unit, user=user, ended_on__isnull=True).exists():
            post = UnitLiaison.objects.create(unit=unit, user=user, started_on=today)
            record(actor=actor, action="add_liaison", target=post, after={"unit": unit.pk, "user": user.pk, "started_on": today})


def _person(actor, r, counts) -> None:
    v = r.values
    fields = {k: v[k] for k in ("sector", "party", "employer", "phone", "address", "is_collective")}
    if r.outcome == CREATE:
        p = Person.objects.create(assembly=v["assembly"], name=v["name"], **fields)
        record(actor=actor, action="create_person", target=p, after={"assembly": p.assembly, "name": p.name, **fields})
        counts["people_created"] += 1
        return
    p = Person.objects.select_for_update().get(pk=v["person_id"])
    before = {k: getattr(p, k) for k in fields}
    changed = {k: val for k, val in fields.items() if before[k] != val}
    for k, val in changed.items():
        setattr(p, k, val)
    p.save(update_fields=list(changed))
    record(actor=actor, action="update_person", target=p, before={k: before[k] for k in changed}, after=changed)
    counts["people_updated"] += 1
