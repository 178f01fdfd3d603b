"""The office's floor of channels per kind of message (ChannelMinimum: e.g. every 催办 also by SMS,
whatever the person chose). Who receives what is decided in banli.notify.preferences."""

import re

from django.db import transaction

from banli.audit.service import record
from banli.errors import invalid
from banli.notify.models import ChannelMinimum

from .office import require_office, row_by_id, save_by_key, text


@transaction.atomic
def save_channel_minimum(actor, *, kind, sms=False, email=False, note="") -> ChannelMinimum:
    """Create or change the floor for one kind (a notification kind's code, e.g. urge or
    reminder_late)."""
    require_office(actor)
    kind = text(kind, "kind", "通知类型", max_length=40, required=True)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", kind):
        raise invalid("kind", "通知类型应为小写英文代码，例如 urge。", "The kind is a lower-case code, e.g. urge.")
    values = {"sms": bool(sms), "email": bool(email), "note": text(note, "note", "说明", max_length=100)}
    return save_by_key(actor, ChannelMinimum, {"kind": kind}, values, "channel_minimum")


@transaction.atomic
def remove_channel_minimum(actor, minimum_id) -> ChannelMinimum:
    """No floor for the kind any more: each person's own choice decides."""
    require_office(actor)
    row = row_by_id(ChannelMinimum, minimum_id)
    record(actor=actor, action="remove_channel_minimum", target=row, before={"kind": row.kind, "sms": row.sms, "email": row.email, "note": row.note})
    row.delete()
    return row
