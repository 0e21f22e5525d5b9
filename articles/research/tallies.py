"""People, institutions and provinces counted over public articles (lists, charts, facets)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, QuerySet

from articles.models import Affiliation, Article, Author, Authorship
from articles.research.filtering import pinyin_key


@dataclass
class ProvinceCount:
    short_name: str
    code: str
    articles: int
    authors: int


def count_by_province(articles: QuerySet[Article]) -> list[ProvinceCount]:
    """Articles of `articles` and their responsible people by the province of those
    people's institutions, most articles first. An article with people in two
    provinces counts in both."""
    rows = (
        Authorship.objects.responsible()
        .filter(article__in=articles, affiliation__province__isnull=False)
        .values("affiliation__province__short_name", "affiliation__province__code")
        .annotate(
            articles=Count("article", distinct=True),
            authors=Count("author", distinct=True),
        )
        .order_by("-articles", "-authors", "affiliation__province__code")
    )
    return [
        ProvinceCount(
            r["affiliation__province__short_name"],
            r["affiliation__province__code"],
            r["articles"],
            r["authors"],
        )
        for r in rows
    ]


def without_province(articles: QuerySet[Article]) -> QuerySet[Article]:
    """Those of `articles` none of whose responsible people has a known province."""
    return articles.exclude(
        Exists(
            Authorship.objects.responsible().filter(
                article=OuterRef("pk"), affiliation__province__isnull=False
            )
        )
    )


# The orders of the people and institution lists, pages and API alike (`?sort=`).
NAME_SORTS = {"pinyin": "拼音", "count": "文章数"}


def author_rows(sort: str = "pinyin") -> QuerySet[Author]:
    """Authors with public articles and how many, by surname reading (曾 zeng, 单 shan) or count."""
    authors = Author.objects.with_counts()
    if sort == "count":
        return authors.order_by("-article_count", "sort_key", "name", "pk")
    return authors


def affiliation_rows(sort: str = "pinyin") -> list[Affiliation]:
    affiliations = list(Affiliation.objects.with_counts())
    # An institution's pinyin is not stored, so both orders are finished in Python.
    affiliations.sort(key=lambda a: (pinyin_key(a.name), a.name, a.pk))
    if sort == "count":
        affiliations.sort(key=lambda a: -a.article_count)
    return affiliations
