"""Top-level URL map: admin, search, public portal."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "理论版档案 · 编辑后台"
admin.site.site_title = "理论版档案后台"
admin.site.index_title = "校对与管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("search/", include("articles.search_urls")),
    path("", include("articles.urls")),
]
