"""sitemap.xml sections: only what readers may see, through the same public querysets."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from archive.models import Issue
from articles.models import Affiliation, Article, Author, Column, Province


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Article.objects.public().only("pk", "updated_at").order_by("pk")

    def lastmod(self, article):
        return article.updated_at


class IssueSitemap(Sitemap):
    changefreq = "yearly"

    def items(self):
        return Issue.objects.public().only("pk").order_by("pk")


class ColumnSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Column.objects.order_by("order", "pk")


class AuthorSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return Author.objects.public().only("pk").order_by("pk")


class AffiliationSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return Affiliation.objects.public().only("pk").order_by("pk")


class ProvinceSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return Province.objects.public().order_by("code")


class PortalSitemap(Sitemap):
    """The index pages that have no model behind them."""

    changefreq = "daily"
    priority = 0.6

    def items(self):
        return [
            "articles:home",
            "articles:issue_list",
            "articles:column_list",
            "articles:author_list",
            "articles:affiliation_list",
            "articles:province_list",
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "portal": PortalSitemap,
    "issues": IssueSitemap,
    "columns": ColumnSitemap,
    "articles": ArticleSitemap,
    "authors": AuthorSitemap,
    "affiliations": AffiliationSitemap,
    "provinces": ProvinceSitemap,
}
