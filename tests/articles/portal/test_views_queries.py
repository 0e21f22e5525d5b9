"""Public list pages run a fixed number of queries, whatever the size of the archive."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.models import Issue
from articles.models import Affiliation, Article, Author, Authorship, Column, Province


def build_archive(make_issue, size: int) -> dict:
    """`size` articles in one column and one province, by one prolific author and co-authors."""
    column = Column.objects.get(name="工作研究")
    province = Province.objects.get(short_name="浙江")
    star = Author.objects.create(name="王明")
    shared_issue = make_issue(publication_date=date(2024, 1, 1), page_label="第7版")
    for i in range(size):
        issue = (
            shared_issue
            if i % 2
            else make_issue(publication_date=date(2020, 1, 1) + timedelta(days=i))
        )
        article = Article.objects.create(
            issue=issue,
            column=column,
            kind=Article.Kind.ARTICLE if i % 3 else Article.Kind.GRAPHIC,
            position=i + 1,
            title=f"测试文章{i}",
            lede="观点提要。",
            body="正文。",
            original_ocr="正文。",
        )
        affiliation = Affiliation.objects.create(
            name=f"浙江某单位{i}", province=province
        )
        Authorship.objects.create(
            article=article, author=star, affiliation=affiliation, role="主席"
        )
        Authorship.objects.create(
            article=article,
            author=Author.objects.create(name=f"合作者{i}"),
            affiliation=affiliation,
            order=2,
        )
        Authorship.objects.create(
            article=article,
            author=Author.objects.create(name=f"制图{i}"),
            role="策划/制图",
            contribution="credit",
        )
    return {
        "home": "/",
        "issue_list": reverse("articles:issue_list"),
        "issue_year": reverse("articles:issue_year", args=[2020]),
        "issue": shared_issue.get_absolute_url(),
        "column_list": reverse("articles:column_list"),
        "column": column.get_absolute_url(),
        "author_list": reverse("articles:author_list"),
        "author_list_by_count": reverse("articles:author_list") + "?sort=count",
        "author": star.get_absolute_url(),
        "affiliation_list": reverse("articles:affiliation_list"),
        "affiliation": Affiliation.objects.get(name="浙江某单位1").get_absolute_url(),
        "province_list": reverse("articles:province_list"),
        "province": province.get_absolute_url(),
    }


# The number of queries each list page runs, whatever its length.
QUERIES = {
    "home": 10,
    "issue_list": 2,
    "issue_year": 3,
    "issue": 6,
    "column_list": 1,
    "column": 4,
    "author_list": 3,
    "author_list_by_count": 3,
    "author": 7,
    "affiliation_list": 1,
    "affiliation": 5,
    "province_list": 2,
    "province": 6,
}


@pytest.mark.parametrize("size", [3, 12])
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_list_pages_run_a_fixed_number_of_queries(
    client, make_issue, django_assert_num_queries, name, size
):
    url = build_archive(make_issue, size)[name]
    with django_assert_num_queries(QUERIES[name]):
        response = client.get(url)
    assert response.status_code == 200


def test_list_pages_do_not_grow_with_the_archive(client, make_issue):
    """Same count at 3 and at 12 articles, measured rather than pinned."""
    counts = {}
    for size in (3, 12):
        Authorship.objects.all().delete()
        Article.objects.all().delete()
        Author.objects.all().delete()
        Affiliation.objects.all().delete()
        Issue.objects.all().delete()
        urls = build_archive(make_issue, size)
        for name, url in urls.items():
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.setdefault(name, []).append(len(queries))
    assert all(a == b for a, b in counts.values()), counts
