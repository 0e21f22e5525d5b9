"""Reads for the portal's people and places: authors, institutions, provinces."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, QuerySet, prefetch_related_objects
from django.db.models.functions import Substr, Upper
from django.shortcuts import get_object_or_404

from articles.models import Affiliation, Article, Author, Authorship, Province
from articles.pinyin import text_sort_key
from articles.portal.selectors import public_articles
from articles.querysets import bylines_prefetch, newest_first, public_article_count
from articles.research.tallies import (
    NAME_SORTS,
    affiliation_rows,
    author_rows,
    without_province,
)

AUTHORS_PAGE_SIZE = 150


def authors_through(**lookups) -> list[Author]:
    """People responsible for public articles as members of an institution or a place
    (`affiliation=…`, `affiliation__province=…`), with their public article count."""
    return list(
        Author.objects.filter(
            Exists(
                Authorship.objects.public()
                .responsible()
                .filter(author=OuterRef("pk"), **lookups)
            )
        )
        .annotate(article_count=public_article_count())
        .order_by("sort_key", "pk")
    )


def articles_through(**lookups) -> QuerySet[Article]:
    """Public articles with a responsible person matching `lookups`, newest first."""
    responsible = Authorship.objects.responsible().filter(
        article=OuterRef("pk"), **lookups
    )
    return public_articles().filter(Exists(responsible)).newest_first().with_bylines()


# ---------------------------------------------------------------- authors


def name_sort(value: str | None) -> str:
    """The list order a query asks for (`sort=`), pinyin unless it names another."""
    return value if value in NAME_SORTS else "pinyin"


def author_index(initial: str = "", sort: str = "pinyin") -> QuerySet[Author]:
    """Authors with public articles and their count (the API's rows), each with the
    `initial` of its pinyin, in pinyin order or most articles first."""
    authors = author_rows(sort).annotate(initial=Upper(Substr("sort_key", 1, 1)))
    if initial:
        authors = authors.filter(sort_key__istartswith=initial)
    return authors


def author_initials() -> list[str]:
    return list(
        Author.objects.public()
        .annotate(initial=Upper(Substr("sort_key", 1, 1)))
        .values_list("initial", flat=True)
        .distinct()
        .order_by("initial")
    )


@dataclass
class AuthorArticle:
    article: Article
    roles: list[str]


@dataclass
class AffiliationSpan:
    affiliation: Affiliation
    first: date | None
    last: date | None
    roles: list[str]
    count: int = 0


@dataclass
class AuthorPage:
    author: Author
    articles: list[AuthorArticle]
    affiliations: list[AffiliationSpan]
    coauthors: list[Author]


def author_page(pk: int) -> AuthorPage:
    author = get_object_or_404(Author.objects.public(), pk=pk)
    authorships = list(
        Authorship.objects.public()
        .filter(author=author)
        .select_related("article__issue", "article__column", "affiliation__province")
        .order_by(*newest_first("article__"))
    )
    articles: dict[int, AuthorArticle] = {}
    spans: dict[int, AffiliationSpan] = {}
    for authorship in authorships:
        article = authorship.article
        entry = articles.setdefault(article.pk, AuthorArticle(article, []))
        if authorship.contribution == Authorship.Contribution.QUOTED:
            entry.roles.append("文中引述")
        elif authorship.contribution == Authorship.Contribution.CREDIT:
            entry.roles.append(authorship.role or "署名")
        if authorship.affiliation_id:
            span = spans.setdefault(
                authorship.affiliation_id,
                AffiliationSpan(authorship.affiliation, None, None, []),
            )
            span.count += 1
            d = article.issue.publication_date
            if d is not None:
                span.first = min(filter(None, [span.first, d]))
                span.last = max(filter(None, [span.last, d]))
            if authorship.role and authorship.role not in span.roles:
                span.roles.append(authorship.role)
    article_list = [entry.article for entry in articles.values()]
    prefetch_related_objects(article_list, bylines_prefetch())
    coauthors = list(
        Author.objects.public()
        .filter(
            authorships__contribution=Authorship.Contribution.AUTHOR,
            authorships__article__in=Authorship.objects.public()
            .filter(author=author, contribution=Authorship.Contribution.AUTHOR)
            .values("article_id"),
        )
        .exclude(pk=author.pk)
        .annotate(shared=Count("authorships__article", distinct=True))
        .order_by("-shared", "sort_key", "pk")
    )
    # Newest affiliation first: that is where a reader expects to find the author now.
    ordered_spans = sorted(
        spans.values(), key=lambda s: (s.last or date.min, s.count), reverse=True
    )
    return AuthorPage(author, list(articles.values()), ordered_spans, coauthors)


# ---------------------------------------------------------------- affiliations


def affiliation_index() -> list[Affiliation]:
    """Affiliations with public articles, with counts, grouped by province (in code
    order, unplaced last), each group in the research list's pinyin order."""
    # A stable sort keeps affiliation_rows' pinyin order inside each province.
    return sorted(
        affiliation_rows(),
        key=lambda a: (a.province is None, a.province.code if a.province else ""),
    )


def public_affiliation(pk: int) -> Affiliation:
    return get_object_or_404(
        Affiliation.objects.public().select_related("province"), pk=pk
    )


# ---------------------------------------------------------------- provinces


def province_index() -> list[Province]:
    """Every province with its public article and author counts, most articles first."""
    provinces = Province.objects.with_counts()
    return sorted(
        provinces,
        key=lambda p: (-p.article_count, -p.author_count, text_sort_key(p.short_name)),
    )


def articles_without_province() -> int:
    """Public articles none of whose responsible people has a known province."""
    return without_province(Article.objects.public()).count()


def province_affiliations(province: Province) -> list[Affiliation]:
    """The province's institutions with public articles, in the lists' pinyin order."""
    return [a for a in affiliation_rows() if a.province_id == province.pk]
