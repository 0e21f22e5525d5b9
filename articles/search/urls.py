"""Search URLs (owned by the search feature)."""

from django.urls import path

from articles.search import views

app_name = "search"

urlpatterns = [path("", views.search, name="search")]
