"""Public page-scan URLs at scans/: derivative images and the 查看原版 pages."""

from django.urls import path, re_path

from archive.scans import views as scan_views

app_name = "scans"

urlpatterns = [
    re_path(
        r"^(?P<pk>[0-9]+)/(?P<kind>web|zoom|thumb)\.jpg$",
        scan_views.scan_image,
        name="image",
    ),
    path("article/<int:pk>/", scan_views.article_original, name="article"),
    path("article/<int:pk>/region.jpg", scan_views.region_image, name="region_image"),
    path("issue/<int:pk>/", scan_views.issue_original, name="issue"),
]
