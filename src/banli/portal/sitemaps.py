"""The sitemap of the public site (for search engines and the government site's own index):
every published item, the units that answered one, the figures of each closed session."""

from django.contrib.sitemaps import Sitemap

from banli.org.models import Unit

from . import rules, selectors


class ItemsSitemap(Sitemap):
    changefreq = "monthly"
    limit = 10000

    def items(self):
        return rules.public_items().values_list("id", "published_at")

    def location(self, row):
        return f"/public/items/{row[0]}/"

    def lastmod(self, row):
        return row[1]


class UnitsSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return list(Unit.objects.filter(pk__in=rules.published_assignments().values("unit_id")).order_by("id").values_list("id", flat=True))

    def location(self, unit_id):
        return f"/public/units/{unit_id}/"


class PagesSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["/public/", "/public/figures/", "/public/data/"] + [f"/public/figures/{s['id']}/" for s in selectors.closed_sessions()]

    def location(self, path):
        return path


SITEMAPS = {"items": ItemsSitemap, "units": UnitsSitemap, "pages": PagesSitemap}
