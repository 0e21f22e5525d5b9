"""Haystack's Elasticsearch 7 engine with a Chinese analyzer (smartcn or IK), for archives that outgrow Whoosh."""

# Set SEARCH_ENGINE=articles.search.elasticsearch.ChineseElasticsearchEngine, SEARCH_URL and
# SEARCH_ANALYZER (docs/search.md); needs the `elasticsearch` extra. Text arrives normalised
# (traditional → simplified, NFKC, no invisible characters) from the search index and the
# query parser, so Elasticsearch only has to segment it.

import copy

from haystack.backends.elasticsearch7_backend import (
    Elasticsearch7SearchBackend,
    Elasticsearch7SearchEngine,
    Elasticsearch7SearchQuery,
)

from articles.search.indexes import ArchiveIndexes

# The analysis plugins: smartcn ships with Elasticsearch (`elasticsearch-plugin install
# analysis-smartcn`); IK is the common third-party choice (finer segmentation at index
# time, coarser at query time).
ANALYZERS = {
    "smartcn": {
        "index": {
            "type": "custom",
            "tokenizer": "smartcn_tokenizer",
            "filter": ["cjk_width", "lowercase"],
        },
        "search": {
            "type": "custom",
            "tokenizer": "smartcn_tokenizer",
            "filter": ["cjk_width", "lowercase"],
        },
    },
    "ik": {
        "index": {
            "type": "custom",
            "tokenizer": "ik_max_word",
            "filter": ["cjk_width", "lowercase"],
        },
        "search": {
            "type": "custom",
            "tokenizer": "ik_smart",
            "filter": ["cjk_width", "lowercase"],
        },
    },
}


class ChineseElasticsearchBackend(Elasticsearch7SearchBackend):
    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        name = (connection_options.get("ANALYZER") or "smartcn").lower()
        if name not in ANALYZERS:
            raise ValueError(
                f"SEARCH_ANALYZER must be one of {sorted(ANALYZERS)}, not {name!r}"
            )
        settings = copy.deepcopy(self.DEFAULT_SETTINGS)
        analyzers = settings["settings"]["analysis"]["analyzer"]
        analyzers["archive_index"] = ANALYZERS[name]["index"]
        analyzers["archive_search"] = ANALYZERS[name]["search"]
        self.DEFAULT_SETTINGS = settings

    def build_schema(self, fields):
        content_field_name, mapping = super().build_schema(fields)
        for field_mapping in mapping.values():
            # haystack's default for text is the English "snowball" analyzer.
            if (
                field_mapping.get("type") == "text"
                and field_mapping.get("analyzer") == "snowball"
            ):
                field_mapping["analyzer"] = "archive_index"
                field_mapping["search_analyzer"] = "archive_search"
        return content_field_name, mapping


class ChineseElasticsearchEngine(Elasticsearch7SearchEngine):
    backend = ChineseElasticsearchBackend
    query = Elasticsearch7SearchQuery
    unified_index = ArchiveIndexes
