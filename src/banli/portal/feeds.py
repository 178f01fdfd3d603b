"""Atom feeds of new publications: all, per handling unit, per category (with its
sub-categories). Each entry is one published item, dated by its publication; its summary is the
item's 建议 and its units, all of them public (rules.py)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.utils.feedgenerator import Atom1Feed

from banli.errors import not_found
from banli.org.models import Category, Unit

from . import rules
from .selectors import _attach_units, label, record_id

ENTRIES = 50


def _entries(qs) -> list[dict]:
    rows = list(qs.values(*rules.ITEM_FIELDS)[:ENTRIES])
    _attach_units(rows)
    for row in rows:
        row["label"] = label(row)
    return rows


def _object(model, pk):
    found = model.objects.filter(pk=record_id(pk)).values("id", "name").first()
    if found is None:
        raise not_found()
    return found


class PublicationsFeed(Feed):
    feed_type = Atom1Feed
    title = "建议提案办理结果公开"
    link = "/public/"
    subtitle = "新公开的建议、提案及其答复"

    def items(self):
        return _entries(rules.public_items())

    def item_title(self, row):
        return f"{row['label']} {row['title']}"

    def item_description(self, row):
        units = "、".join(u["name"] for u in row["units"])
        return f"{row['suggestions'][:300]}（承办单位：{units}）" if units else row["suggestions"][:300]

    def item_link(self, row):
        return f"/public/items/{row['id']}/"

    def item_pubdate(self, row):
        return row["published_at"]

    def item_updateddate(self, row):
        return row["published_at"]

    def item_categories(self, row):
        return [row["category__name"]] if row["category__name"] else []


class UnitFeed(PublicationsFeed):
    def get_object(self, request, unit_id):
        return _object(Unit, unit_id)

    def title(self, unit):
        return f"{unit['name']} · 建议提案办理结果公开"

    def link(self, unit):
        return f"/public/units/{unit['id']}/"

    def items(self, unit):
        return _entries(rules.public_items().filter(pk__in=rules.published_assignments().filter(unit_id=unit["id"]).values("item_id")))


class CategoryFeed(PublicationsFeed):
    def get_object(self, request, category_id):
        return _object(Category, category_id)

    def title(self, category):
        return f"{category['name']} · 建议提案办理结果公开"

    def link(self, category):
        return f"/public/?category={category['id']}"

    def items(self, category):
        return _entries(rules.public_items().filter(Q(category_id=category["id"]) | Q(category__parent_id=category["id"])))
