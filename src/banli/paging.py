"""Pages of a list, for the staff pages and the API alike.

A search (a queryset annotated with search_rank, banli.search.query) reads every match to rank
them before the first row of a page can be known, so its total comes with the page, in the same
pass (COUNT(*) OVER ()), instead of Django's separate COUNT(*) that would read the matches again.
Only a page with no row (past the end, or nothing found) asks for the count on its own, to know
which page to show instead. Other lists count first, as Django's Paginator does: their count is
an index count, cheaper than the window over every row.

A list given a count_cap counts at most cap + 1 matches (a LIMIT under the COUNT, as the portal's
list does): an exact total up to the cap, and past it `count_capped` with the count at the cap, so
that the page says "more than". Counting every match of a wide filter (the office's late items, a
district leader's portfolio) read every one of them on each view, as slow as the list's worst
page; a clerk needs the exact figure when it is small, the reports count exactly. Pages past the
cap are still reachable: whether one has rows, its own query says."""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.functional import cached_property
from django.db.models import Count, Window

FULL_COUNT = "_full_count"
# No list holds two billion rows; an offset past a 64-bit integer is refused by the database
# (SQLite: "datatype mismatch"), so a page that far is past the end before any query.
MAX_OFFSET = 2**31 - 1
# The staff list's and the API's count cap: past a thousand matches a clerk narrows the filter (or
# reads the reports, which count exactly), and a thousand is what one index range counts in a few
# milliseconds.
STAFF_COUNT_CAP = 1000


def rows_with_total(qs, start: int, size: int, values=()) -> tuple[list, int | None]:
    """One page of qs (as dicts of `values`, if given) and the total it carries; None for the
    total when the page has no row to carry it."""
    qs = qs.annotate(**{FULL_COUNT: Window(Count("pk"))})
    if values:
        qs = qs.values(*values, FULL_COUNT)
    rows = list(qs[start:start + size])
    if not rows:
        return rows, None
    return rows, rows[0][FULL_COUNT] if values else getattr(rows[0], FULL_COUNT)


def _one_pass(object_list) -> bool:
    query = getattr(object_list, "query", None)
    return query is not None and "search_rank" in query.annotations


class ListPaginator(Paginator):
    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, count_cap: int | None = None):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.count_cap = count_cap
        self.count_capped = False  # more matches than count_cap: `count` is the cap

    @cached_property
    def count(self):
        if self.count_cap is None or _one_pass(self.object_list) or not hasattr(self.object_list, "query"):
            return super().count
        counted = self.object_list[:self.count_cap + 1].count()  # a LIMIT under the count
        self.count_capped = counted > self.count_cap
        return min(counted, self.count_cap)

    def _open_ended(self) -> bool:
        """Pages whose existence their own query decides: a search's (its total comes with a
        page) and those of a list counted only up to its cap."""
        if _one_pass(self.object_list):
            return True
        return self.count_cap is not None and self.count >= self.count_cap and self.count_capped  # (count sets count_capped)

    def validate_number(self, number):
        if not self._open_ended():
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("页码应为整数。") from None
        if number < 1:
            raise EmptyPage("页码应不小于 1。")
        if (number - 1) * self.per_page > MAX_OFFSET:
            raise EmptyPage("该页没有结果。")
        return number  # whether it is past the end, the page's own query says

    def page(self, number):
        if not self._open_ended():
            return super().page(number)
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        if not _one_pass(self.object_list):
            # Past the cap: the page reads one row more than it shows, to know whether a next one exists.
            rows = list(self.object_list[start:start + self.per_page + 1])
            if rows or number == 1:
                self.__dict__["num_pages"] = max(self.num_pages, number + (len(rows) > self.per_page))
                return self._get_page(rows[:self.per_page], number, self)
            raise EmptyPage("该页没有结果。")
        rows, total = rows_with_total(self.object_list, start, self.per_page)
        if rows:
            self.__dict__["count"] = total  # Paginator.count is a cached_property
            return self._get_page(rows, number, self)
        if number == 1 and self.allow_empty_first_page or number <= self.num_pages:
            return self._get_page(rows, number, self)
        raise EmptyPage("该页没有结果。")

    def get_page(self, number):
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)


class StaffListPaginator(ListPaginator):
    """The staff list's and the API's pages: counted up to STAFF_COUNT_CAP (Django's and DRF's
    paginator interface, which names no cap)."""

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page, count_cap=STAFF_COUNT_CAP)
