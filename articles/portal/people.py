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
from articles.research.tallies import without_province

AUTHORS_PAGE_SIZE = 150


def _responsible(**lookups) -> Exists:
    """Articles with a responsible person matching `lookups` (institution, province)."""
    return Exists(
        Authorship.objects.responsible().filter(article=OuterRef("pk"), **lookups)
    )


# ---------------------------------------------------------------- authors


def author_index(initial: str | None = None) -> QuerySet[Author]:
    """Authors with public articles in pinyin order, with their public article count."""
    authors = Author.objects.with_counts()
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
    """Affiliations with public articles, with counts, grouped by province then by pinyin."""
    affiliations = list(Affiliation.objects.with_counts())
    affiliations.sort(
        key=lambda a: (
            a.province is None,
            a.province.code if a.province else "",
            text_sort_key(a.name),
        )
    )
    return affiliations


def public_affiliation(pk: int) -> Affiliation:
    return get_object_or_404(
        Affiliation.objects.public().select_related("province"), pk=pk
    )


def affiliation_authors(affiliation: Affiliation) -> list[Author]:
    """People responsible for public articles as members of `affiliation`."""
    return list(
        Author.objects.filter(
            Exists(
                Authorship.objects.public()
                .responsible()
                .filter(author=OuterRef("pk"), affiliation=affiliation)
            )
        )
        .annotate(article_count=public_article_count())
        .order_by("sort_key", "pk")
    )


def affiliation_articles(affiliation: Affiliation) -> QuerySet[Article]:
    return (
        public_articles()
        .filter(_responsible(affiliation=affiliation))
        .newest_first()
        .with_bylines()
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
    affiliations = list(Affiliation.objects.with_counts().filter(province=province))
    affiliations.sort(key=lambda a: text_sort_key(a.name))
    return affiliations


def province_authors(province: Province) -> list[Author]:
    """People responsible for public articles from institutions in `province`."""
    return list(
        Author.objects.filter(
            Exists(
                Authorship.objects.public()
                .responsible()
                .filter(author=OuterRef("pk"), affiliation__province=province)
            )
        )
        .annotate(article_count=public_article_count())
        .order_by("sort_key", "pk")
    )


def province_articles(province: Province) -> QuerySet[Article]:
    return (
        public_articles()
        .filter(_responsible(affiliation__province=province))
        .newest_first()
        .with_bylines()
    )
