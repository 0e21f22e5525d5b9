"""Public portal URLs: stable, readable, in one place."""

from django.urls import path

from articles.portal import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("issues/", views.issue_list, name="issue_list"),
    path("issues/<int:year>/", views.issue_list, name="issue_year"),
    path("issues/<int:year>/<int:month>/", views.issue_list, name="issue_month"),
    path("issue/<int:pk>/", views.issue_detail, name="issue_detail"),
    path("columns/", views.column_list, name="column_list"),
    path("columns/<slug:slug>/", views.column_detail, name="column_detail"),
    path("article/<int:pk>/", views.article_detail, name="article_detail"),
    path("article/<int:pk>/report/", views.report_error, name="report_error"),
    path("authors/", views.author_list, name="author_list"),
    path("authors/<int:pk>/", views.author_detail, name="author_detail"),
    path("affiliations/", views.affiliation_list, name="affiliation_list"),
    path("affiliations/<int:pk>/", views.affiliation_detail, name="affiliation_detail"),
    path("provinces/", views.province_list, name="province_list"),
    path("provinces/<str:short_name>/", views.province_detail, name="province_detail"),
]
