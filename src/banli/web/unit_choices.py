"""The units a unit picker offers (banli.web.widgets.UnitPicker), with what its filter matches:
the name, the short name and the pinyin initials of both (jyj finds 区教育局, wjw 区卫健委).

Initials are worked out once per list of units, not per request: the list is read in one query
(it is small: 50-60 units in a district, a few hundred in a city) and its rows are the key of a
small cache, so a renamed or new unit makes a new entry and nothing goes stale."""

from __future__ import annotations

import functools
import itertools
import json
import re
from dataclasses import dataclass, field

from pypinyin import Style, lazy_pinyin, load_phrases_dict

from banli.org.models import Unit, UnitKind

# Words of unit and place names that pypinyin's phrase dictionary reads wrongly (its default
# reading of the polyphone is another word's): 支行 is zhī háng, not zhī xíng; 朝阳 (a street,
# a district) is cháo yáng; 还建 (resettlement housing) is huán jiàn. The demo's own names are
# all read right already (a test pins them, with 长/行/重 names beside them).
load_phrases_dict({
    "支行": [["zhī"], ["háng"]], "分行": [["fēn"], ["háng"]], "朝阳": [["cháo"], ["yáng"]], "还建": [["huán"], ["jiàn"]],
})

SUGGESTED = "suggested"
_serials = itertools.count(1)
KIND_ORDER = [UnitKind.BUREAU, UnitKind.TOWN, UnitKind.OTHER]


@functools.lru_cache(maxsize=4096)
def initials(text: str) -> str:
    """The pinyin initials of a name, lower case: 区教育局 -> qjyj. Letters and digits in the
    name are kept as typed (区12345热线 -> q12345rx); punctuation is dropped."""
    letters = lazy_pinyin(text or "", style=Style.FIRST_LETTER, errors=lambda chunk: list(chunk))
    return re.sub(r"[^a-z0-9]", "", "".join(letters).lower())


@dataclass(frozen=True)
class UnitOption:
    id: int
    name: str
    short: str
    kind: str
    py: tuple[str, ...]  # initials of the name and of the short name (once each)

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name, "short": self.short if self.short != self.name else "", "kind": self.kind,
                "py": list(self.py)}


def _reading_order(row):
    """In pinyin order, as a clerk looks a unit up, without the 区 nearly every name begins with."""
    name = row[1]
    return " ".join(lazy_pinyin(name[1:] if name.startswith("区") and len(name) > 2 else name)), row[0]


@functools.lru_cache(maxsize=8)
def _prepared(rows: tuple) -> tuple[tuple[UnitOption, ...], str]:
    options = tuple(UnitOption(pk, name, short or "", kind, tuple(dict.fromkeys(initials(t) for t in (name, short) if t)))
                    for pk, name, short, kind in sorted(rows, key=_reading_order))
    data = json.dumps([o.as_json() for o in options], ensure_ascii=False, separators=(",", ":"))
    # Safe inside <script type="application/json"> whatever a unit is called (as json_script does).
    return options, data.translate(_SCRIPT_ESCAPES)


_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@dataclass
class UnitChoices:
    """One page's unit list. Several pickers on a page share it, and the first one rendered
    embeds the data for all (json_script), so a page with six pickers carries it once."""

    options: tuple[UnitOption, ...]
    data: str  # the JSON the pickers' script reads
    embedded: bool = field(default=False)  # whether a picker on this page has embedded the data
    serial: int = field(default_factory=lambda: next(_serials))  # names the embedded data's element

    @property
    def data_id(self) -> str:
        return f"unit-data-{self.serial}"

    def __iter__(self):
        """(id, name) pairs, as the item page's choice lists give them."""
        return iter([(o.id, o.name) for o in self.options])

    def __len__(self):
        return len(self.options)

    def by_id(self) -> dict[int, UnitOption]:
        return {o.id: o for o in self.options}

    def groups(self, exclude=()) -> list[tuple[str, str, list[UnitOption]]]:
        """(kind, label, options) in the order 委办局, 街镇, 其他, each by the list's order."""
        labels = dict(UnitKind.choices)
        return [(k.value, labels[k], [o for o in self.options if o.kind == k and o.id not in exclude]) for k in KIND_ORDER
                if any(o.kind == k and o.id not in exclude for o in self.options)]


def unit_choices(queryset=None) -> UnitChoices:
    """The active units (or the given queryset's), by kind and name: one query, initials cached."""
    qs = Unit.objects.filter(active=True) if queryset is None else queryset
    rows = tuple(qs.order_by("kind", "name").values_list("id", "name", "short_name", "kind"))
    options, data = _prepared(rows)
    return UnitChoices(options, data)


def choices_of(units) -> UnitChoices:
    """The picker's list from units already loaded (a page that lists them anyway): no query."""
    rows = tuple((u.pk, u.name, u.short_name, u.kind) for u in units)
    options, data = _prepared(rows)
    return UnitChoices(options, data)
