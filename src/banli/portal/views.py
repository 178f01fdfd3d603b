"""The public site's pages (no login): the list with filters and search, an item, a unit, the
yearly figures of closed sessions, and the page that documents the feeds and the open data."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import render
from django.views.decorators.http import require_safe

from banli.reports.charts import report_charts, svg

from . import selectors
from .cache import LISTS, cached

FILTERS = ("year", "session", "assembly", "category", "unit", "reply_type", "q")


def _lists(request, *args, **kwargs):
    return [LISTS]


@require_safe
@cached(_lists)
def item_list(request):
    page = selectors.item_list(request.GET)
    kept = {k: request.GET[k] for k in FILTERS if request.GET.get(k)}
    return render(request, "portal/list.html", {
        "page": page, "choices": selectors.filter_choices(), "chosen": kept,
        "prev_url": f"?{urlencode({**kept, 'page': page.number - 1})}" if page.number > 1 else "",
        "next_url": f"?{urlencode({**kept, 'page': page.number + 1})}" if page.number < page.pages else "",
    })


@require_safe
@cached(lambda request, item_id: [f"item:{item_id}"])
def item_page(request, item_id):
    return render(request, "portal/item.html", {"item": selectors.item_page(item_id)})


@require_safe
@cached(lambda request, unit_id: [f"unit:{unit_id}"])
def unit_page(request, unit_id):
    return render(request, "portal/unit.html", selectors.unit_page(unit_id))


@require_safe
@cached(_lists)
def figures_index(request):
    return render(request, "portal/figures_index.html", {"sessions": selectors.closed_sessions()})


@require_safe
@cached(lambda request, session_id: [f"session:{session_id}"])
def session_figures(request, session_id):
    data = selectors.session_figures(session_id)
    charts = {name: svg(fig) for name, fig in report_charts({"current": data["figures"]}).items()}
    return render(request, "portal/figures.html", {**data, "charts": charts})


@require_safe
def open_data(request):
    return render(request, "portal/data.html", {"sessions": selectors.closed_sessions()})
