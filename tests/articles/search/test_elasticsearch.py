"""The engine is a setting: Elasticsearch gets the embedded engines' segmented text, fields and
boosts."""

import os
import uuid
from datetime import date

import pytest
from haystack import connections

ES_ENGINE = "articles.search.elasticsearch.ChineseElasticsearchEngine"
SEARCH_URL = os.environ.get("SEARCH_URL", "")


def test_default_engine_is_the_chinese_whoosh_engine(settings):
    """Whoosh stays the default; one signal processor keeps every engine fresh."""
    assert (
        settings.HAYSTACK_CONNECTIONS["default"]["ENGINE"]
        == "articles.search.whoosh.backend.ChineseWhooshEngine"
    )
    assert (
        settings.HAYSTACK_SIGNAL_PROCESSOR
        == "articles.search.signals.SearchSignalProcessor"
    )


def backend():
    from articles.search.elasticsearch import ChineseElasticsearchBackend

    es = ChineseElasticsearchBackend(
        "default", URL="http://127.0.0.1:9", INDEX_NAME="archive"
    )
    fields = connections["default"].get_unified_index().all_searchfields()
    return es, *es.build_schema(fields)


def test_mapping_keeps_the_segmented_words_and_the_boosts():
    """Text fields take jieba's words as they are (whitespace analyzer); facets are
    keywords; one shard keeps facet counts exact."""
    es, content, mapping = backend()
    assert content == "text"
    for name in ("text", "title", "people", "garbled"):
        assert mapping[name]["analyzer"] == "whitespace"
        assert mapping[name]["search_analyzer"] == "whitespace"
    assert mapping["title"]["boost"] == 2.0
    for facet in ("column", "provinces", "authors", "year", "kind", "status"):
        assert mapping[facet]["type"] == "keyword"
    assert mapping["date"]["type"] == "date"
    assert es.DEFAULT_SETTINGS["settings"]["number_of_shards"] == 1


@pytest.mark.django_db
def test_documents_carry_the_words_the_embedded_engines_index(add_article):
    """The body arrives as jieba words in reading order, then the words inside them;
    garbled OCR forms are searched with the document."""
    article = add_article(
        "县级工会",
        "推进劳动关系治理。",
        original_ocr="推进劳动关系治理。职工人会积极。",
    )
    es, _content, _mapping = backend()
    from articles.models import Article

    index = connections["default"].get_unified_index().get_index(Article)
    doc = es._prepare_object(index, article)
    assert "劳动关系 治理" in doc["text"][0]
    assert "工会" in doc["title"][1].split()  # inside 县级工会
    assert any("人会" in value.split() for value in doc["text"])


def test_query_words_are_segmented_before_elasticsearch_sees_them(settings):
    """A typed chunk becomes its words; a phrase its words in order."""
    from articles.search.query import build_searchqueryset, parse_query

    options = settings.HAYSTACK_CONNECTIONS["default"]
    original = dict(options)
    options.update(ENGINE=ES_ENGINE, URL="http://127.0.0.1:9")
    connections.reload("default")
    try:
        built = build_searchqueryset(parse_query('劳动关系治理 "工会服务"')).query
        query_string = built.build_query()
    finally:
        options.clear()
        options.update(original)
        connections.reload("default")
    assert "(劳动关系 AND 治理)" in query_string
    assert '"工会 服务"' in query_string


def test_search_boosts_the_title_names_and_garbled_forms():
    """Matches must be in the document field; the other fields add their boosts."""
    es, _content, _mapping = backend()
    kwargs = es.build_search_kwargs("(工会)", narrow_queries={'column:("观点")'})
    scored = kwargs["query"]["bool"]["must"]["bool"]
    assert scored["must"]["query_string"]["default_field"] == "text"
    assert set(scored["should"]["query_string"]["fields"]) == {
        "title^2.0",
        "people^1.5",
        "garbled^0.3",
    }


@pytest.mark.skipif(
    not SEARCH_URL,
    reason="SEARCH_URL does not point to an Elasticsearch 7 to index into",
)
@pytest.mark.django_db
def test_a_real_elasticsearch_finds_what_whoosh_finds(
    add_article, search_page, settings
):
    """Indexed in a real Elasticsearch, words, phrases, exclusions and facets count
    the same articles as on the default engine."""
    add_article(
        "智慧工会建设", "智慧工会服务职工。", date=date(2024, 5, 20), column="观点"
    )
    add_article("县级工会", "工会服务基层。疫情期间", column="工作研究")
    add_article("工匠精神", "弘扬劳模精神。", date=date(2019, 12, 16), column="观点")
    queries = [
        ("工会", {}),
        ('"工会服务"', {}),
        ("工会 -疫情", {}),
        ("", {"column": "观点"}),
    ]
    from articles.models import Article

    def counts():
        backend = connections["default"].get_backend()
        index = connections["default"].get_unified_index().get_index(Article)
        backend.clear()
        backend.update(index, list(index.index_queryset()))
        return [search_page(q, **f).total for q, f in queries]

    expected = counts()
    options = settings.HAYSTACK_CONNECTIONS["default"]
    original = dict(options)
    options.update(
        ENGINE=ES_ENGINE, URL=SEARCH_URL, INDEX_NAME=f"test-{uuid.uuid4().hex[:8]}"
    )
    connections.reload("default")
    try:
        assert counts() == expected == [2, 2, 1, 2]
    finally:
        connections["default"].get_backend().clear()
        options.clear()
        options.update(original)
        connections.reload("default")


def test_the_compose_search_profile_needs_no_hand_edits():
    """The image has the client; web waits for the search service and switches to it."""
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[3]
    assert "'.[elasticsearch]'" in (root / "Dockerfile").read_text(encoding="utf-8")
    compose = yaml.safe_load((root / "docker-compose.yml").read_text(encoding="utf-8"))
    web, search = compose["services"]["web"], compose["services"]["search"]
    assert search["profiles"] == ["search"]
    assert web["depends_on"]["search"] == {
        "condition": "service_healthy",
        "required": False,
    }
    assert ES_ENGINE in web["command"] and "http://search:9200/" in web["command"]
    assert "command" not in search  # a stock image: no Chinese plugin to install
