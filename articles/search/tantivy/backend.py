"""Haystack's engine on tantivy: the Whoosh engine's index definition, terms and parser.

Documents are prepared and segmented in Python (in worker processes for a rebuild),
then indexed, matched, counted, faceted and sorted in Rust. Select it with
SEARCH_ENGINE=articles.search.tantivy.backend.TantivyEngine (docs/search.md).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import tantivy
from django.utils.encoding import force_str
from haystack.backends import BaseEngine, BaseSearchBackend, log_query
from haystack.backends.whoosh_backend import WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.utils import get_identifier
from whoosh import query

from articles.search import results_cache, text
from articles.search.definition import IndexDefinition, index_definition
from articles.search.highlight import highlight_pattern, snippet, terms_to_mark
from articles.search.indexes import ArchiveIndexes
from articles.search.results_cache import Ranked
from articles.search.tantivy import documents
from articles.search.tantivy.queries import translate
from articles.search.whoosh.analysis import query_parser, whoosh_schema
from articles.search.whoosh.queries import marked_terms, with_field_boosts
from articles.search.whoosh.writing import (
    PARALLEL_THRESHOLD,
    frozen_heap,
    progress_bar,
    segment_workers,
)

# Facet values counted per segment before merging: more than any facet has, so every
# count is exact (tantivy reports the possible error, checked below).
FACET_SEGMENT_SIZE = 1_000_000
WRITER_HEAP = 256 * 2**20

# What forked preparation workers inherit: (search index, definition, objects). Set
# before forking, so the objects are never pickled to the workers.
_job = None


def _prepare_in_worker(position: int):
    from django.db import connections

    index, definition, objs = _job
    for conn in connections.all(initialized_only=True):
        conn.connection = None  # never the parent's socket; objects come prefetched
    return documents.prepare(index, objs[position], definition)


class TantivySearchBackend(BaseSearchBackend):
    # The query strings are the Whoosh engine's, with its values.
    _from_python = WhooshSearchBackend._from_python

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.path = Path(connection_options["PATH"]) / "tantivy"
        self.lock_timeout = float(connection_options.get("LOCK_TIMEOUT", 60))
        self.workers = int(
            connection_options.get("SEGMENT_WORKERS") or os.cpu_count() or 1
        )
        self.cache_seconds = int(connection_options.get("CACHE_SECONDS", 0))
        self.setup_complete = False
        self.definition = IndexDefinition()
        self.index = None
        self._meta = None

    def setup(self):
        from haystack import connections

        fields = connections[self.connection_alias].get_unified_index()
        self.definition = index_definition(fields.all_searchfields())
        self.content_field_name = self.definition.content
        self.whoosh = whoosh_schema(self.definition)
        self.parser = query_parser(self.whoosh, self.definition.content)
        self.schema = documents.build_schema(self.definition)
        self.path.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(self.schema, path=str(self.path))
        self._meta = self.generation()
        self.setup_complete = True

    # writing

    def _writer(self):
        """A writer, waiting up to LOCK_TIMEOUT for another process's writer."""
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                return self.index.writer(heap_size=WRITER_HEAP, num_threads=2)
            except ValueError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _commit(self, writer) -> None:
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self._meta = self.generation()
        results_cache.invalidate()

    def update(self, index, iterable, commit=True):
        global _job
        if not self.setup_complete:
            self.setup()
        objs = list(iterable)
        if not objs:
            return
        workers = segment_workers(self.workers, len(objs))
        bar = (
            progress_bar(len(objs), "建立检索索引")
            if len(objs) >= PARALLEL_THRESHOLD
            else None
        )
        pool = None
        if workers > 1:
            text.tokenizer()  # loaded once, inherited by the workers
            _job = (index, self.definition, objs)
            # The workers are forked before the writer starts tantivy's threads; the
            # documents they prepare are added as they arrive, while they prepare more.
            with frozen_heap():
                pool = multiprocessing.get_context("fork").Pool(workers)
            prepared = pool.imap(_prepare_in_worker, range(len(objs)), chunksize=32)
        else:
            prepared = (documents.prepare(index, obj, self.definition) for obj in objs)
        writer = None
        try:
            writer = self._writer()
            for obj, data in zip(objs, prepared, strict=True):
                writer.delete_documents_by_term(ID, get_identifier(obj))
                if data is not None:
                    writer.add_document(documents.document(data, self.definition))
                if bar is not None:
                    bar.update()
            if bar is not None:
                bar.set_postfix_str("提交…")
            self._commit(writer)
        except BaseException:
            if writer is not None:
                writer.rollback()
                del writer  # tantivy releases the lock when the writer is dropped
            if not self.silently_fail:
                raise
            self.log.exception("Failed to add documents to tantivy")
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()
            _job = None
            if bar is not None:
                bar.close()

    def remove(self, obj_or_string, commit=True):
        self.remove_identifiers([get_identifier(obj_or_string)])

    def remove_identifiers(self, identifiers) -> None:
        if not self.setup_complete:
            self.setup()
        writer = self._writer()
        try:
            for identifier in identifiers:
                writer.delete_documents_by_term(ID, identifier)
            self._commit(writer)
        except BaseException:
            writer.rollback()
            del writer
            if not self.silently_fail:
                raise
            self.log.exception("Failed to remove %s from tantivy", identifiers)

    def clear(self, models=None, commit=True):
        if not self.setup_complete:
            self.setup()
        writer = self._writer()
        writer.delete_all_documents()
        self._commit(writer)

    # searching

    def generation(self) -> tuple | None:
        """What identifies the latest commit, across processes: meta.json's stamp."""
        try:
            info = os.stat(self.path / "meta.json")
        except OSError:
            return None
        return (info.st_ino, info.st_mtime_ns, info.st_size)

    def _searcher(self):
        """A searcher of the latest commit, reloaded when another process committed."""
        stamp = self.generation()
        if stamp != self._meta:
            self.index.reload()
            self._meta = stamp
        return self.index.searcher()

    def warm_up(self) -> None:
        """Open the index and read every fast column once, so no request does."""
        if not self.setup_complete:
            self.setup()
        searcher = self._searcher()
        aggs = {
            name: {"terms": {"field": name, "size": 1}}
            for name in self.definition.facets
        }
        if aggs and searcher.num_docs:
            searcher.aggregate(tantivy.Query.all_query(), aggs)

    @log_query
    def search(
        self,
        query_string,
        sort_by=None,
        start_offset=0,
        end_offset=None,
        highlight=False,
        facets=None,
        narrow_queries=None,
        result_class=None,
        **kwargs,
    ):
        if not self.setup_complete:
            self.setup()
        query_string = force_str(query_string or "").strip()
        if not query_string:
            return results_cache.haystack_results(Ranked())
        narrow = sorted(force_str(nq) for nq in (narrow_queries or ()) if nq)
        sizes = {
            name: int((options or {}).get("size") or 0)
            if isinstance(options, dict)
            else 0
            for name, options in (facets or {}).items()
        }
        request = (query_string, narrow, list(sort_by or ()), sorted(sizes.items()))
        found = results_cache.cached(
            self,
            (*request, start_offset, end_offset),
            lambda: self._rank(*request, start_offset or 0, end_offset),
        )
        return results_cache.haystack_results(
            found,
            result_class,
            lambda results: (
                self._highlight(results, query_string) if highlight else None
            ),
        )

    def _query(self, query_string: str, narrow: list[str]):
        if query_string in ("*", "*:*"):
            q = query.Every()
        else:
            q = self.parser.parse(query_string)
            q = with_field_boosts(q, self.definition.content, self.definition.boosts)
        found = translate(q, self.schema) if q is not None else None
        if found is None:
            return None
        clauses = [(tantivy.Occur.Must, found)]
        for text_ in narrow:
            f = translate(self.parser.parse(text_), self.schema)
            if f is None:
                return None
            clauses.append(
                (tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0))
            )
        return tantivy.Query.boolean_query(clauses) if len(clauses) > 1 else found

    def _rank(self, query_string, narrow, sort_by, sizes, start, end) -> Ranked:
        searcher = self._searcher()
        q = self._query(query_string, narrow)
        if q is None or not searcher.num_docs:
            return Ranked(facets={name: [] for name, _ in sizes})
        limit = (end if end is not None else searcher.num_docs) - start
        options = {"count": True, "offset": start}
        sort = [s for s in sort_by if s.lstrip("-") in self.definition.columns]
        if sort:
            # Unset values (an undated page) come last in either direction.
            options["order_by_field"] = sort[0].lstrip("-")
            options["order"] = (
                tantivy.Order.Desc if sort[0].startswith("-") else tantivy.Order.Asc
            )
        result = searcher.search(q, max(limit, 0), **options)
        ranked = Ranked(total=result.count)
        for key, address in result.hits:
            stored = searcher.doc(address)
            ranked.ids.append(
                (stored.get_first(DJANGO_CT), stored.get_first(DJANGO_ID))
            )
            ranked.scores.append(float(key) if not sort else 0.0)
        ranked.facets = self._facets(searcher, q, dict(sizes), result.count)
        return ranked

    def _facets(self, searcher, q, sizes, total) -> dict:
        if not sizes:
            return {}
        if not total:
            return {name: [] for name in sizes}
        aggs = {
            name: {
                "terms": {
                    "field": name,
                    "size": size or FACET_SEGMENT_SIZE,
                    "segment_size": FACET_SEGMENT_SIZE,
                }
            }
            for name, size in sizes.items()
        }
        counted = searcher.aggregate(q, aggs)
        facets = {}
        for name in sizes:
            found = counted.get(name, {})
            assert not found.get("doc_count_error_upper_bound"), "inexact facet"
            facets[name] = sorted(
                ((b["key"], b["doc_count"]) for b in found.get("buckets", ())),
                key=lambda kv: (-kv[1], kv[0]),
            )
        return facets

    def _highlight(self, results, query_string):
        """Highlights cut from the database text of the page's articles."""
        from haystack import connections

        words, phrases = marked_terms(self.parser.parse(query_string))
        pattern = highlight_pattern(terms_to_mark(words, phrases))
        unified = connections[self.connection_alias].get_unified_index()
        for result in results:
            source = getattr(unified.get_index(result.model), "highlight_sources", None)
            if source is not None:
                body = source([result.pk]).get(str(result.pk), "")
                result.highlighted = {self.content_field_name: [snippet(body, pattern)]}

    def more_like_this(self, model_instance, *args, **kwargs):
        return {"results": [], "hits": 0}


class TantivyEngine(BaseEngine):
    backend = TantivySearchBackend
    # Haystack's Whoosh query class writes the query strings both embedded engines parse.
    query = WhooshSearchQuery
    unified_index = ArchiveIndexes
