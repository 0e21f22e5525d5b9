"""Researcher pages: the institution list and its orders, the retired author list's
permanent redirect to /authors/, and the list's page sizes."""

import pytest
from django.urls import reverse

from articles.models import Article
from articles.portal.people import AUTHORS_PAGE_SIZE
from articles.research.views import NAME_PAGE_SIZE, PAGE_SIZES
from tests.seed import find

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "target"),
    [
        ({}, "/authors/"),
        ({"sort": "count"}, "/authors/?sort=count"),
        ({"sort": "pinyin", "page": "1"}, "/authors/?sort=pinyin"),
        # An order the list never had is dropped rather than carried along.
        ({"sort": "<x>", "page": "abc"}, "/authors/"),
        ({"page": "9" * 10000}, "/authors/"),
    ],
)
def test_the_retired_author_list_redirects_permanently(client, query, target):
    response = client.get("/research/authors/", query)
    assert response.status_code == 301
    assert response["Location"] == target


def test_the_redirect_lands_on_the_page_holding_the_same_rows(client):
    """Page 4 of 100 began at row 301: on /authors/ (150 a page) that is page 3."""
    assert (NAME_PAGE_SIZE, AUTHORS_PAGE_SIZE) == (100, 150)
    response = client.get("/research/authors/", {"page": "4", "sort": "count"})
    assert response["Location"] == "/authors/?sort=count&page=3"


def test_the_redirect_target_lists_the_authors(seed, client):
    response = client.get("/research/authors/", {"sort": "count"}, follow=True)
    assert response.redirect_chain == [("/authors/?sort=count", 301)]
    first = response.context["page"][0]
    assert (first.name, first.article_count) == ("张菁", 3)


def test_affiliation_counts_are_public_only(seed, client):
    hidden = find(seed, "双创")
    Article.objects.filter(pk=hidden.pk).update(published=False)
    rows = {
        a.name: a
        for a in client.get(reverse("research:affiliation_list")).context["page"]
    }
    assert "对外经济贸易大学" not in rows
    school = rows["中国劳动关系学院"]
    assert (school.article_count, school.author_count) == (2, 1)


def test_affiliation_list_orders(seed, client):
    page = client.get(reverse("research:affiliation_list")).context["page"]
    names = [a.name for a in page]
    assert (
        names.index("对外经济贸易大学")
        < names.index("广东省深圳市总工会")
        < names.index("中共济南市委党校")
    )
    by_count = client.get(reverse("research:affiliation_list"), {"sort": "count"})
    counts = [a.article_count for a in by_count.context["page"]]
    assert counts == sorted(counts, reverse=True)
    assert by_count.context["sort"] == "count"
    html = by_count.content.decode()
    assert html.count("<h1") == 1
    assert '<strong aria-current="true">文章数</strong>' in html


def test_an_unknown_order_falls_back_to_pinyin(seed, client):
    response = client.get(reverse("research:affiliation_list"), {"sort": "name;drop"})
    assert response.status_code == 200 and response.context["sort"] == "pinyin"


@pytest.mark.parametrize(
    ("asked", "shown"), [("50", 50), ("7", PAGE_SIZES[0]), ("x", PAGE_SIZES[0])]
)
def test_the_article_list_offers_only_its_page_sizes(seed, client, asked, shown):
    response = client.get(reverse("research:article_list"), {"per_page": asked})
    assert response.context["per_page"] == shown
    assert response.context["page"].paginator.per_page == shown


def test_the_institution_list_pages_keep_the_order(seed, client, monkeypatch):
    monkeypatch.setattr("articles.research.views.NAME_PAGE_SIZE", 4)
    response = client.get(reverse("research:affiliation_list"), {"sort": "count"})
    html = response.content.decode()
    assert 'rel="next" href="?sort=count&amp;page=2"' in html
    second = client.get(
        reverse("research:affiliation_list"), {"sort": "count", "page": 2}
    )
    assert 'rel="prev" href="?sort=count&amp;page=1"' in second.content.decode()
