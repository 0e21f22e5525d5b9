"""Researcher pages: the filtered list, exports and citations, charts, the institution list
(the retired author list redirects), downloads."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from archive.site import absolute_url
from articles.models import Article, Author
from articles.portal import people
from articles.research import (
    bundle,
    charts,
    exports,
    facets,
    filtering,
    oai,
    ranges,
    tallies,
)

PAGE_SIZES = (20, 50, 100)
NAME_PAGE_SIZE = 100


def page_size(request) -> int:
    try:
        size = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


def on_site(request):
    """Paths to absolute URLs under SITE_URL (else this request's host)."""
    return partial(absolute_url, request=request)


def canonical_redirect(request, params: filtering.FilterParams, **extra):
    """A permanent redirect to the shared vocabulary's spelling of an older URL."""
    query = params.querystring(**extra)
    return redirect(
        f"{request.path}?{query}" if query else request.path, permanent=True
    )


@require_GET
def article_list(request):
    params = filtering.parse_params(request.GET)
    if params.outdated:
        return canonical_redirect(request, params, per_page=request.GET.get("per_page"))
    per_page = page_size(request)
    page = Paginator(filtering.article_results(params), per_page).get_page(
        request.GET.get("page")
    )
    counts = facets.facet_counts(params)
    extra = {"per_page": per_page} if per_page != PAGE_SIZES[0] else {}
    return render(
        request,
        "research/article_list.html",
        {
            "params": params,
            "page": page,
            "facets": counts,
            "active": facets.active_filters(params, counts),
            "sorts": filtering.SORTS,
            "page_sizes": PAGE_SIZES,
            "per_page": per_page,
            "querystring": params.querystring(**extra),
            "export_query": params.querystring(),
            "formats": [
                (key, exports.FORMATS[key].label) for key in exports.LIST_FORMATS
            ],
        },
    )


def export_response(chunks, fmt: str, filename: str) -> StreamingHttpResponse:
    spec = exports.FORMATS[fmt]
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in chunks), content_type=spec.content_type
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{filename}.{spec.extension}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def export_list(request, fmt):
    if fmt not in exports.FORMATS:
        raise Http404("不支持这种导出格式。")
    params = filtering.parse_params(request.GET)
    if params.outdated:
        return canonical_redirect(request, params)
    results = filtering.article_results(params)
    chunks = exports.export(filtering.iterate(results), fmt, on_site(request))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return export_response(chunks, fmt, f"articles-{stamp}")


@require_GET
def cite_article(request, pk, fmt):
    if fmt not in exports.FORMATS:
        raise Http404("不支持这种导出格式。")
    article = get_object_or_404(Article.objects.public().for_listing(), pk=pk)
    chunks = exports.export([article], fmt, on_site(request))
    return export_response(chunks, fmt, f"article-{article.pk}")


# ---------------------------------------------------------------- charts


@require_GET
def chart_page(request):
    params = filtering.parse_params(request.GET)
    if params.outdated:
        return canonical_redirect(request, params)
    years = charts.years_by_column(params)
    provinces = charts.by_province(params)
    return render(
        request,
        "research/charts.html",
        {
            "params": params,
            "active": facets.active_filters(params, {}),
            "list_query": params.querystring(),
            "years": years,
            "year_rows": charts.table_rows(years),
            "provinces": provinces,
            "province_rows": charts.table_rows(provinces),
        },
    )


@require_GET
def author_chart(request, pk):
    author = get_object_or_404(Author.objects.public(), pk=pk)
    data = charts.author_timeline(author.pk)
    return render(
        request,
        "research/author_chart.html",
        {"author": author, "data": data, "rows": charts.table_rows(data)},
    )


@require_GET
def author_chart_data(request, pk):
    author = get_object_or_404(Author.objects.public(), pk=pk)
    data = charts.author_timeline(author.pk)
    return JsonResponse({"author": {"id": author.pk, "name": author.name}, **data})


# ---------------------------------------------------------------- people and institutions


@require_GET
def author_list(request):
    """Retired: the portal's /authors/ lists the same people in the same orders, so
    this address sends readers there for good, in the order and at the rows it showed."""
    query = {}
    if request.GET.get("sort") in tallies.NAME_SORTS:
        query["sort"] = request.GET["sort"]
    page = request.GET.get("page", "")
    # A page number is a few digits; anything longer is no page this list ever had.
    if page.isascii() and page.isdigit() and len(page) <= 9 and int(page) > 1:
        first_row = (int(page) - 1) * NAME_PAGE_SIZE
        query["page"] = first_row // people.AUTHORS_PAGE_SIZE + 1
    target = reverse("articles:author_list")
    return redirect(f"{target}?{urlencode(query)}" if query else target, permanent=True)


@require_GET
def affiliation_list(request):
    sort = people.name_sort(request.GET.get("sort"))
    page = Paginator(tallies.affiliation_rows(sort), NAME_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "research/affiliation_list.html",
        {"page": page, "sort": sort, "sorts": tallies.NAME_SORTS},
    )


# ---------------------------------------------------------------- bulk downloads


@require_GET
def downloads(request):
    return render(
        request, "research/downloads.html", {"files": bundle.download_listing()}
    )


@require_GET
def download_file(request, name):
    # Only names the exporter writes, looked up among the files it wrote: no path from the URL.
    zip_name = name.removesuffix(bundle.CHECKSUM)
    match = next((p for p in bundle.published_exports() if p.name == zip_name), None)
    if match is None or not bundle.EXPORT_NAME.match(zip_name):
        raise Http404("没有这个文件。")
    if bundle.withdrawn_from(match):
        raise Http404("这个全文包含有已撤下的文章，重新导出之前暂不提供下载。")
    if name != zip_name:
        checksum = Path(f"{match}{bundle.CHECKSUM}")
        if not checksum.is_file():
            raise Http404("没有这个文件。")
        return ranges.ranged_file_response(
            request, checksum, content_type="text/plain; charset=utf-8", filename=name
        )
    return ranges.ranged_file_response(
        request, match, content_type="application/zip", filename=match.name
    )


# ---------------------------------------------------------------- OAI-PMH


@csrf_exempt  # harvesters may POST (the protocol allows it); nothing is changed
@require_http_methods(["GET", "POST", "HEAD"])
def oai_endpoint(request):
    data = request.POST if request.method == "POST" else request.GET
    args = {name: data.getlist(name) for name in data}
    body = oai.respond(args, absolute_url(request.path, request), on_site(request))
    return HttpResponse(body, content_type="text/xml; charset=utf-8")
