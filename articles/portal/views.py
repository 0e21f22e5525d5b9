"""Public pages: each view asks articles.portal.selectors for its data and renders it."""

from datetime import MAXYEAR, MINYEAR

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.views.decorators.http import require_GET, require_http_methods

from archive.clients import client_address
from articles.models import Article, Column, Province
from articles.portal import people, selectors
from articles.portal.forms import ReaderReportForm
from articles.querysets import bylines_of


def reports_per_hour() -> int:
    return getattr(settings, "READER_REPORTS_PER_HOUR", 10)


@require_GET
def home(request):
    return render(
        request,
        "articles/home.html",
        {
            "issues": selectors.latest_issues(),
            "columns": selectors.columns_with_recent(),
            "counts": selectors.archive_counts(),
        },
    )


@require_GET
def issue_list(request, year=None, month=None):
    if year is not None and not MINYEAR <= year <= MAXYEAR:
        raise Http404("没有这一年。")
    if month is not None and not 1 <= month <= 12:
        raise Http404("没有这个月份。")
    issues = selectors.dated_issues(year, month) if year else None
    if year and not issues:
        raise Http404("这段时间没有版面。")
    return render(
        request,
        "articles/issue_list.html",
        {
            "year": year,
            "month": month,
            "calendar": selectors.issue_calendar(year),
            "issues": issues,
            "undated": None if year else selectors.undated_issues(),
        },
    )


@require_GET
def issue_detail(request, pk):
    issue = selectors.public_issue(pk)
    previous, following = selectors.issue_neighbours(issue)
    return render(
        request,
        "articles/issue_detail.html",
        {
            "issue": issue,
            "groups": selectors.issue_toc(issue),
            "previous": previous,
            "following": following,
        },
    )


@require_GET
def column_list(request):
    return render(
        request, "articles/column_list.html", {"columns": selectors.column_list()}
    )


@require_GET
def column_detail(request, slug):
    column = get_object_or_404(Column, slug=slug)
    page = selectors.paginate(
        selectors.column_articles(column), request.GET.get("page")
    )
    return render(
        request, "articles/column_detail.html", {"column": column, "page": page}
    )


@require_GET
def article_detail(request, pk):
    article = selectors.public_article(pk)
    return render_article(request, article, ReaderReportForm(article=article))


def render_article(
    request, article: Article, form: ReaderReportForm, status: int = 200
):
    authorships = bylines_of(article)
    earlier, later = selectors.column_neighbours(article)
    by_kind = {
        c: [a for a in authorships if a.contribution == c]
        for c in ("author", "credit", "quoted")
    }
    pages = selectors.people_with_pages(by_kind["quoted"])
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "authors": by_kind["author"],
            "credits": by_kind["credit"],
            "quoted": by_kind["quoted"],
            "quoted_authors_with_pages": pages.authors,
            "quoted_places_with_pages": pages.affiliations,
            "earlier": earlier,
            "later": later,
            "related": selectors.related_articles(article, authorships),
            "form": form,
        },
        status=status,
    )


def client_hash(request) -> str:
    """A salted digest of the client address: enough to rate-limit, useless to identify."""
    address = client_address(request)
    return salted_hmac(
        "articles.reader-report", address, algorithm="sha256"
    ).hexdigest()


@require_http_methods(["GET", "POST"])
def report_error(request, pk):
    article = selectors.public_article(pk)
    if request.method == "GET":
        form = ReaderReportForm(
            article=article,
            initial={"selected_text": request.GET.get("text", "")[:500]},
        )
        return render_article(request, article, form)
    client = client_hash(request)
    if selectors.recent_report_count(client) >= reports_per_hour():
        response = render(
            request,
            "articles/report_rate_limited.html",
            {"article": article, "limit": reports_per_hour()},
            status=429,
        )
        response["Retry-After"] = "3600"
        return response
    form = ReaderReportForm(request.POST, article=article)
    if not form.is_valid():
        return render_article(request, article, form, status=400)
    report = form.save(commit=False)
    report.client_hash = client
    report.save()
    messages.success(request, "谢谢指正！您的纠错已送交编辑，核实后会更正本文。")
    return redirect(f"{article.get_absolute_url()}#report")


@require_GET
def author_list(request):
    initial = request.GET.get("initial", "").upper()
    if len(initial) != 1 or not initial.isascii() or not initial.isalpha():
        initial = ""
    sort = people.name_sort(request.GET.get("sort"))
    page = selectors.paginate(
        people.author_index(initial, sort),
        request.GET.get("page"),
        people.AUTHORS_PAGE_SIZE,
    )
    return render(
        request,
        "articles/author_list.html",
        {
            "page": page,
            "initial": initial,
            "initials": people.author_initials(),
            "sort": sort,
            "sorts": people.NAME_SORTS,
        },
    )


@require_GET
def author_detail(request, pk):
    return render(
        request, "articles/author_detail.html", {"data": people.author_page(pk)}
    )


@require_GET
def affiliation_list(request):
    return render(
        request,
        "articles/affiliation_list.html",
        {"affiliations": people.affiliation_index()},
    )


@require_GET
def affiliation_detail(request, pk):
    affiliation = people.public_affiliation(pk)
    page = selectors.paginate(
        people.articles_through(affiliation=affiliation), request.GET.get("page")
    )
    return render(
        request,
        "articles/affiliation_detail.html",
        {
            "affiliation": affiliation,
            "authors": people.authors_through(affiliation=affiliation),
            "page": page,
        },
    )


@require_GET
def province_list(request):
    provinces = people.province_index()
    return render(
        request,
        "articles/province_list.html",
        {
            "provinces": provinces,
            "with_articles": [p for p in provinces if p.article_count],
            "unplaced": people.articles_without_province(),
        },
    )


@require_GET
def province_detail(request, short_name):
    if "\x00" in short_name:  # no name holds one; PostgreSQL refuses it in a query
        raise Http404("没有这个省份。")
    province = get_object_or_404(Province, short_name=short_name)
    page = selectors.paginate(
        people.articles_through(affiliation__province=province), request.GET.get("page")
    )
    return render(
        request,
        "articles/province_detail.html",
        {
            "province": province,
            "affiliations": people.province_affiliations(province),
            "authors": people.authors_through(affiliation__province=province),
            "page": page,
        },
    )


@require_GET
def robots_txt(request):
    return render(
        request,
        "robots.txt",
        {"sitemap_url": request.build_absolute_uri(reverse("sitemap"))},
        content_type="text/plain; charset=utf-8",
    )
