"""Renaming what the public site names: a unit, a category, a session, a person (or their sector),
a reply type.

These names are not copied into the items: each public page reads them at render time, but two
things keep what they were: the cached public pages, and the public search documents (whose text
includes the unit, category, session and people's names, banli.portal.rules.public_texts). So a
rename, by whatever door it is made (the admin today, the office's own pages later), rewrites the
public documents of the public items that name it, inside the rename's transaction, and after the
commit moves on the generation every cached public page depends on (cache.REFERENCE): a rename is
rare and shows on pages of many kinds, so all are recomputed rather than tracked one by one.

Connected in PortalConfig.ready() to pre_save (to see the old value) and post_save."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from banli.org.models import Category, Person, ReplyType, Session, Unit

from . import cache

# What the public shows of each kind of reference record, and which public items name it.
SHOWN = {
    Unit: ("name",),
    Category: ("name",),
    Session: ("name",),
    Person: ("name", "sector"),
    ReplyType: ("name",),
}


def _items_naming(instance) -> Q | None:
    """The items whose public page or document shows this record (None: no document names it)."""
    if isinstance(instance, Unit):
        return Q(assignments__unit=instance)
    if isinstance(instance, Category):
        return Q(category=instance)
    if isinstance(instance, Session):
        return Q(session=instance)
    if isinstance(instance, Person):
        return Q(proposer=instance) | Q(cosigners__person=instance)
    return None  # a reply type's name is on the pages, not in the search documents


def remember(sender, instance, raw=False, **kwargs) -> None:
    """pre_save: what the record showed before this save (nothing for a new record)."""
    if raw or instance.pk is None:
        return
    fields = SHOWN[sender]
    instance._public_before = sender.objects.filter(pk=instance.pk).values(*fields).first()


def renamed(sender, instance, created=False, raw=False, **kwargs) -> None:
    """post_save: when a shown field changed, rewrite the public documents that hold it and clear
    the public pages after the commit."""
    before = getattr(instance, "_public_before", None)
    instance._public_before = None
    if raw or created or before is None:
        return
    if all(before[f] == getattr(instance, f) for f in SHOWN[sender]):
        return
    where = _items_naming(instance)
    if where is not None:
        from banli.proposals.models import Item
        from banli.search.index import reindex

        ids = Item.objects.filter(where, published_at__isnull=False).values_list("pk", flat=True).distinct()
        with transaction.atomic():  # all of the documents or none, also outside a transaction
            reindex(list(ids))
    transaction.on_commit(lambda: cache.bump([cache.REFERENCE]))


def connect() -> None:
    from django.db.models.signals import post_save, pre_save

    for model in SHOWN:
        uid = f"banli.portal.reference.{model.__name__}"
        pre_save.connect(remember, sender=model, dispatch_uid=uid)
        post_save.connect(renamed, sender=model, dispatch_uid=uid)
