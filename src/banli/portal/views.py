"""The public site's pages (no login): the list with filters and search, an item, a unit, the
yearly figures of closed sessions, and the page that documents the feeds and the open data."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.html import format_html_join
from django.views.decorators.http import require_safe

from banli.reports.charts import report_charts, svg

from . import selectors
from .cache import LISTS, cached

FILTERS = ("year", "session", "assembly", "category", "unit", "reply_type", "q")


def _lists(request, *args, **kwargs):
    return [LISTS]


def _options(choices: list[tuple], chosen: str | None) -> str:
    """A select's options as HTML, escaped, made here rather than in a template loop: a province
    has 600 units, and the template language would take most of the page's time over them."""
    return format_html_join("", '<option value="{}"{}>{}</option>', ((v, " selected" if str(v) == (chosen or "") else "", label)
                                                                      for v, label in [("", "全部"), *choices]))


def filter_options(chosen: dict) -> dict:
    c = selectors.filter_choices()
    return {
        "year": _options([(y, y) for y in c["years"]], chosen.get("year")),
        "assembly": _options([("cppcc", "政协提案"), ("npc", "人大建议")], chosen.get("assembly")),
        "session": _options([(s["id"], s["label"]) for s in c["sessions"]], chosen.get("session")),
        # Both assemblies have a 经济 and a 综合: the assembly says which.
        "category": _options([(x["id"], f"{'政协' if x['assembly'] == 'cppcc' else '人大'} · {x['name']}") for x in c["categories"]],
                             chosen.get("category")),
        "unit": _options([(u["id"], u["name"]) for u in c["units"]], chosen.get("unit")),
        "reply_type": _options([(t["code"], f"{t['code']}类 {t['name']}") for t in c["reply_types"]], chosen.get("reply_type")),
    }


@require_safe
@cached(_lists)
def item_list(request):
    page = selectors.item_list(request.GET)
    kept = {k: request.GET[k] for k in FILTERS if request.GET.get(k)}
    return render(request, "portal/list.html", {
        "page": page, "options": filter_options(kept), "chosen": kept,
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
