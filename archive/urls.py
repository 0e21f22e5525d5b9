"""Top-level URL map: admin, search, research tools and open interfaces, scans, robots.txt
and sitemap.xml, public portal.

Crosses into articles: the project's URL map names every app's pages, the sitemaps and
robots.txt of articles.portal included.
"""

from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles.portal.sitemaps import SITEMAPS
from articles.portal.views import robots_txt

urlpatterns = [
    path("admin/", admin.site.urls),
    path("search/", include("articles.search.urls")),
    path("robots.txt", robots_txt, name="robots_txt"),
    # An index pointing at one sitemap per section keeps each file small as the archive grows.
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("scans/", include("archive.scans.urls")),
    path("", include("articles.research.urls")),
    path("", include("articles.urls")),
]
