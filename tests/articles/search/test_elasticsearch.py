"""The search engine is a setting: the Elasticsearch engine maps the same index with a Chinese analyzer."""

import pytest
from haystack import connections


def test_default_engine_is_the_chinese_whoosh_engine(settings):
    assert (
        settings.HAYSTACK_CONNECTIONS["default"]["ENGINE"]
        == "articles.search.whoosh.backend.ChineseWhooshEngine"
    )
    assert (
        settings.HAYSTACK_SIGNAL_PROCESSOR
        == "articles.search.signals.SearchSignalProcessor"
    )


@pytest.mark.parametrize(
    ("analyzer", "tokenizer"), [("smartcn", "smartcn_tokenizer"), ("ik", "ik_max_word")]
)
def test_elasticsearch_mapping_uses_the_chinese_analyzer(analyzer, tokenizer):
    pytest.importorskip(
        "elasticsearch", reason="the elasticsearch extra is not installed"
    )
    from articles.search.elasticsearch import ChineseElasticsearchBackend

    backend = ChineseElasticsearchBackend(
        "es", URL="http://127.0.0.1:9", INDEX_NAME="archive", ANALYZER=analyzer
    )
    fields = connections["default"].get_unified_index().all_searchfields()
    content, mapping = backend.build_schema(fields)
    assert content == "text"
    assert mapping["text"]["analyzer"] == "archive_index"
    assert mapping["title"]["boost"] == 2.0
    for facet in ("column", "provinces", "authors", "year", "kind", "status"):
        assert mapping[facet]["type"] == "keyword"
    assert mapping["date"]["type"] == "date"
    analysis = backend.DEFAULT_SETTINGS["settings"]["analysis"]["analyzer"]
    assert analysis["archive_index"]["tokenizer"] == tokenizer
    assert "cjk_width" in analysis["archive_search"]["filter"]


def test_elasticsearch_rejects_an_unknown_analyzer():
    pytest.importorskip(
        "elasticsearch", reason="the elasticsearch extra is not installed"
    )
    from articles.search.elasticsearch import ChineseElasticsearchBackend

    with pytest.raises(ValueError, match="SEARCH_ANALYZER"):
        ChineseElasticsearchBackend(
            "es", URL="http://127.0.0.1:9", INDEX_NAME="x", ANALYZER="snowball"
        )
