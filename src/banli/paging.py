"""Pages of a list, for the staff pages and the API alike.

A search (a queryset annotated with search_rank, banli.search.query) reads every match to rank
them before the first row of a page can be known, so its total comes with the page, in the same
pass (COUNT(*) OVER ()), instead of Django's separate COUNT(*) that would read the matches again.
Only a page with no row (past the end, or nothing found) asks for the count on its own, to know
which page to show instead. Other lists count first, as Django's Paginator does: their count is
an index count, cheaper than the window over every row."""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Window

FULL_COUNT = "_full_count"
# No list holds two billion rows; an offset past a 64-bit integer is refused by the database
# (SQLite: "datatype mismatch"), so a page that far is past the end before any query.
MAX_OFFSET = 2**31 - 1


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
    def validate_number(self, number):
        if not _one_pass(self.object_list):
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
        if not _one_pass(self.object_list):
            return super().page(number)
        number = self.validate_number(number)
        rows, total = rows_with_total(self.object_list, (number - 1) * self.per_page, self.per_page)
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
