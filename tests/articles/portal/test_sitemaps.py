"""sitemap.xml lists what readers may see, and only that."""

import pytest
from django.utils.encoding import iri_to_uri

from articles.models import Article, Author, Province

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def test_sitemap_lists_public_pages(client, archive_in_use):
    index = html(client.get("/sitemap.xml"))
    for section in ("articles", "issues", "authors", "provinces"):
        assert f"/sitemap-{section}.xml" in index
    articles = html(client.get("/sitemap-articles.xml"))
    for article in Article.objects.public():
        assert f"http://testserver{article.get_absolute_url()}</loc>" in articles
    provinces = html(client.get("/sitemap-provinces.xml"))
    listed = provinces.count("<loc>")
    assert listed == Province.objects.public().count() > 0
    for province in Province.objects.public():
        assert iri_to_uri(province.get_absolute_url()) in provinces


def test_sitemap_lists_no_quoted_expert_and_no_withdrawn_author(client, archive_in_use):
    authors = html(client.get("/sitemap-authors.xml"))
    withdrawn = Author.objects.get(name=archive_in_use.withdrawn_author)
    assert withdrawn.get_absolute_url() not in authors
    quoted_only = Author.objects.filter(authorships__contribution="quoted").exclude(
        authorships__contribution__in=["author", "credit"]
    )
    assert quoted_only.exists()
    for expert in quoted_only:
        assert f"{expert.get_absolute_url()}</loc>" not in authors
