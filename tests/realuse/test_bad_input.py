"""Bad ids and out-of-range dates are answered 404 or 400 (OAI: badArgument), never 500."""

import pytest
from lxml import etree

pytestmark = pytest.mark.django_db

OAI = "{http://www.openarchives.org/OAI/2.0/}"


@pytest.fixture
def anonymous(archive_in_use):
    client = archive_in_use.client_for("anonymous")
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/api/articles/abc/",
        "/api/articles/1e3/",
        "/api/affiliations/1e3/",
        "/api/affiliations/abc/",
        "/api/issues/abc/",
        "/api/articles/99999999999999999999/",
        "/issues/0/",
        "/issues/10000/",
        "/issues/99999999999/",
        "/issues/0/5/",
        "/scans/article/99999999999999999999/region.jpg",
        "/provinces/%00/",
    ],
)
def test_a_bad_or_huge_id_is_not_found(anonymous, url):
    assert anonymous.get(url).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "verb=ListRecords&metadataPrefix=oai_dc&until=9999-12-31",
        "verb=ListIdentifiers&metadataPrefix=oai_dc&from=9999-12-31",
        "verb=ListRecords&metadataPrefix=oai_dc&until=9999-12-31T23:59:59Z",
        "verb=ListRecords&metadataPrefix=oai_dc&set=%00",
    ],
)
def test_an_out_of_range_oai_date_or_a_nul_is_a_bad_argument(anonymous, query):
    response = anonymous.get(f"/oai?{query}")
    assert response.status_code == 200
    error = etree.fromstring(response.content).find(f"{OAI}error")
    assert error is not None and error.get("code") == "badArgument"


@pytest.mark.parametrize("version", ["abc", "", "1e3"])
def test_a_reader_report_accepted_from_a_bad_version_is_refused(
    archive_in_use, version
):
    report = archive_in_use.report
    editor = archive_in_use.client_for("reviewer_a")
    editor.raise_request_exception = False
    response = editor.post(
        f"/admin/articles/readerreport/{report.pk}/handle/",
        {"action": "accept", "base_version": version, "replacement": "改"},
    )
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == report.Status.NEW


@pytest.mark.parametrize("name", ["page", "page_size"])
def test_an_api_page_of_ten_thousand_digits_is_refused(anonymous, name):
    response = anonymous.get("/api/issues/", {name: "9" * 10_000})
    assert response.status_code == 400 and name in response.json()


@pytest.mark.parametrize("key", ["a\x00b", "x" * 10_000])
def test_rejecting_a_suggestion_that_is_not_there_stores_nothing(archive_in_use, key):
    """A posted key is remembered only if it names a current suggestion (PostgreSQL
    refused a NUL in the JSON column: a 500)."""
    from articles.models import Article

    article = Article.objects.filter(issue=archive_in_use.dated).order_by("pk")[0]
    editor = archive_in_use.client_for("reviewer_a")
    response = editor.post(
        f"/admin/articles/article/{article.pk}/suggestion/",
        {"action": "reject", "key": key},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert key not in article.dismissed_suggestions
