"""The API's JSON shapes: absolute links when a request is known, bylines in order, the
office-only author as null, the raw OCR only when asked for."""

import pytest
from django.test import RequestFactory

from articles.models import Affiliation, Article, Authorship, Province
from articles.research import api_serializers as s
from articles.research import citations
from tests.seed import find

pytestmark = pytest.mark.django_db


def listed(article: Article) -> Article:
    """The article as the API reads it (bylines prefetched, annotations added)."""
    from articles.research.exports import revision_annotations

    return (
        Article.objects.for_listing()
        .annotate(**revision_annotations())
        .get(pk=article.pk)
    )


def test_links_are_absolute_under_the_request_host(seed):
    article = listed(find(seed, "双创"))
    request = RequestFactory().get("/api/articles/", HTTP_HOST="testserver")
    data = s.ArticleSerializer(article, context={"request": request}).data
    assert data["url"] == f"http://testserver/article/{article.pk}/"
    assert data["api_url"] == f"http://testserver/api/articles/{article.pk}/"
    relative = s.ArticleSerializer(article, context={}).data
    assert relative["url"] == f"/article/{article.pk}/"


def test_an_article_carries_its_page_column_bylines_and_citation(seed):
    article = listed(find(seed, "双创"))
    data = s.ArticleSerializer(article, context={}).data
    assert data["issue"]["publication_date"] == str(article.issue.publication_date)
    assert data["citation"] == citations.gbt7714(article, index=None)
    orders = [b["order"] for b in data["authorships"]]
    assert orders == sorted(orders)
    assert data["revision_count"] >= 1 and "body" not in data


def test_an_author_printed_only_by_office_is_null(seed):
    office = Affiliation.objects.get(name="山西省总工会")
    byline = Authorship.objects.get(affiliation=office)
    data = s.AuthorshipSerializer(byline).data
    assert data["author"] is None
    assert data["affiliation"]["name"] == "山西省总工会"
    assert data["affiliation"]["province"]["short_name"] == "山西"


def test_the_detail_has_the_raw_ocr_only_when_asked_for(seed):
    article = listed(find(seed, "双创"))
    with_ocr = s.ArticleDetailSerializer(article, context={}).data
    without = s.ArticleDetailSerializer(article, context={}, include_ocr=False).data
    assert with_ocr["original_ocr"] == article.original_ocr
    assert "original_ocr" not in without and without["body"] == article.body


def test_an_author_links_to_its_filtered_article_list(seed):
    from articles.models import Author

    author = Author.objects.with_counts().get(name="张菁")
    request = RequestFactory().get("/api/authors/", HTTP_HOST="testserver")
    data = s.AuthorSerializer(author, context={"request": request}).data
    assert data["article_count"] == 3
    assert data["articles"] == f"http://testserver/api/articles/?author={author.pk}"


def test_a_province_without_counts_is_its_brief_shape():
    province = Province(code="110000", name="北京市", short_name="北京")
    assert s.ProvinceBriefSerializer(province).data == {
        "code": "110000",
        "name": "北京市",
        "short_name": "北京",
    }
