"""Researcher tools and open interfaces: filtered lists, exports, charts, API, OAI-PMH, feeds."""

from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from articles.research import api, feeds
from articles.research import views as research_views

app_name = "research"

router = DefaultRouter()
router.APIRootView = api.ApiRoot
router.register("articles", api.ArticleViewSet, basename="api-article")
router.register("authors", api.AuthorViewSet, basename="api-author")
router.register("affiliations", api.AffiliationViewSet, basename="api-affiliation")
router.register("provinces", api.ProvinceViewSet, basename="api-province")
router.register("columns", api.ColumnViewSet, basename="api-column")
router.register("issues", api.IssueViewSet, basename="api-issue")

urlpatterns = [
    path("articles/", research_views.article_list, name="article_list"),
    path("articles/export.<str:fmt>", research_views.export_list, name="export_list"),
    path(
        "article/<int:pk>/cite.<str:fmt>",
        research_views.cite_article,
        name="cite_article",
    ),
    path("charts/", research_views.chart_page, name="charts"),
    path("charts/authors/<int:pk>/", research_views.author_chart, name="author_chart"),
    path(
        "charts/authors/<int:pk>.json",
        research_views.author_chart_data,
        name="author_chart_data",
    ),
    # Retired for the portal's /authors/ (the same rows and orders): a 301 there.
    path("research/authors/", research_views.author_list, name="author_list"),
    path(
        "research/affiliations/",
        research_views.affiliation_list,
        name="affiliation_list",
    ),
    path("downloads/", research_views.downloads, name="downloads"),
    path("downloads/<str:name>", research_views.download_file, name="download_file"),
    path("oai", research_views.oai_endpoint, name="oai"),
    path("feeds/articles.rss", feeds.ArticlesRss(), name="feed_rss"),
    path("feeds/articles.atom", feeds.ArticlesAtom(), name="feed_atom"),
    path("feeds/columns/<slug:slug>.rss", feeds.ColumnRss(), name="column_feed_rss"),
    path("feeds/columns/<slug:slug>.atom", feeds.ColumnAtom(), name="column_feed_atom"),
    path("api/schema/", api.SchemaView.as_view(), name="api_schema"),
    path("api/docs/", api.api_docs, name="api_docs"),
    path("api/docs/swagger/", api.SwaggerView.as_view(), name="api_swagger"),
    path("api/", include(router.urls)),
    re_path(r"^api/", api.NotFoundView.as_view(), name="api_not_found"),
]
