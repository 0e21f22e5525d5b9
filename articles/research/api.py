"""Read-only JSON API over public data: articles (filtered like /articles/), people, places,
columns, issues."""

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
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.routers import APIRootView
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from archive.clients import client_address
from archive.models import Issue
from articles.models import Affiliation, Article, Column, Province
from articles.research import api_serializers as s
from articles.research import filtering, tallies
from articles.research.api_schema import (
    CHOSEN,
    FILTER_PARAMETERS,
    INCLUDE_PARAMETER,
    MAX_ID,
)
from articles.research.exports import revision_annotations


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous clients, per address, at settings.API_ANON_RATE (read at each request,
    so a deployment or a test can change it without a restart)."""

    def get_rate(self):
        return settings.API_ANON_RATE

    def get_ident(self, request):
        return client_address(request)


def whole_number(request, name: str, default: int, top: int) -> int:
    """A query parameter that must be a whole number from 1 to `top` (else 400)."""
    value = request.query_params.get(name)
    if value is None:
        return default
    digits = value.isascii() and value.isdigit() and len(value) <= len(str(top))
    if not (digits and 1 <= int(value) <= top):
        raise ValidationError({name: f"应为 1 到 {top} 之间的整数。"})
    return int(value)


class Pagination(PageNumberPagination):
    """Pages of API_PAGE_SIZE (page_size= up to API_MAX_PAGE_SIZE); a page number or
    size outside what the schema states is refused (400), a page past the end is 404."""

    page_size_query_param = "page_size"
    invalid_page_message = "没有这一页。"

    def get_paginated_response_schema(self, schema):
        # DRF describes next/previous in OpenAPI 3.0 terms (nullable); the schema is 3.1.
        page = super().get_paginated_response_schema(schema)
        for name in ("next", "previous"):
            link = page["properties"][name]
            link.pop("nullable", None)
            link["type"] = ["string", "null"]
        return page

    def get_schema_operation_parameters(self, view):
        bounds = {
            self.page_query_param: {"minimum": 1, "maximum": MAX_ID},
            self.page_size_query_param: {
                "minimum": 1,
                "maximum": settings.API_MAX_PAGE_SIZE,
            },
        }
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters

    def get_page_size(self, request):
        top = settings.API_MAX_PAGE_SIZE
        return whole_number(
            request, self.page_size_query_param, settings.API_PAGE_SIZE, top
        )

    def get_page_number(self, request, paginator):
        return whole_number(request, self.page_query_param, 1, MAX_ID)


class ConditionalMixin:
    """Throttled and paginated, with an ETag (a hash of the JSON) and, where known,
    Last-Modified; a client that already has the same response gets 304."""

    throttle_classes = [AnonymousThrottle]
    pagination_class = Pagination
    # Ids are numbers: anything else is no URL of ours (404), never a failed lookup.
    lookup_value_regex = "[0-9]+"

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


@extend_schema_view(
    list=extend_schema(
        summary="文章列表（可组合筛选）",
        parameters=FILTER_PARAMETERS,
        responses=s.ArticleSerializer(many=True),
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
            query = self.request.query_params
            self._params = filtering.parse_params(query)
            # The HTML list reads a blank field as "any"; the API says what it takes.
            for name in CHOSEN:
                if name in query and not query[name].strip():
                    self._params.errors[name] = "参数不能为空。"
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
            include = self.request.query_params.get("include")
            if include not in (None, "ocr"):
                raise ValidationError({"include": "只支持 include=ocr。"})
            kwargs["include_ocr"] = include == "ocr"
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


NAME_SORTS = tuple(tallies.NAME_SORTS)
NAME_SORT = OpenApiParameter(
    "sort", OpenApiTypes.STR, enum=NAME_SORTS, description="排序，默认 pinyin"
)


def sort_of(view) -> str:
    """A list of people or places by pinyin (default) or article count; else 400."""
    if view.action != "list":
        return NAME_SORTS[0]
    sort = view.request.query_params.get("sort", NAME_SORTS[0])
    if sort not in NAME_SORTS:
        raise ValidationError({"sort": "排序只能是 pinyin 或 count。"})
    return sort


@extend_schema_view(
    list=extend_schema(
        summary="作者列表（按拼音）",
        parameters=[NAME_SORT],
    ),
    retrieve=extend_schema(summary="作者"),
)
class AuthorViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.AuthorSerializer

    def get_queryset(self):
        return tallies.author_rows(sort_of(self))


@extend_schema_view(
    list=extend_schema(
        summary="作者单位列表",
        parameters=[NAME_SORT],
    ),
    retrieve=extend_schema(
        summary="作者单位",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
    ),
)
class AffiliationViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.AffiliationSerializer

    def get_queryset(self):
        return tallies.affiliation_rows(sort_of(self))

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
    lookup_value_regex = "[-a-zA-Z0-9_]+"
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


class NotFoundView(APIView):
    """Any other address under /api/ (an id that is not a number, say): JSON 404."""

    throttle_classes = [AnonymousThrottle]
    schema = None  # not an operation

    def get(self, request, *args, **kwargs):
        raise NotFound("没有这个接口或对象。")


class ApiRoot(APIRootView):
    """/api/: links to every list."""

    throttle_classes = [AnonymousThrottle]


def api_docs(request):
    return render(request, "api/docs.html", {"filters": FILTER_PARAMETERS})
