"""Public portal URLs: stable, readable, in one place."""

from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("issues/<int:pk>/", views.issue_detail, name="issue_detail"),
    path("columns/<slug:slug>/", views.column_detail, name="column_detail"),
    path("article/<int:pk>/", views.article_detail, name="article_detail"),
    path("authors/<int:pk>/", views.author_detail, name="author_detail"),
    path("affiliations/<int:pk>/", views.affiliation_detail, name="affiliation_detail"),
    path("provinces/<str:short_name>/", views.province_detail, name="province_detail"),
]
