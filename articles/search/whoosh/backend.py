"""Haystack's Whoosh engine made fit for Chinese: the schema, searching on arrays, writing."""

from __future__ import annotations

import os

from django.utils.encoding import force_str
from haystack.backends import log_query
from haystack.backends.whoosh_backend import (
    WhooshEngine,
    WhooshSearchBackend,
    WhooshSearchQuery,
)
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.utils import get_identifier
from whoosh import query

from articles.search import results_cache
from articles.search.definition import IndexDefinition, index_definition
from articles.search.highlight import highlight_pattern, snippet, terms_to_mark
from articles.search.indexes import ArchiveIndexes
from articles.search.results_cache import Ranked
from articles.search.whoosh import caches, writing
from articles.search.whoosh.analysis import query_parser, whoosh_schema
from articles.search.whoosh.queries import (
    marked_terms,
    with_field_boosts,
)
from articles.search.whoosh.scoring import rank

# Words whose postings (and positions) a worker decodes at boot.
WARM_POSTINGS, WARM_POSITIONS = 64, 8
NOTHING = {"results": [], "hits": 0, "facets": {}, "spelling_suggestion": None}


class ChineseWhooshSearchBackend(WhooshSearchBackend):
    """Haystack's Whoosh backend with Chinese analysis and array-based search.

    Overrides: the schema (jieba fields, nothing stored but ids, exact facet fields),
    the query parser (Chinese words, offset phrases, one-character queries), search
    (matches, filters, facets and sorting as array operations over cached per-segment
    columns; highlights cut from the database text), and writing (parallel
    segmentation, waiting for the write lock instead of failing).
    """

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.lock_timeout = float(connection_options.get("LOCK_TIMEOUT", 60))
        self.limitmb = int(connection_options.get("LIMITMB", 512))
        self.workers = int(
            connection_options.get("SEGMENT_WORKERS") or os.cpu_count() or 1
        )
        self.cache_seconds = int(connection_options.get("CACHE_SECONDS", 0))
        self.definition = IndexDefinition()
        self._searcher = None
        self._stamp = None

    # schema and parser

    def build_schema(self, fields):
        self.definition = index_definition(fields)
        return self.definition.content, whoosh_schema(self.definition)

    def setup(self):
        super().setup()
        # Bare words and phrases go to the document field, which holds all searched text
        # (title, people and garbled forms included); see `with_field_boosts`.
        self.parser = query_parser(self.schema, self.content_field_name)
        self._searcher = None
        self._stamp = None

    # writing

    def _writer(self, bulk: bool = False):
        """A writer that waits up to LOCK_TIMEOUT for another process's write lock."""
        self.index = self.index.refresh()
        options = {"timeout": self.lock_timeout, "delay": 0.05}
        if bulk:
            options.update(self._bulk_options())
        return writing.ArchiveSegmentWriter(self.index, **options)

    def _bulk_options(self):
        # Large batches: more memory before the committing writer's pool (merges, or
        # a batch segmented in-process) spills to temporary files, and no copy of each
        # new segment into one compound file.
        return {"limitmb": self.limitmb, "compound": False}

    def prepare_document(self, index, obj):
        return writing.prepare_document(index, obj, self.definition, self._from_python)

    def update(self, index, iterable, commit=True):
        if not self.setup_complete:
            self.setup()
        objs = list(iterable)
        if not objs:
            return
        bulk = len(objs) >= writing.PARALLEL_THRESHOLD
        workers = writing.segment_workers(self.workers, len(objs))
        bar = writing.progress_bar(len(objs), "建立检索索引") if bulk else None
        writer = self._writer(bulk=bulk)
        try:
            if workers > 1:
                writer.add_in_workers(
                    self,
                    index,
                    objs,
                    workers,
                    self._bulk_options(),
                    progress=bar.update if bar is not None else None,
                )
            else:
                for obj in objs:
                    doc = self.prepare_document(index, obj)
                    if doc is not None:
                        writer.update_document(**doc)
                    if bar is not None:
                        bar.update()
            if bar is not None:
                bar.set_postfix_str("提交…")
            writer.commit()
        except BaseException:
            writer.cancel()
            if not self.silently_fail:
                raise
            self.log.exception("Failed to add documents to Whoosh")
        finally:
            if bar is not None:
                bar.close()
            results_cache.invalidate()

    def remove(self, obj_or_string, commit=True):
        self.remove_identifiers([get_identifier(obj_or_string)])

    def remove_identifiers(self, identifiers) -> None:
        if not self.setup_complete:
            self.setup()
        identifiers = list(identifiers)
        if not identifiers:
            return
        writer = self._writer()
        try:
            for identifier in identifiers:
                writer.delete_by_term(ID, identifier)
            writer.commit()
        except BaseException:
            writer.cancel()
            if not self.silently_fail:
                raise
            self.log.exception("Failed to remove %s from Whoosh", identifiers)
        finally:
            results_cache.invalidate()

    def clear(self, models=None, commit=True):
        super().clear(models=models, commit=commit)
        self._searcher = None
        self._stamp = None
        results_cache.invalidate()

    # searching

    def _fresh_searcher(self):
        """The searcher for the latest commit, reopened only when the index changed."""
        stamp = self.generation()
        if self._searcher is None or stamp is None or stamp != self._stamp:
            if self._searcher is not None:
                self._searcher.close()
            self.index = self.storage.open_index(schema=self.schema)
            self._searcher = self.index.searcher()
            self._stamp = stamp
            # An empty index's reader has no segment.
            caches.forget_segments(
                {
                    r.segment().segment_id()
                    for r, _ in self._searcher.reader().leaf_readers()
                    if r.segment() is not None
                }
            )
        return self._searcher

    def generation(self) -> tuple | None:
        """What identifies the index's latest commit, across processes; None in RAM.

        A rebuild deletes and recreates the directory and restarts Whoosh's generation
        numbers, so the table of contents' inode and mtime are compared too.
        """
        try:
            generation = self.index.latest_generation()
            toc = os.path.join(self.path, f"_{self.index.indexname}_{generation}.toc")
            info = os.stat(toc)
        except (OSError, AttributeError, TypeError):  # RAM storage has no files
            return None
        return (generation, info.st_ino, info.st_mtime_ns)

    def warm_up(self) -> None:
        """Open the index and load every segment's columns, so no request does."""
        if not self.setup_complete:
            self.setup()
        searcher = self._fresh_searcher()
        for leaf, _offset in searcher.reader().leaf_readers():
            seg = caches.segment_cache(leaf)
            for name in self.definition.facets:
                seg.facet(leaf, name)
            for name in self.definition.columns:
                seg.sort_key(leaf, name)
            for name in self.definition.texts:
                seg.field_lengths(leaf, name)
                seg.unknown_words(leaf, name)
            # The commonest words are in most searches (工会, 发展): their postings,
            # and the positions of the very commonest, for phrases.
            content = self.definition.content
            common = leaf.most_frequent_terms(content, number=WARM_POSTINGS)
            for i, (_frequency, btext) in enumerate(common):
                caches.postings(leaf, content, btext)
                if i < WARM_POSITIONS:
                    caches.position_keys(leaf, content, btext)

    @log_query
    def search(
        self,
        query_string,
        sort_by=None,
        start_offset=0,
        end_offset=None,
        fields="",
        highlight=False,
        facets=None,
        narrow_queries=None,
        models=None,
        result_class=None,
        **kwargs,
    ):
        if not self.setup_complete:
            self.setup()
        query_string = force_str(query_string or "").strip()
        if not query_string:
            return NOTHING
        narrow = sorted(force_str(nq) for nq in (narrow_queries or ()) if nq)
        if models:
            narrow.append(
                " OR ".join(f"{DJANGO_CT}:{m._meta.label_lower}" for m in models)
            )
        searcher = self._fresh_searcher()
        request = (query_string, narrow, list(sort_by or ()), sorted(facets or ()))
        found = results_cache.cached(
            self,
            (*request, start_offset, end_offset),
            lambda: self._rank(searcher, *request, start_offset, end_offset),
        )
        return results_cache.haystack_results(
            found,
            result_class,
            lambda results: (
                self._highlight(results, query_string) if highlight else None
            ),
        )

    def _rank(
        self, searcher, query_string, narrow, sort_by, facets, start, end
    ) -> Ranked:
        if not searcher.doc_count():
            return Ranked()
        if query_string in ("*", "*:*"):
            q = query.Every()
        else:
            q = self.parser.parse(query_string)
            q = with_field_boosts(q, self.content_field_name, self.definition.boosts)
        if q is None or q is query.NullQuery:
            return Ranked()
        filters = [self.parser.parse(text) for text in narrow]
        ranked, docnums = rank(
            searcher,
            q,
            [f for f in filters if f is not None],
            sort_by=[s for s in sort_by if s.lstrip("-") in self.definition.columns],
            facets=facets,
            start=start or 0,
            end=end,
        )
        ranked.ids = [
            tuple(searcher.stored_fields(d)[k] for k in (DJANGO_CT, DJANGO_ID))
            for d in docnums
        ]
        return ranked

    def _highlight(self, results, query_string):
        """Highlights cut from the database text of the page's articles (the index
        stores none), marking what the parsed query looks for."""
        from haystack import connections

        words, phrases = marked_terms(self.parser.parse(query_string))
        pattern = highlight_pattern(terms_to_mark(words, phrases))
        unified = connections[self.connection_alias].get_unified_index()
        by_model = {}
        for result in results:
            by_model.setdefault(result.model, []).append(result)
        for model, group in by_model.items():
            source = getattr(unified.get_index(model), "highlight_sources", None)
            if source is None:
                continue
            texts = source([r.pk for r in group])
            for result in group:
                text = texts.get(str(result.pk), "")
                result.highlighted = {self.content_field_name: [snippet(text, pattern)]}

    def more_like_this(self, model_instance, *args, **kwargs):
        # The index keeps no term vectors or stored text to compare documents by.
        return {"results": [], "hits": 0}


class ChineseWhooshEngine(WhooshEngine):
    backend = ChineseWhooshSearchBackend
    query = WhooshSearchQuery
    unified_index = ArchiveIndexes
