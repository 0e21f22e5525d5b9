"""Read-only JSON API over public data: articles (filtered like /articles/), people, places, columns, issues."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db.models import Count, F, Max, Q
from django.shortcuts import get_object_or_404, render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.routers import APIRootView
from rest_framework.throttling import AnonRateThrottle

from archive.models import Issue
from articles.models import Affiliation, Article, Column, Province
from articles.research import api_serializers as s
from articles.research import filtering
from articles.research.exports import revision_annotations


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous clients, per address, at settings.API_ANON_RATE (read at each request,
    so a deployment or a test can change it without a restart)."""

    def get_rate(self):
        return settings.API_ANON_RATE


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"

    def get_paginated_response_schema(self, schema):
        # DRF describes next/previous in OpenAPI 3.0 terms (nullable); the schema is 3.1.
        page = super().get_paginated_response_schema(schema)
        for name in ("next", "previous"):
            link = page["properties"][name]
            link.pop("nullable", None)
            link["type"] = ["string", "null"]
        return page

    def get_page_size(self, request):
        self.page_size = settings.API_PAGE_SIZE
        self.max_page_size = settings.API_MAX_PAGE_SIZE
        return super().get_page_size(request)


class ConditionalMixin:
    """Throttled and paginated, with an ETag (a hash of the JSON) and, where known,
    Last-Modified; a client that already has the same response gets 304."""

    throttle_classes = [AnonymousThrottle]
    pagination_class = Pagination

    def last_modified(self):
        return None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:40])
        response["ETag"] = etag
        modified = self.last_modified()
        timestamp = int(modified.timestamp()) if modified else None
        if timestamp:
            response["Last-Modified"] = http_date(timestamp)
        # Clients and caches must check with us before reusing a stored copy.
        response["Cache-Control"] = "public, max-age=0, must-revalidate"
        return get_conditional_response(
            request, etag=etag, last_modified=timestamp, response=response
        )


FILTER_PARAMETERS = [
    OpenApiParameter(
        "author", OpenApiTypes.INT, description="作者编号（署名或策划、整理）"
    ),
    OpenApiParameter("affiliation", OpenApiTypes.INT, description="作者单位编号"),
    OpenApiParameter(
        "province", OpenApiTypes.STR, description="作者单位所在省份简称，如“山东”"
    ),
    OpenApiParameter("column", OpenApiTypes.STR, description="栏目名称或网址名"),
    OpenApiParameter(
        "kind", OpenApiTypes.STR, enum=Article.Kind.values, description="体裁"
    ),
    OpenApiParameter(
        "status", OpenApiTypes.STR, enum=Article.Status.values, description="校对状态"
    ),
    OpenApiParameter("year_from", OpenApiTypes.INT, description="起始出版年份（含）"),
    OpenApiParameter("year_to", OpenApiTypes.INT, description="截止出版年份（含）"),
    OpenApiParameter("q", OpenApiTypes.STR, description="关键词（经全文检索）"),
    OpenApiParameter(
        "sort",
        OpenApiTypes.STR,
        enum=list(filtering.SORTS),
        description="排序，默认 -date",
    ),
]
INCLUDE_PARAMETER = OpenApiParameter(
    "include",
    OpenApiTypes.STR,
    enum=["ocr"],
    description="include=ocr 时同时返回原始 OCR 文本",
)


@extend_schema_view(
    list=extend_schema(
        summary="文章列表（可组合筛选）",
        parameters=FILTER_PARAMETERS,
        responses={
            200: s.ArticleSerializer(many=True),
            400: OpenApiResponse(description="筛选参数无效"),
        },
    ),
    retrieve=extend_schema(
        summary="文章详情（校对后正文；include=ocr 时含原始 OCR）",
        parameters=[INCLUDE_PARAMETER],
        responses=s.ArticleDetailSerializer,
    ),
)
class ArticleViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ArticleSerializer
    queryset = Article.objects.none()  # for the schema's model introspection only

    def params(self) -> filtering.FilterParams:
        if not hasattr(self, "_params"):
            self._params = filtering.parse_params(self.request.query_params)
        if self._params.errors:
            raise ValidationError(self._params.errors)
        return self._params

    def get_queryset(self):
        if self.action == "retrieve":
            return (
                Article.objects.public()
                .for_listing()
                .annotate(**revision_annotations())
            )
        params = self.params()
        articles = filtering.filter_articles(params).annotate(**revision_annotations())
        return filtering.sort_articles(articles, params.sort)

    def get_object(self):
        article = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        self.article = article
        return article

    def get_serializer(self, *args, **kwargs):
        if self.action == "retrieve":
            include = self.request.query_params.get("include", "")
            kwargs["include_ocr"] = "ocr" in include.split(",")
            return s.ArticleDetailSerializer(
                *args, context=self.get_serializer_context(), **kwargs
            )
        return super().get_serializer(*args, **kwargs)

    def last_modified(self):
        if self.action == "retrieve":
            article = getattr(self, "article", None)
            return article.updated_at if article else None
        return filtering.filter_articles(self.params()).aggregate(m=Max("updated_at"))[
            "m"
        ]


@extend_schema_view(
    list=extend_schema(
        summary="作者列表（按拼音）",
        parameters=[
            OpenApiParameter("sort", OpenApiTypes.STR, enum=["pinyin", "count"])
        ],
    ),
    retrieve=extend_schema(summary="作者"),
)
class AuthorViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.AuthorSerializer

    def get_queryset(self):
        sort = self.request.query_params.get("sort", "pinyin")
        return filtering.author_rows("count" if sort == "count" else "pinyin")


@extend_schema_view(
    list=extend_schema(
        summary="作者单位列表",
        parameters=[
            OpenApiParameter("sort", OpenApiTypes.STR, enum=["pinyin", "count"])
        ],
    ),
    retrieve=extend_schema(
        summary="作者单位",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
    ),
)
class AffiliationViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.AffiliationSerializer

    def get_queryset(self):
        sort = self.request.query_params.get("sort", "pinyin")
        return filtering.affiliation_rows("count" if sort == "count" else "pinyin")

    def get_object(self):
        return get_object_or_404(
            Affiliation.objects.with_counts(), pk=self.kwargs["pk"]
        )


def province_rows():
    return Province.objects.with_counts().order_by("code")


@extend_schema_view(
    list=extend_schema(summary="省级行政区及其文章数"),
    retrieve=extend_schema(summary="省级行政区"),
)
class ProvinceViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ProvinceSerializer
    lookup_field = "code"
    pagination_class = None  # 34 rows

    def get_queryset(self):
        return province_rows()


@extend_schema_view(
    list=extend_schema(summary="栏目及其文章数"), retrieve=extend_schema(summary="栏目")
)
class ColumnViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ColumnSerializer
    lookup_field = "slug"
    pagination_class = None

    def get_queryset(self):
        return Column.objects.annotate(
            article_count=Count(
                "articles", filter=Q(articles__in=Article.objects.public())
            )
        ).order_by("order", "name")


@extend_schema_view(
    list=extend_schema(summary="版面（有公开文章的）"),
    retrieve=extend_schema(summary="版面"),
)
class IssueViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.IssueSerializer

    def get_queryset(self):
        return (
            Issue.objects.public()
            .defer("raw_bytes", "raw_text")
            .annotate(
                article_count=Count(
                    "articles", filter=Q(articles__in=Article.objects.public())
                )
            )
            .order_by(F("publication_date").desc(nulls_last=True), "-number", "-id")
        )


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar package, its start-up script served as a file (CSP)."""

    template_name = "api/swagger_ui.html"
    url_name = "research:api_schema"
    throttle_classes = [AnonymousThrottle]


class SchemaView(SpectacularAPIView):
    throttle_classes = [AnonymousThrottle]


class ApiRoot(APIRootView):
    """/api/: links to every list."""

    throttle_classes = [AnonymousThrottle]


def api_docs(request):
    return render(request, "api/docs.html", {"filters": FILTER_PARAMETERS})
