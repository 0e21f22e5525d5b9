"""Search URLs (owned by the search feature)."""

from django.urls import path

from articles import search_views

app_name = "search"

urlpatterns = [path("", search_views.search, name="search")]
