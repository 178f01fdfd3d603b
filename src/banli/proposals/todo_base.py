"""The parts every to-do section is made of (todo.py, todo_unit.py): an entry names the item, the
form where its step is done, the one next step in words and who holds it."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import translation

from banli.org.models import WORDING, WORDING_EN

SHOWN = 8  # entries listed per section; the total is always given


@dataclass
class Entry:
    item: object | None
    anchor: str = ""  # the form on the item page where the step is done
    note: str = ""
    due_on: object = None
    late: bool = False
    url: str = ""  # when the entry is not an item (a question)
    next: str = ""  # "下一步：联络员拟写答复" or "等待单位领导审核（张局长）"
    waiting: bool = False  # the next step is someone else's
    detail: str = ""  # e.g. who returned a reply and what they said


@dataclass
class Section:
    key: str
    role: str
    title: str
    total: int = 0
    entries: list[Entry] = field(default_factory=list)
    more_url: str = ""  # the full list of exactly these `total` entries
    waiting: bool = False  # work that waits on someone else: shown, not counted as the reader's own
    wider_url: str = ""  # a list that holds these entries among others (its count differs)
    wider_label: str = ""


def top(qs: QuerySet, order: list) -> tuple[list, int]:
    """The first SHOWN rows and the total."""
    total = qs.count()
    return (list(qs.order_by(*order)[:SHOWN]) if total else []), total


def word(assembly, key: str) -> str:
    """委员 or 代表 (提案 or 建议 …) in the page's language."""
    english = (translation.get_language() or "").startswith("en")
    table = WORDING_EN if english else WORDING
    return table.get(assembly, table["cppcc"])[key]


def who(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def unit_name(unit) -> str:
    return (unit.short_name or unit.name) if unit else ""
