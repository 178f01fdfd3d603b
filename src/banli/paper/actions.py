"""Writes of the paper app: the office edits its letterhead. (Numbering documents is in
numbering.py; it runs when a document is first produced.)"""

from django.db import transaction

from banli.audit.service import record
from banli.errors import invalid

from .access import check_office
from .models import Letterhead, SealPosition
from .numbering import check_pattern

FIELDS = ("issuer_name", "issuer_short", "header_text", "seal_position", "number_pattern")
REQUIRED = {"issuer_name": ("发文机关名称", "issuer's name"), "issuer_short": ("发文机关简称", "issuer's short name"),
            "number_pattern": ("文号格式", "number pattern")}


def _clean(fields: dict) -> dict:
    out = {}
    for name in FIELDS:
        value = (fields.get(name) or "").strip()
        limit = Letterhead._meta.get_field(name).max_length
        if name in REQUIRED and not value:
            zh, en = REQUIRED[name]
            raise invalid(name, f"请填写{zh}。", f"Enter the {en}.")
        if len(value) > limit:
            raise invalid(name, f"最多 {limit} 个字。", f"At most {limit} characters.")
        out[name] = value
    if out["seal_position"] not in SealPosition.values:
        raise invalid("seal_position", "请选择印章位置。", "Choose the seal position.")
    check_pattern(out["number_pattern"])
    return out


def update_letterhead(user, **fields) -> Letterhead:
    """The office's letterhead, as typed on its page. Numbers already given keep their text: a
    document once numbered is printed with the number it was given."""
    check_office(user)
    values = _clean(fields)
    with transaction.atomic():
        current = Letterhead.objects.select_for_update().order_by("id").first() or Letterhead()
        before = {k: getattr(current, k) for k in FIELDS}
        if current.pk and before == values:
            return current  # nothing changed: no write, no audit row
        for k, v in values.items():
            setattr(current, k, v)
        current.updated_by = user
        current.save()
        record(actor=user, action="update_letterhead", target=current, before=before if current.pk else {}, after=values)
    return current
