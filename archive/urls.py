"""Top-level URL map: admin, search, research tools, open interfaces, public portal."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("search/", include("articles.search_urls")),
    path("", include("articles.research_urls")),
    path("", include("articles.urls")),
]
