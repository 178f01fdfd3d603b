"""The public site's addresses. Every answer goes through cache.public (Chinese, the site's own
error page); those that show publications are cached by what they show (cache.cached)."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from . import data, feeds, views
from .cache import LISTS, cached, public
from .sitemaps import SITEMAPS

app_name = "portal"


def lists(request, *args, **kwargs):
    return [LISTS]


urlpatterns = [
    path("", public(views.item_list), name="list"),
    path("items/<int:item_id>/", public(views.item_page), name="item"),
    path("units/<int:unit_id>/", public(views.unit_page), name="unit"),
    path("figures/", public(views.figures_index), name="figures"),
    path("figures/<int:session_id>/", public(views.session_figures), name="session-figures"),
    path("feeds/", public(cached(lists)(feeds.PublicationsFeed())), name="feed"),
    path("feeds/units/<int:unit_id>/", public(cached(lambda request, unit_id: [f"unit:{unit_id}"])(feeds.UnitFeed())), name="unit-feed"),
    path("feeds/categories/<int:category_id>/",
         public(cached(lambda request, category_id: [f"category:{category_id}"])(feeds.CategoryFeed())), name="category-feed"),
    path("data/", public(views.open_data), name="data"),
    path("data/items.json", public(data.items_json), name="items-json"),
    path("data/items.csv", public(data.items_csv), name="items-csv"),
    path("data/figures/<int:session_id>.json", public(data.figures_json), name="figures-json"),
    path("data/figures/<int:session_id>.csv", public(data.figures_csv), name="figures-csv"),
    path("sitemap.xml", public(cached(lists)(sitemap_views.index)), {"sitemaps": SITEMAPS, "sitemap_url_name": "portal:sitemap-section"},
         name="sitemap"),
    path("sitemap-<section>.xml", public(cached(lists)(sitemap_views.sitemap)), {"sitemaps": SITEMAPS}, name="sitemap-section"),
]
