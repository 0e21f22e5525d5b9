"""Haystack's Elasticsearch 7 engine fed the archive's own analysis, for search beyond one machine.

Set SEARCH_ENGINE=articles.search.elasticsearch.ChineseElasticsearchEngine and SEARCH_URL
(docs/search.md); needs the `elasticsearch` extra. Text arrives normalised and segmented
by jieba with the archive's dictionary, as the embedded engines index it, so
Elasticsearch needs no Chinese plugin: a whitespace analyzer keeps the words as they are.
"""

from __future__ import annotations

import copy

from haystack.backends.elasticsearch7_backend import (
    Elasticsearch7SearchBackend,
    Elasticsearch7SearchEngine,
    Elasticsearch7SearchQuery,
)
from haystack.inputs import Clean, Exact

from articles.search import text
from articles.search.definition import IndexDefinition, index_definition
from articles.search.indexes import ArchiveIndexes


def segmented(value: str, *, characters: bool = False) -> list[str]:
    """A text field as Elasticsearch receives it: the words in reading order (so phrases
    match), then the words inside longer words and (for names) the ideographs. Two
    values of an array, so no phrase spans them."""
    normalised = text.normalize(value)
    words = text.words(normalised)
    seen = set(words)
    inner = [
        t
        for t in text.index_postings(normalised, characters=characters)
        if t not in seen
    ]
    return [" ".join(words), " ".join(inner)]


def segmented_query(value: str) -> str:
    return " ".join(text.words(text.normalize(value)))


class ChineseElasticsearchBackend(Elasticsearch7SearchBackend):
    """The index definition of the embedded engines: the same fields, terms and boosts.

    One shard, so facet counts (terms aggregations) are exact.
    """

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        settings = copy.deepcopy(self.DEFAULT_SETTINGS)
        settings["settings"]["number_of_shards"] = 1
        self.DEFAULT_SETTINGS = settings
        self.definition = IndexDefinition()

    def build_schema(self, fields):
        self.definition = index_definition(fields)
        content_field_name, mapping = super().build_schema(fields)
        for name in self.definition.texts:
            mapping[name].update(analyzer="whitespace", search_analyzer="whitespace")
        return content_field_name, mapping

    def _prepare_object(self, index, obj):
        doc = index.full_prepare(obj)
        content = self.definition.content
        for name, options in self.definition.texts.items():
            if isinstance(doc.get(name), str):
                doc[name] = segmented(doc[name], characters=options.characters)
        # Merged fields (the garbled OCR forms) are searched with the document too.
        for name, options in self.definition.texts.items():
            if options.merged and isinstance(doc.get(name), list):
                doc[content] = [*doc.get(content, []), *doc[name]]
        return doc

    def build_search_kwargs(self, query_string, **kwargs):
        """Every word must be in the document field; in the title, names or garbled forms
        it adds that field's boost, as on the embedded engines."""
        found = super().build_search_kwargs(query_string, **kwargs)
        boosts = self.definition.boosts
        if query_string in ("*:*", "*") or not boosts:
            return found
        query = found["query"]
        holder, key = (query["bool"], "must") if "bool" in query else (found, "query")
        found_query = holder[key]
        boosted = copy.deepcopy(found_query)
        boosted["query_string"].pop("default_field", None)
        boosted["query_string"]["fields"] = [f"{n}^{b}" for n, b in boosts.items()]
        holder[key] = {"bool": {"must": found_query, "should": boosted}}
        return found


class ChineseElasticsearchSearchQuery(Elasticsearch7SearchQuery):
    """Searched words and phrases segmented by jieba before Elasticsearch sees them."""

    def build_query_fragment(self, field, filter_type, value):
        from haystack import connections
        from haystack.constants import DEFAULT_ALIAS

        unified = connections[self._using or DEFAULT_ALIAS].get_unified_index()
        if field in ("content", unified.document_field):
            if isinstance(value, Exact):
                value = Exact(segmented_query(value.query_string))
            elif isinstance(value, (str, Clean)):
                raw = value.query_string if isinstance(value, Clean) else value
                value = Clean(segmented_query(raw))
        return super().build_query_fragment(field, filter_type, value)


class ChineseElasticsearchEngine(Elasticsearch7SearchEngine):
    backend = ChineseElasticsearchBackend
    query = ChineseElasticsearchSearchQuery
    unified_index = ArchiveIndexes
