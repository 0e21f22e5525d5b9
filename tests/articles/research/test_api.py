"""The JSON API: responses valid against its own OpenAPI schema, filters equal to the HTML list,
OCR on request, caching, throttling."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from articles.editing import corrections
from articles.models import Affiliation, Article, Author, Column
from tests.seed import find

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle():
    # Throttle counters live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def openapi(client):
    response = client.get(reverse("research:api_schema"), {"format": "json"})
    assert response.status_code == 200
    return OpenAPI.from_dict(response.json())  # also validates the schema itself


def get_valid(client, openapi, url, params=None, status=200):
    response = client.get(url, params or {})
    assert response.status_code == status, response.content[:500]
    openapi.validate_response(
        DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
    )
    return response.json()


def test_every_endpoint_answers_as_its_schema_says(seed, client, openapi):
    article = find(seed, "双创")
    author = Author.objects.get(name="李长安")
    affiliation = Affiliation.objects.get(name="对外经济贸易大学")
    urls = [
        reverse("research:api-article-list"),
        reverse("research:api-article-detail", args=[article.pk]),
        reverse("research:api-article-detail", args=[find(seed, "坚持系统观念").pk]),
        reverse("research:api-author-list"),
        reverse("research:api-author-detail", args=[author.pk]),
        reverse("research:api-affiliation-list"),
        reverse("research:api-affiliation-detail", args=[affiliation.pk]),
        reverse("research:api-province-list"),
        reverse("research:api-province-detail", args=["110000"]),
        reverse("research:api-column-list"),
        reverse("research:api-column-detail", args=["guandian"]),
        reverse("research:api-issue-list"),
        reverse("research:api-issue-detail", args=[article.issue_id]),
    ]
    for url in urls:
        get_valid(client, openapi, url)
    get_valid(client, openapi, urls[1], {"include": "ocr"})
    get_valid(
        client, openapi, urls[0], {"province": "北京", "sort": "title", "page_size": 2}
    )


def test_article_detail_has_people_places_and_revisions(
    seed, client, openapi, django_user_model
):
    article = find(seed, "双创")
    url = reverse("research:api-article-detail", args=[article.pk])
    data = get_valid(client, openapi, url)
    assert data["title"] == "推动“双创”活动持续发展的政策建议"
    assert data["issue"] == {
        "id": article.issue_id,
        "publication_date": "2019-12-16",
        "number": None,
        "page_label": "第7版",
    }
    people = [
        (
            a["author"]["name"],
            a["role"],
            a["affiliation"]["name"],
            a["affiliation"]["province"]["short_name"],
        )
        for a in data["authorships"]
    ]
    assert people == [
        ("李长安", "教授", "对外经济贸易大学", "北京"),
        ("刘娜", "副教授", "上海机电学院", "上海"),
    ]
    assert data["revision_count"] == 1 and data["last_corrected_at"] is None
    assert (
        data["citation"]
        == "李长安, 刘娜. 推动“双创”活动持续发展的政策建议[N]. 工人日报, 2019-12-16(7)."
    )
    assert "body" in data and "original_ocr" not in data

    editor = django_user_model.objects.create_user("editor", is_staff=True)
    corrections.save_correction(
        article,
        editor=editor,
        base_version=article.version,
        changes={"body": article.body + "\n\n补记。"},
        note="补一句",
    )
    data = get_valid(client, openapi, url)
    assert data["revision_count"] == 2 and data["last_corrected_at"] is not None
    assert data["body"].endswith("补记。")


def test_original_ocr_only_on_request(seed, client, openapi):
    article = find(seed, "坚持系统观念")
    url = reverse("research:api-article-detail", args=[article.pk])
    assert "original_ocr" not in get_valid(client, openapi, url)
    with_ocr = get_valid(client, openapi, url, {"include": "ocr"})
    assert with_ocr["original_ocr"] == article.original_ocr
    assert with_ocr["original_ocr"] != with_ocr["body"]
    # The author printed only by office: no person, the office and institution kept.
    (byline,) = with_ocr["authorships"]
    assert byline["author"] is None and byline["role"] == "党组书记、常务副主席"
    listed = get_valid(client, openapi, reverse("research:api-article-list"))
    assert all("original_ocr" not in a and "body" not in a for a in listed["results"])


FILTER_CASES = [
    {},
    {"province": "山东", "column": "热点思考"},
    {"column": "工作研究", "province": "山东"},
    {"year_from": "2023", "sort": "title"},
    {"kind": "graphic"},
    {"province": "北京", "year_to": "2020", "sort": "author"},
    {"sort": "oldest"},
]


@pytest.mark.parametrize("params", FILTER_CASES)
def test_api_filters_equal_the_html_list(seed, client, params):
    html = client.get(reverse("research:article_list"), {**params, "per_page": 100})
    expected = [a.pk for a in html.context["page"]]
    data = client.get(
        reverse("research:api-article-list"), {**params, "page_size": 100}
    ).json()
    assert [a["id"] for a in data["results"]] == expected
    assert data["count"] == len(expected)


def test_author_filter_and_pagination(seed, client, openapi):
    designer = Author.objects.get(name="张菁")
    first = get_valid(
        client,
        openapi,
        reverse("research:api-article-list"),
        {"author": designer.pk, "page_size": 2},
    )
    assert (
        first["count"] == 3 and len(first["results"]) == 2 and first["previous"] is None
    )
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert {a["kind"] for a in first["results"] + second["results"]} == {
        "digest",
        "graphic",
        "report",
    }


def test_invalid_filters_are_a_400_with_reasons(seed, client):
    response = client.get(
        reverse("research:api-article-list"), {"author": "x", "kind": "poem"}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"author", "kind"}


def test_unpublished_articles_are_not_served(seed, client):
    hidden = find(seed, "双创")
    Article.objects.filter(pk=hidden.pk).update(published=False)
    assert (
        client.get(reverse("research:api-article-detail", args=[hidden.pk])).status_code
        == 404
    )
    ids = [
        a["id"]
        for a in client.get(
            reverse("research:api-article-list"), {"page_size": 100}
        ).json()["results"]
    ]
    assert hidden.pk not in ids
    authors = [
        a["name"]
        for a in client.get(
            reverse("research:api-author-list"), {"page_size": 100}
        ).json()["results"]
    ]
    assert "李长安" not in authors and "张菁" in authors


def test_people_places_and_columns_lists(seed, client):
    authors = client.get(reverse("research:api-author-list"), {"page_size": 100}).json()
    names = [a["name"] for a in authors["results"]]
    assert "林尚立" not in names and "蔡昉" not in names  # quoted in a digest only
    provinces = {
        p["short_name"]: p
        for p in client.get(reverse("research:api-province-list")).json()
    }
    assert len(provinces) == 34 and provinces["山东"]["article_count"] == 1
    columns = {
        c["slug"]: c["article_count"]
        for c in client.get(reverse("research:api-column-list")).json()
    }
    assert columns["redian-sikao"] == 2 and set(columns) == set(
        Column.objects.values_list("slug", flat=True)
    )
    issues = client.get(reverse("research:api-issue-list")).json()
    assert [i["publication_date"] for i in issues["results"]] == [
        "2024-05-20",
        "2023-01-09",
        "2019-12-16",
    ]


def test_etag_and_last_modified(seed, client, django_user_model):
    article = find(seed, "双创")
    url = reverse("research:api-article-detail", args=[article.pk])
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and modified
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    listing = client.get(reverse("research:api-article-list"))
    assert (
        client.get(
            reverse("research:api-article-list"), HTTP_IF_NONE_MATCH=listing["ETag"]
        ).status_code
        == 304
    )
    assert "Last-Modified" in listing

    editor = django_user_model.objects.create_user("editor", is_staff=True)
    corrections.save_correction(
        article,
        editor=editor,
        base_version=article.version,
        changes={"title": "新标题"},
        note="改题",
    )
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again.json()["title"] == "新标题"
    assert (
        client.get(
            reverse("research:api-article-list"), HTTP_IF_NONE_MATCH=listing["ETag"]
        ).status_code
        == 200
    )


def test_anonymous_clients_are_throttled(seed, client):
    url = reverse("research:api-column-list")
    with override_settings(API_ANON_RATE="3/minute"):
        statuses = [client.get(url).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_docs_are_served_locally(client):
    docs = client.get(reverse("research:api_docs")).content.decode()
    assert docs.count("<h1") == 1 and "/api/articles/" in docs
    swagger = client.get(reverse("research:api_swagger")).content.decode()
    assert "cdn" not in swagger.lower() and "jsdelivr" not in swagger
    assert (
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
        in swagger
    )
    assert "<style" not in swagger
    script = client.get(reverse("research:api_swagger"), {"script": ""})
    assert script["Content-Type"].startswith("application/javascript")


def test_schema_documents_the_filters(client):
    schema = client.get(reverse("research:api_schema"), {"format": "json"}).json()
    names = {p["name"] for p in schema["paths"]["/api/articles/"]["get"]["parameters"]}
    assert {
        "author",
        "affiliation",
        "province",
        "column",
        "kind",
        "status",
        "year_from",
        "year_to",
        "q",
        "sort",
        "page",
        "page_size",
    } <= names
    detail = schema["paths"]["/api/articles/{id}/"]["get"]
    assert "include" in {p["name"] for p in detail["parameters"]}


def test_schema_states_every_status_and_every_range(client):
    """Each operation documents 404 and 429; ids and years state what they accept."""
    schema = client.get(reverse("research:api_schema"), {"format": "json"}).json()
    for path, item in schema["paths"].items():
        for operation in item.values():
            assert {"200", "404", "429"} <= set(operation["responses"]), path
            for p in operation.get("parameters", []):
                if p["name"] in ("id", "author", "affiliation"):
                    assert p["schema"]["minimum"] == 1, (path, p["name"])
                    assert p["schema"]["maximum"] == 2**63 - 1
    listed = {
        p["name"]: p for p in schema["paths"]["/api/articles/"]["get"]["parameters"]
    }
    assert (
        listed["year_from"]["schema"]["minimum"],
        listed["year_to"]["schema"]["maximum"],
    ) == (1900, 2200)
    assert listed["sort"]["schema"]["enum"] == ["author", "newest", "oldest", "title"]
    assert "默认 newest" in listed["sort"]["description"]
    assert "最多 10 个" in listed["author"]["description"]
    assert "-date" not in str(schema)
