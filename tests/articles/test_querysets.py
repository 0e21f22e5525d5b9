"""One definition each: who is public, who is an author, how undated pages sort."""

import pytest

from articles.models import Affiliation, Article, Author, Authorship, Province
from articles.querysets import bylines_of, responsible_people

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("order", ["newest_first", "oldest_first"])
def test_undated_articles_come_last_in_both_directions(archive_in_use, order):
    ordered = getattr(Article.objects.public().select_related("issue"), order)()
    dates = [a.issue.publication_date for a in ordered]
    assert None in dates and dates[0] is not None
    dated = dates[: dates.index(None)]
    assert all(d is None for d in dates[len(dated) :])
    assert dated == sorted(dated, reverse=order == "newest_first")


def test_experts_only_quoted_are_not_authors(archive_in_use):
    quoted_only = Author.objects.filter(
        authorships__contribution=Authorship.Contribution.QUOTED
    ).exclude(authorships__contribution__in=["author", "credit"])
    assert quoted_only.exists()
    assert not Author.objects.public().filter(pk__in=quoted_only).exists()


def test_a_withdrawn_article_makes_nobody_public(archive_in_use):
    name = archive_in_use.withdrawn_author
    assert not Author.objects.public().filter(name=name).exists()
    assert Author.objects.filter(name=name).exists()


def test_counts_see_only_public_work_of_responsible_people(archive_in_use):
    authors = {a.name: a.article_count for a in Author.objects.with_counts()}
    assert archive_in_use.withdrawn_author not in authors
    for author in Author.objects.with_counts():
        assert author.article_count == (
            Article.objects.public()
            .filter(
                authorships__author=author,
                authorships__contribution__in=["author", "credit"],
            )
            .distinct()
            .count()
        )
    for place in Affiliation.objects.with_counts():
        assert place.article_count > 0
    total = sum(p.article_count for p in Province.objects.with_counts())
    assert total >= Province.objects.public().count()


def test_responsible_people_are_the_bylines_or_else_the_credits(archive_in_use):
    for article in Article.objects.public():
        bylines = bylines_of(article)
        people = responsible_people(bylines)
        authors = [b for b in bylines if b.contribution == "author"]
        credits = [b for b in bylines if b.contribution == "credit"]
        assert people == (authors or credits)
        assert all(b.contribution != "quoted" for b in people)
