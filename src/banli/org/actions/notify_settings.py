"""The office's floor of channels per kind of message (ChannelMinimum: e.g. every 催办 also by SMS,
whatever the person chose). Who receives what is decided in banli.notify.preferences."""

import re

from django.db import transaction

from banli.audit.service import record
from banli.errors import invalid, not_found
from banli.notify.models import ChannelMinimum
from banli.params import MAX_ID

from .office import apply, changes, require_office, text


@transaction.atomic
def save_channel_minimum(actor, *, kind, sms=False, email=False, note="") -> ChannelMinimum:
    """Create or change the floor for one kind (a notification kind's code, e.g. urge or
    reminder_late)."""
    require_office(actor)
    kind = text(kind, "kind", "通知类型", max_length=40, required=True)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", kind):
        raise invalid("kind", "通知类型应为小写英文代码，例如 urge。", "The kind is a lower-case code, e.g. urge.")
    values = {"sms": bool(sms), "email": bool(email), "note": text(note, "note", "说明", max_length=100)}
    row = ChannelMinimum.objects.select_for_update().filter(kind=kind).first()
    if row is None:
        row = ChannelMinimum.objects.create(kind=kind, **values)
        record(actor=actor, action="create_channel_minimum", target=row, after={"kind": kind, **values})
        return row
    before, after = changes(row, values)
    if after:
        apply(row, after)
        row.save(update_fields=list(after))
        record(actor=actor, action="update_channel_minimum", target=row, before=before, after=after)
    return row


@transaction.atomic
def remove_channel_minimum(actor, minimum_id) -> ChannelMinimum:
    """No floor for the kind any more: each person's own choice decides."""
    require_office(actor)
    try:
        pk = int(minimum_id)
    except (TypeError, ValueError):
        pk = 0
    row = ChannelMinimum.objects.select_for_update().filter(pk=pk).first() if 1 <= pk <= MAX_ID else None
    if row is None:
        raise not_found()
    record(actor=actor, action="remove_channel_minimum", target=row, before={"kind": row.kind, "sms": row.sms, "email": row.email, "note": row.note})
    row.delete()
    return row
