"""Reads of the public site, for its pages, feeds and open data alike: each reads only what
rules.py says is public, by named fields, and runs a fixed number of queries whatever the data
size. Nobody signs in: there is no reader to check, only the rule."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from banli.errors import invalid, not_found
from banli.org.models import WORDING, Category, FeedbackGrade, ReplyType, Session, Unit
from banli.paging import rows_with_total
from banli.params import MAX_ID
from banli.proposals.selectors import filter_items
from banli.reports.periods import period
from banli.reports.rounding import rate
from banli.reports.statistics import yearly_figures
from banli.reports.units import unit_table
from banli.search import query as search

from . import rules

PAGE_SIZE = 20
MAX_PAGE = 500  # deeper than anyone reads; the open data serve the rest
# The list counts at most the items its pages can reach: a province's ten years publish hundreds of
# thousands, and counting them all would cost the list a scan of every publication on each view
# (250 ms at 600k); beyond this it says "more than". The open data and the figures count exactly.
COUNT_CAP = MAX_PAGE * PAGE_SIZE


@dataclass
class Page:
    rows: list
    total: int
    number: int
    pages: int
    q: str
    more: bool = False  # a plain list with more items than COUNT_CAP: total is COUNT_CAP

    @property
    def capped(self) -> bool:
        """A search that reached its bound (banli.search.query.CANDIDATES): there are more."""
        return bool(self.q) and self.total >= search.CANDIDATES

    @property
    def count_capped(self) -> bool:
        """A list (not a search) with more items than its pages reach: counted up to COUNT_CAP."""
        return self.more


def record_id(value) -> int:
    """An id from an address: a whole number the database can hold, else not found (not a crash)."""
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise not_found() from None
    if not 1 <= value <= MAX_ID:
        raise not_found()
    return value


def label(row: dict) -> str:
    """提案第0012号 / 建议第0003号."""
    word = WORDING[row["assembly"]]["item"]
    return f"{word}第{row['number']:04d}号" if row.get("number") else word


def session_label(assembly: str, name: str) -> str:
    """区政协第四次会议: both assemblies' sessions have the same names."""
    return WORDING[assembly]["assembly"] + name


def _labelled(row: dict) -> dict:
    row["label"] = label(row)
    row["session_label"] = session_label(row["assembly"], row["session__name"])
    return row


def _filtered(params) -> tuple[QuerySet, str]:
    qs = filter_items(rules.public_items(), params)
    year = params.get("year")
    if year:
        try:
            year = int(year)
        except (TypeError, ValueError):
            raise invalid("year", "年度应为四位数字。", "Year must be a four-digit number.") from None
        qs = qs.filter(session__year=year)
    q = (params.get("q") or "").strip()[:100]
    if q:
        qs = search.matching(qs, q, scope="public")
    return qs, q


def item_list(params) -> Page:
    """One page of published items, newest publication first (by relevance when searching),
    each with its units and, when searching, its title and a passage with the words marked."""
    qs, q = _filtered(params)
    try:
        number = max(1, min(MAX_PAGE, int(params.get("page") or 1)))
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * PAGE_SIZE
    more = False
    if q:
        # One pass over the matches: ranking them already reads every one, so the count comes
        # with the page (COUNT(*) OVER ()) instead of a second scan of the search index. Only a
        # page past the end, which has no row to carry it, asks for the count on its own.
        qs = qs.order_by("search_rank", "-published_at", "-id")
        rows, total = rows_with_total(qs, start, PAGE_SIZE, rules.ITEM_FIELDS)
        if total is None:
            total = qs.count() if start else 0
    else:
        counted = qs[:COUNT_CAP + 1].count()  # a LIMIT under the count: see COUNT_CAP
        total, more = min(counted, COUNT_CAP), counted > COUNT_CAP
        rows = list(qs.values(*rules.ITEM_FIELDS)[start:start + PAGE_SIZE])
    _attach_units(rows)
    for row in rows:
        _labelled(row)
        if q:
            row["title_marked"] = search.highlight(row["title"], q)
            row["passage"] = search.highlight(row["reason"] + "\n" + row["suggestions"], q, around=80)
    return Page(rows, total, number, max(1, -(-total // PAGE_SIZE)), q, more)


def _attach_units(rows: list[dict]) -> None:
    units = defaultdict(list)
    for item_id, role, unit_id, name in rules.public_units([r["id"] for r in rows]).values_list(*rules.UNIT_FIELDS):
        units[item_id].append({"id": unit_id, "name": name, "role": role})
    for row in rows:
        row["units"] = units.get(row["id"], [])


def item_page(item_id) -> dict:
    """A published item as the public sees it; anything else is not found."""
    item_id = record_id(item_id)
    row = rules.public_items().filter(pk=item_id).values(*rules.ITEM_FIELDS).first()
    if row is None:
        raise not_found()
    _attach_units([row])
    _labelled(row)
    row["cosigners"] = list(rules.public_cosigners([item_id]).values(*rules.COSIGNER_FIELDS))
    row["replies"] = list(rules.published_replies([item_id]).values(*rules.REPLY_FIELDS))
    row["closures"] = list(rules.public_closures([item_id]).values(*rules.CLOSURE_FIELDS))
    return row


def filter_choices() -> dict:
    """What the list's filters offer: the sessions and their years, the top categories, the
    active handling units, the reply types. All of them, not only those with a publication: the
    reference tables are small, and asking which have one would read the publications."""
    sessions = list(Session.objects.order_by("-year", "assembly", "-ordinal").values("id", "name", "year", "assembly"))
    for s in sessions:
        s["label"] = session_label(s["assembly"], s["name"])
    return {
        "years": sorted({s["year"] for s in sessions}, reverse=True),
        "sessions": sessions,
        "categories": list(Category.objects.filter(parent__isnull=True, active=True).order_by("assembly", "position", "id")
                           .values("id", "name", "assembly")),
        "units": list(Unit.objects.filter(active=True).order_by("kind", "name").values("id", "name")),
        "reply_types": list(ReplyType.objects.order_by("code").values("code", "name")),
    }


def closed_sessions() -> list[dict]:
    """Sessions whose handling year is over (not the current one), newest first: their yearly
    report's figures are public."""
    rows = list(Session.objects.filter(is_current=False, items__isnull=False).distinct().order_by("-year", "assembly")
                .values("id", "name", "year", "assembly"))
    for s in rows:
        s["label"] = session_label(s["assembly"], s["name"])
    return rows


def session_figures(session_id) -> dict:
    """The yearly report's figures of a closed session (counts and shares only, no item)."""
    session_id = record_id(session_id)
    session = next((s for s in closed_sessions() if s["id"] == session_id), None)
    if session is None:
        raise not_found()
    figures = yearly_figures(period("session", session_id))
    return {"session": session, "figures": figures["current"], "as_of": figures["as_of"]}


def unit_page(unit_id, params=None) -> dict:
    """A handling unit on the public site: its published answers, newest first, and for each
    closed session how fast it replied and how its items were rated (shares)."""
    unit_id = record_id(unit_id)
    unit = Unit.objects.filter(pk=unit_id).values("id", "name").first()
    if unit is None:
        raise not_found()
    answered = rules.public_items().filter(pk__in=rules.published_assignments().filter(unit_id=unit_id).values("item_id"))
    total = answered.count()
    rows = [_labelled(row) for row in answered.values(*rules.ITEM_FIELDS)[:PAGE_SIZE]]
    names = dict(FeedbackGrade.objects.values_list("code", "name"))
    sessions = []
    for s in closed_sessions():
        mine = next(iter(unit_table(period("session", s["id"]), units=[unit_id])), None)
        if mine is not None:
            sessions.append({"session": s, **_unit_figures(mine, names)})
    return {"unit": unit, "answered": rows, "answered_total": total, "sessions": sessions}


def _unit_figures(row: dict, names: dict) -> dict:
    rated = sum(row["grades"].values())
    return {"lead": row["lead"], "co": row["co"], "separate": row["separate"], "closed": row["closed"],
            "reply_on_time": row["reply"], "rated": rated,
            "grades": [{"name": names.get(code, code), "count": n, "share": rate(n, rated)} for code, n in row["grades"].items()],
            "reply_types": row["reply_types"]}
