"""Haystack's Whoosh engine made fit for Chinese: jieba analysis, CJK phrases and highlights, fast facets."""

from __future__ import annotations

import multiprocessing
import os
import re
import sys
import threading
from array import array
from bisect import bisect_left
from collections import Counter
from itertools import chain

from django.utils.encoding import force_str
from haystack.backends import log_query
from haystack.backends.whoosh_backend import (
    WhooshEngine,
    WhooshSearchBackend,
    WhooshSearchQuery,
)
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SkipDocument
from haystack.models import SearchResult
from haystack.utils import get_identifier
from haystack.utils.app_loading import haystack_get_model
from whoosh import fields as whoosh_fields
from whoosh import formats, query, scoring
from whoosh.analysis import Token, Tokenizer
from whoosh.matching import ListMatcher, NullMatcher, UnionMatcher, WrappingMatcher
from whoosh.matching.binary import IntersectionMatcher
from whoosh.qparser import AndGroup, QueryParser
from whoosh.query.spans import Span, SpanWrappingMatcher
from whoosh.util import make_binary_tree
from whoosh.writing import SegmentWriter

from articles import search_text

# Words containing a one-character query, scored; the rest match unscored.
MAX_SCORED_EXPANSIONS = 64
# Below this many documents an update is segmented in-process (signal updates).
PARALLEL_THRESHOLD = 200
POSITIONS = formats.Positions()


# --- analysis -----------------------------------------------------------------------


class PreSegmented(tuple):
    """(term bytes, frequency, weight, encoded positions) for one field of one document."""

    __slots__ = ()


_single_position: dict[int, bytes] = {}


def encode_postings(postings: dict[str, list[int]], weights=None) -> PreSegmented:
    """Postings in Whoosh's Positions format; most terms occur once, and those are cached."""
    items = []
    weights = weights or {}
    for term, positions in postings.items():
        if len(positions) == 1:
            value = _single_position.get(positions[0])
            if value is None:
                value = _single_position[positions[0]] = POSITIONS.encode(positions)
        else:
            value = POSITIONS.encode(positions)
        weight = weights.get(term, float(len(positions)))
        items.append((term.encode("utf-8"), len(positions), weight, value))
    return PreSegmented(items)


def segment(value: str, characters: bool = False) -> PreSegmented:
    return encode_postings(
        search_text.index_postings(search_text.normalize(value), characters=characters)
    )


class ChineseAnalyzer(Tokenizer):
    """Whoosh analyzer over `search_text`: index terms, or a phrase's matching units.

    Used by Whoosh for phrases in queries (mode="query") and by anything that asks a
    field to tokenize; indexing itself goes through `ChineseText.index`, which skips
    Whoosh's per-token objects.
    """

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __hash__(self):
        return hash(self.__class__.__name__)

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        text = search_text.normalize(value)
        if mode == "query":
            pairs = search_text.phrase_units(text)
        else:
            pairs = sorted(
                (position, term)
                for term, positions_ in search_text.index_postings(text).items()
                for position in positions_
            )
            pairs = [(term, position) for position, term in pairs]
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term, offset in pairs:
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = term
            if positions:
                token.pos = start_pos + offset
            if chars:
                token.startchar = start_char + offset
                token.endchar = start_char + offset + len(term)
            yield token


class ChineseText(whoosh_fields.TEXT):
    """A text field analysed with jieba, storing nothing, with Chinese query parsing."""

    def __init__(self, characters: bool = False):
        super().__init__(
            analyzer=ChineseAnalyzer(), phrase=True, stored=False, spelling=False
        )
        self.characters = characters

    def index(self, value, **kwargs):
        yield from (
            value
            if isinstance(value, PreSegmented)
            else segment(value, self.characters)
        )

    def self_parsing(self):
        # Whoosh then hands every bare word of a query to parse_query below, instead
        # of splitting it on whitespace and stemming it.
        return True

    def parse_query(self, fieldname, qstring, boost=1.0):
        return word_query(fieldname, search_text.normalize(qstring), boost=boost)

    def parse_range(self, fieldname, start, end, startexcl, endexcl, boost=1.0):
        return query.NullQuery


def word_query(fieldname: str, text: str, *, boost: float = 1.0) -> query.Query:
    """One space-free chunk of a query (劳动关系治理): all its words must occur in the field.

    A chunk of one ideograph (王, 党) matches every word containing it, since a surname
    or a one-character word is rarely a token of its own.
    """
    chars = [c for c in text if search_text.is_wordish(c)]
    if len(chars) == 1 and search_text.CJK_CHAR.match(chars[0]):
        return ContainsCharacter(fieldname, chars[0], boost=boost)
    parts = [WordTerm(fieldname, w) for w in search_text.words(text)]
    if not parts:
        return query.NullQuery
    q = parts[0] if len(parts) == 1 else query.And(parts)
    return q.with_boost(boost) if boost != 1.0 else q


class OffsetPhrase(query.Phrase):
    """A phrase whose terms must sit at given character offsets from one another.

    Positions in the index are character offsets, so 劳动@p, 关系@p+2, 治理@p+4 is the
    phrase 劳动关系治理 wherever it occurs, however the text around it was segmented.
    """

    def __init__(
        self, fieldname, words, slop=1, boost=1.0, char_ranges=None, offsets=None
    ):
        super().__init__(
            fieldname, words, slop=slop, boost=boost, char_ranges=char_ranges
        )
        if offsets is None:
            if char_ranges:
                base = char_ranges[0][0]
                offsets = [start - base for start, _ in char_ranges]
            else:
                offsets, running = [], 0
                for word in words:
                    offsets.append(running)
                    running += len(word)
        self.offsets = list(offsets)

    def __eq__(self, other):
        return super().__eq__(other) and self.offsets == other.offsets

    def __hash__(self):
        return super().__hash__() ^ hash(tuple(self.offsets))

    def normalize(self):
        if not self.words:
            return query.NullQuery
        if len(self.words) == 1:
            return query.Term(self.fieldname, self.words[0], boost=self.boost)
        return self.__class__(
            self.fieldname,
            list(self.words),
            boost=self.boost,
            char_ranges=self.char_ranges,
            offsets=self.offsets,
        )

    def matcher(self, searcher, context=None):
        if self.fieldname not in searcher.schema:
            return NullMatcher()
        field = searcher.schema[self.fieldname]
        if not field.format or not field.format.supports("positions"):
            return NullMatcher()
        reader = searcher.reader()
        matchers = []
        for word in self.words:
            if (self.fieldname, field.to_bytes(word)) not in reader:
                return NullMatcher()
            matchers.append(query.Term(self.fieldname, word).matcher(searcher, context))
        m = OffsetMatcher(matchers, self.offsets)
        return WrappingMatcher(m, boost=self.boost) if self.boost != 1.0 else m


class OffsetMatcher(SpanWrappingMatcher):
    def __init__(self, matchers, offsets):
        self.ms = matchers
        self.offsets = offsets
        super().__init__(make_binary_tree(IntersectionMatcher, matchers))

    def copy(self):
        return self.__class__([m.copy() for m in self.ms], self.offsets)

    def replace(self, minquality=0):
        return self if self.is_active() else NullMatcher()

    def _get_spans(self):
        first, *rest = self.ms
        base = self.offsets[0]
        others = [
            (set(m.value_as("positions")), offset - base)
            for m, offset in zip(rest, self.offsets[1:], strict=True)
        ]
        length = self.offsets[-1] - base + 1
        return [
            Span(p, p + length)
            for p in first.value_as("positions")
            if all(p + delta in positions for positions, delta in others)
        ]


class ContainsCharacter(query.MultiTerm):
    """Every indexed word containing one ideograph (王 → 王君伟, 国王, 王国)."""

    def __init__(self, fieldname, text, boost=1.0):
        self.fieldname = fieldname
        self.text = text
        self.boost = boost

    def __eq__(self, other):
        return (
            other is not None
            and self.__class__ is other.__class__
            and self.fieldname == other.fieldname
            and self.text == other.text
            and self.boost == other.boost
        )

    def __hash__(self):
        return hash((self.__class__.__name__, self.fieldname, self.text, self.boost))

    def __repr__(self):
        return f"{self.__class__.__name__}({self.fieldname!r}, {self.text!r})"

    def __str__(self):
        return f"{self.fieldname}:{self.text}"

    def _btexts(self, ixreader):
        terms = []
        for leaf, _offset in ixreader.leaf_readers():
            terms.extend(character_words(leaf, self.fieldname).get(self.text, ()))
        return sorted(set(terms))

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        btexts = self._btexts(reader)
        if not btexts:
            return NullMatcher()
        field = self.fieldname
        ranked = sorted(
            btexts, key=lambda b: reader.doc_frequency(field, b), reverse=True
        )
        scored_terms = [
            query.Term(field, b.decode("utf-8")) for b in ranked[:MAX_SCORED_EXPANSIONS]
        ]
        scored = query.Or(scored_terms, boost=self.boost).matcher(searcher, context)
        if len(ranked) <= MAX_SCORED_EXPANSIONS:
            return scored
        # A common character (党, 工) is in hundreds of words: their documents still
        # match, at a token score, so the query stays fast.
        rest = set()
        for btext in ranked[MAX_SCORED_EXPANSIONS:]:
            rest.update(reader.postings(field, btext).all_ids())
        if not rest:
            return scored
        return UnionMatcher(scored, ListMatcher(sorted(rest), all_weights=0.01))


class WordTerm(ContainsCharacter):
    """A word, and the out-of-dictionary words that contain it (人会 → 人会率, 君伟 → 王君伟).

    Dictionary words inside longer words are indexed anyway; words jieba's HMM made up
    (names, OCR misreadings run together) are not split, so they are looked up here.
    """

    MAX_EXPANSIONS = 50

    def _btexts(self, ixreader):
        word = self.text
        found = {word.encode("utf-8")}
        if len(word) >= 2 and search_text.CJK_CHAR.match(word):
            for leaf, _offset in ixreader.leaf_readers():
                for btext in unknown_words(leaf, self.fieldname).get(word[0], ()):
                    if word in btext.decode("utf-8"):
                        found.add(btext)
        return sorted(found)

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        btexts = [b for b in self._btexts(reader) if (self.fieldname, b) in reader]
        if not btexts:
            return NullMatcher()
        if len(btexts) > self.MAX_EXPANSIONS:
            btexts.sort(
                key=lambda b: reader.doc_frequency(self.fieldname, b), reverse=True
            )
            btexts = btexts[: self.MAX_EXPANSIONS]
        weighting = context.weighting if context is not None else searcher.weighting
        ms = [
            term_matcher(searcher, self.fieldname, b, weighting, context)
            for b in btexts
        ]
        m = ms[0] if len(ms) == 1 else make_binary_tree(UnionMatcher, ms)
        return WrappingMatcher(m, boost=self.boost) if self.boost != 1.0 else m

    def estimate_size(self, ixreader):
        return ixreader.doc_frequency(self.fieldname, self.text.encode("utf-8"))


class CachedPostingsMatcher(ListMatcher):
    """A common word's postings, decoded once per segment; skip_to by binary search."""

    def skip_to(self, id):
        if self._i < len(self._ids) and id > self._ids[self._i]:
            self._i = bisect_left(self._ids, id, self._i)

    def supports_block_quality(self):
        return False

    def copy(self):
        return self.__class__(
            self._ids, self._weights, scorer=self._scorer, position=self._i
        )


def term_matcher(searcher, fieldname: str, btext: bytes, weighting, context):
    """A term's matcher; for a word in a large share of a segment, from decoded postings.

    Whoosh decodes a compressed block every time an intersection skips into it, so a rare
    word AND a common word (战舰 工会) spends its time decoding the common word's blocks.
    Those postings are decoded once per segment (and its deletions) and kept.
    """
    reader = searcher.reader()
    docs = reader.doc_count()
    if not reader.is_atomic() or reader.doc_frequency(fieldname, btext) < max(
        COMMON_TERM_MIN_DOCS, docs // 4
    ):
        return query.Term(fieldname, btext.decode("utf-8")).matcher(searcher, context)
    key = (_segment_key(reader), "\x00postings:" + fieldname, btext, docs)
    found = _common_postings.get(key)
    if found is None:
        ids, weights = array("I"), array("f")
        m = reader.postings(fieldname, btext)
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
        found = (ids, weights)
        with _cache_lock:
            while len(_common_postings) >= MAX_COMMON_POSTINGS:
                _common_postings.pop(next(iter(_common_postings)))
            _common_postings[key] = found
    scorer = (
        weighting.scorer(searcher, fieldname, btext.decode("utf-8"))
        if weighting
        else None
    )
    return CachedPostingsMatcher(
        found[0], found[1], scorer=scorer, term=(fieldname, btext)
    )


def on_field(q, fieldname: str, boost: float):
    """The same word or phrase query on another field, with that field's boost."""
    if isinstance(q, OffsetPhrase):
        return OffsetPhrase(fieldname, list(q.words), boost=boost, offsets=q.offsets)
    if isinstance(q, ContainsCharacter):  # WordTerm too
        return q.__class__(fieldname, q.text, boost=boost)
    return query.Term(fieldname, q.text, boost=boost)


# --- per-segment caches ------------------------------------------------------------

_cache_lock = threading.Lock()
_character_words: dict[tuple[str, str], dict[str, list[bytes]]] = {}
_segment_values: dict[tuple[str, str], list] = {}
# Decoded postings of common words, oldest evicted first.
_common_postings: dict[tuple, tuple] = {}
MAX_COMMON_POSTINGS = 256
COMMON_TERM_MIN_DOCS = 500


def _segment_key(leaf_reader) -> str:
    # Whoosh segments never change once written (deletions aside), so whatever is
    # derived from one is cached under its id until the segment is merged away.
    segment = leaf_reader.segment() if hasattr(leaf_reader, "segment") else None
    return segment.segment_id() if segment is not None else f"empty-{id(leaf_reader)}"


def character_words(leaf_reader, fieldname: str) -> dict[str, list[bytes]]:
    key = (_segment_key(leaf_reader), fieldname)
    found = _character_words.get(key)
    if found is None:
        found = {}
        if fieldname in leaf_reader.schema:
            for btext in leaf_reader.lexicon(fieldname):
                word = btext.decode("utf-8")
                for char in set(search_text.CJK_CHAR.findall(word)):
                    found.setdefault(char, []).append(btext)
        with _cache_lock:
            _character_words[key] = found
    return found


def unknown_words(leaf_reader, fieldname: str) -> dict[str, list[bytes]]:
    """Words of three or more ideographs not in jieba's dictionary, by each character."""
    key = (_segment_key(leaf_reader), "\x00unknown:" + fieldname)
    found = _character_words.get(key)
    if found is None:
        found = {}
        freq = search_text.tokenizer().FREQ
        for char, btexts in character_words(leaf_reader, fieldname).items():
            unknown = [
                b for b in btexts if len(b) >= 9 and not freq.get(b.decode("utf-8"))
            ]
            if unknown:
                found[char] = unknown
        with _cache_lock:
            _character_words[key] = found
    return found


def segment_values(leaf_reader, fieldname: str) -> list:
    """The values of a facet (or sort) field for each document of one segment."""
    key = (_segment_key(leaf_reader), fieldname)
    found = _segment_values.get(key)
    if found is None:
        count = leaf_reader.doc_count_all()
        field = (
            leaf_reader.schema[fieldname] if fieldname in leaf_reader.schema else None
        )
        if (
            field is not None
            and field.column_type is not None
            and leaf_reader.has_column(fieldname)
        ):
            found = list(leaf_reader.column_reader(fieldname))
        else:
            found = [()] * count
            if field is not None:
                for btext in leaf_reader.lexicon(fieldname):
                    value = (btext.decode("utf-8"),)
                    for docnum in leaf_reader.postings(fieldname, btext).all_ids():
                        found[docnum] = found[docnum] + value
        with _cache_lock:
            _segment_values[key] = found
    return found


def sort_keys(leaf_reader, fieldname: str) -> list[int | None]:
    """A sort column's raw values for each document of one segment; None where unset.

    Whoosh fills a document without a value with the column's default (the largest
    number, which is no date at all), and a segment where no document has one has no
    column: both read as None here.
    """
    key = (_segment_key(leaf_reader), "\x00sort:" + fieldname)
    found = _segment_values.get(key)
    if found is None:
        count = leaf_reader.doc_count_all()
        found = [None] * count
        if leaf_reader.has_column(fieldname):
            field = leaf_reader.schema[fieldname]
            unset = getattr(field, "default", None)
            column = leaf_reader.column_reader(fieldname, translate=False)
            found = [None if v == unset else v for v in column]
        with _cache_lock:
            _segment_values[key] = found
    return found


def ascending_key(value: int | None) -> tuple[bool, int]:
    return (value is None, value or 0)


def descending_key(value: int | None) -> tuple[bool, int]:
    return (value is None, -(value or 0))


def forget_segments(live_ids: set[str]) -> None:
    with _cache_lock:
        for cache in (_character_words, _segment_values, _common_postings):
            for key in [k for k in cache if k[0] not in live_ids]:
                del cache[key]


def field_lengths(leaf_reader, fieldname: str) -> list[int]:
    """Each document's length in a field, for one segment (BM25 reads it for every posting)."""
    key = (_segment_key(leaf_reader), "\x00length:" + fieldname)
    found = _segment_values.get(key)
    if found is None:
        read = leaf_reader.doc_field_length
        found = [read(d, fieldname, 1) for d in range(leaf_reader.doc_count_all())]
        with _cache_lock:
            _segment_values[key] = found
    return found


class ArchiveBM25F(scoring.BM25F):
    """Whoosh's BM25F, reading field lengths from a per-segment list instead of the column file."""

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf)
        reader = searcher.reader()
        if hasattr(scorer, "dfl") and reader.is_atomic():
            scorer.dfl = field_lengths(reader, fieldname).__getitem__
        return scorer


# --- indexing in parallel ----------------------------------------------------------

# What forked workers inherit: (backend, search index, objects). Set just before the fork.
_job = None
_inherited_connections: list = []


def _detach_database():
    # A forked worker must never talk over its parent's database socket. The inherited
    # connection objects are kept referenced (a finaliser would close the parent's
    # session) and replaced, so any database access here opens a connection of its own.
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        _inherited_connections.append(conn.connection)
        conn.connection = None


def _index_in_worker(ix, first: int, last: int, results, writer_options) -> None:
    """A forked worker: prepare, segment and write objects [first, last) as one segment."""
    backend, index, objs = _job
    _detach_database()
    try:
        writer = ArchiveSegmentWriter(ix, _lk=False, **writer_options)
        done = 0
        for position in range(first, last):
            doc = backend.prepare_document(index, objs[position])
            if doc is not None:
                writer.add_document(**doc)
            done += 1
            if done % 50 == 0:
                results.put(("progress", 50))
        results.put(("progress", done % 50))
        if writer._added:
            segment = writer._finalize_segment()
        else:
            writer._close_segment()
            segment = None
        results.put(("segment", segment))
    except BaseException:
        import traceback

        results.put(("error", traceback.format_exc()))


class CachedLengths:
    """Field lengths read once per document instead of once per posting.

    Whoosh looks up the document's field length for every posting it writes (~600 per
    article); reading each length once takes a large share off every commit.
    """

    def __init__(self, reader, doc_count):
        self.reader = reader
        self.doc_count = doc_count
        self.lengths = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        lengths = self.lengths.get(fieldname)
        if lengths is None:
            read = self.reader.doc_field_length
            lengths = self.lengths[fieldname] = [
                read(d, fieldname, default) for d in range(self.doc_count)
            ]
        return lengths[docnum] if docnum < len(lengths) else default

    def __getattr__(self, name):
        return getattr(self.reader, name)


class ArchiveSegmentWriter(SegmentWriter):
    """Whoosh's segment writer with cached field lengths and a parallel bulk mode."""

    _sub_segments: list | None = None

    def _flush_segment(self):
        self.perdocwriter.close()
        reader = self.per_document_reader() if self.codec.length_stats else None
        lengths = CachedLengths(reader, self.docnum) if reader is not None else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if reader is not None:
            reader.close()

    def add_in_workers(
        self, backend, index, objs, workers, writer_options, progress=None
    ):
        """Index `objs` in `workers` forked processes, each writing a segment of its own.

        Rendering documents, jieba segmentation (~10 ms an article, pure Python) and
        Whoosh's posting writer all run in the workers; this writer, which holds the
        index lock, adds their segments when it commits (as Whoosh's MpWriter does with
        multisegment=True). Documents being replaced are deleted here first.
        """
        global _job
        for obj in objs:
            self.delete_by_term(ID, get_identifier(obj))
        # Everything a worker needs is loaded before the fork, so each starts warm.
        search_text.tokenizer()
        search_text.normalize("預熱")
        _job = (backend, index, objs)
        context = multiprocessing.get_context("fork")
        results = context.Queue()
        bounds = [len(objs) * i // workers for i in range(workers + 1)]
        processes = [
            context.Process(
                target=_index_in_worker,
                args=(
                    self.storage.open_index(self.indexname),
                    bounds[i],
                    bounds[i + 1],
                    results,
                    writer_options,
                ),
                daemon=True,
            )
            for i in range(workers)
        ]
        try:
            for process in processes:
                process.start()
            segments, finished = [], 0
            while finished < workers:
                kind, value = results.get()
                if kind == "progress":
                    if progress is not None:
                        progress(value)
                elif kind == "segment":
                    finished += 1
                    if value is not None:
                        segments.append(value)
                else:
                    raise RuntimeError(f"search indexing worker failed:\n{value}")
            for process in processes:
                process.join()
        except BaseException:
            for process in processes:
                if process.is_alive():
                    process.terminate()
            raise
        finally:
            _job = None
        self._sub_segments = (self._sub_segments or []) + segments

    def commit(self, mergetype=None, optimize=None, merge=None):
        if not self._sub_segments:
            return super().commit(mergetype=mergetype, optimize=optimize, merge=merge)
        self._check_state()
        final = self._merge_segments(mergetype, optimize, merge)
        final += self._sub_segments
        if self._added:
            final.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(final)
        self._finish()


def _progress(total: int, description: str):
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return None
    # disable=None: a bar on an interactive terminal, silence in logs and tests.
    return tqdm(total=total, desc=description, unit="篇", disable=None, file=sys.stderr)


# --- the backend ---------------------------------------------------------------------


class ChineseWhooshSearchBackend(WhooshSearchBackend):
    """Haystack's Whoosh backend with Chinese analysis and the fixes Chinese search needs.

    Overrides: the schema (jieba fields, nothing stored but ids, exact facet fields),
    the query parser (Chinese words, offset phrases, one-character queries), search
    (filters as doc sets, facets and date sort from per-segment caches, highlights on
    the stored text of the page's articles), and writing (parallel segmentation,
    waiting for the write lock instead of failing when another process holds it).
    """

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.lock_timeout = float(connection_options.get("LOCK_TIMEOUT", 60))
        self.limitmb = int(connection_options.get("LIMITMB", 512))
        self.workers = int(
            connection_options.get("SEGMENT_WORKERS") or os.cpu_count() or 1
        )
        self.field_boosts: dict[str, float] = {}
        self.text_fields: list[tuple[str, bool]] = []
        self.merged_fields: list[str] = []
        self._searcher = None
        self._stamp = None

    # schema and parser

    def build_schema(self, fields):
        schema_fields = {
            ID: whoosh_fields.ID(stored=False, unique=True),
            DJANGO_CT: whoosh_fields.ID(stored=True),
            DJANGO_ID: whoosh_fields.ID(stored=True),
        }
        content_field_name = ""
        self.field_boosts, self.text_fields, self.merged_fields = {}, [], []
        for field_class in fields.values():
            name = field_class.index_fieldname
            if field_class.is_multivalued:
                schema_fields[name] = whoosh_fields.KEYWORD(
                    stored=False, commas=True, lowercase=False, scorable=False
                )
            elif field_class.field_type in ("date", "datetime"):
                schema_fields[name] = whoosh_fields.DATETIME(
                    stored=False, sortable=True
                )
            elif field_class.field_type in ("integer", "float"):
                numtype = int if field_class.field_type == "integer" else float
                schema_fields[name] = whoosh_fields.NUMERIC(
                    stored=False, numtype=numtype, sortable=True
                )
            elif field_class.field_type == "boolean":
                schema_fields[name] = whoosh_fields.BOOLEAN(stored=False)
            elif hasattr(field_class, "facet_for") or not field_class.indexed:
                # Facets are exact values (a column, a province), never analysed.
                schema_fields[name] = whoosh_fields.ID(stored=False)
            else:
                characters = bool(getattr(field_class, "index_characters", False))
                schema_fields[name] = ChineseText(characters=characters)
                self.field_boosts[name] = float(field_class.boost or 1.0)
                self.text_fields.append((name, characters))
                if getattr(field_class, "searched_with_document", False):
                    self.merged_fields.append(name)
            if field_class.document:
                content_field_name = name
        return content_field_name, whoosh_fields.Schema(**schema_fields)

    def setup(self):
        super().setup()
        # Bare words and phrases go to the document field, which holds all searched text
        # (title, people and garbled forms included); see `with_field_boosts`.
        self.parser = QueryParser(
            self.content_field_name,
            schema=self.schema,
            phraseclass=OffsetPhrase,
            group=AndGroup,
        )
        self._searcher = None
        self._stamp = None

    def with_field_boosts(self, q):
        """Each searched word must be in the document field; in the title, names or
        garbled forms it adds that field's boost (AndMaybe), so matching intersects one
        posting list per word and the boosting fields are read only for matches."""
        content = self.content_field_name
        extras = [
            (name, boost)
            for name, boost in self.field_boosts.items()
            if name != content
        ]
        if isinstance(q, query.Not) or not extras:
            return q
        if (
            isinstance(q, (WordTerm, ContainsCharacter, OffsetPhrase, query.Term))
            and q.field() == content
        ):
            boosted = [on_field(q, name, boost) for name, boost in extras]
            return query.AndMaybe(q, query.Or(boosted))
        return q.apply(self.with_field_boosts)

    # writing

    def _writer(self, bulk: bool = False):
        """A writer that waits up to LOCK_TIMEOUT for another process's write lock."""
        self.index = self.index.refresh()
        options = {"timeout": self.lock_timeout, "delay": 0.05}
        if bulk:
            options.update(self._bulk_options())
        return ArchiveSegmentWriter(self.index, **options)

    def _bulk_options(self):
        # Large batches: more memory before spilling to temporary files, and no copy of
        # each new segment into one compound file.
        return {"limitmb": self.limitmb, "compound": False}

    def prepare_document(self, index, obj):
        """One object's document: prepared by the search index, text fields segmented.

        Fields marked `searched_with_document` (the garbled OCR forms) are also merged
        into the document field at their lower weight, so a query whose words are
        partly in the corrected text and partly garbled (六顶 举措) still matches.
        """
        try:
            doc = index.full_prepare(obj)
        except SkipDocument:
            return None
        for key, value in doc.items():
            if not isinstance(value, str):
                doc[key] = self._from_python(value)
        doc.pop("boost", None)
        postings = {}
        for name, characters in self.text_fields:
            value = doc.get(name)
            if isinstance(value, str):
                postings[name] = search_text.index_postings(
                    search_text.normalize(value), characters=characters
                )
        weights = {}
        content = postings.get(self.content_field_name)
        if content is not None:
            start = 1 + max((p[-1] for p in content.values()), default=0) + 1000
            for name in self.merged_fields:
                boost = self.field_boosts.get(name, 1.0)
                for term, positions in postings.get(name, {}).items():
                    had = content.get(term, [])
                    weights[term] = len(had) + boost * len(positions)
                    content[term] = had + [start + p for p in positions]
        for name, field_postings in postings.items():
            doc[name] = encode_postings(
                field_postings, weights if name == self.content_field_name else None
            )
        return doc

    def update(self, index, iterable, commit=True):
        if not self.setup_complete:
            self.setup()
        objs = list(iterable)
        if not objs:
            return
        parallel = len(objs) >= PARALLEL_THRESHOLD and self.workers > 1
        bar = (
            _progress(len(objs), "建立检索索引")
            if len(objs) >= PARALLEL_THRESHOLD
            else None
        )
        writer = self._writer(bulk=len(objs) >= PARALLEL_THRESHOLD)
        try:
            if parallel:
                writer.add_in_workers(
                    self,
                    index,
                    objs,
                    min(self.workers, max(1, len(objs) // 100)),
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

    def clear(self, models=None, commit=True):
        super().clear(models=models, commit=commit)
        self._searcher = None
        self._stamp = None

    # searching

    def _fresh_searcher(self):
        """The searcher for the latest commit, reopened only when the index changed.

        A rebuild deletes and recreates the directory and restarts Whoosh's
        generation numbers, so the table of contents' inode and mtime are compared too.
        """
        try:
            generation = self.index.latest_generation()
            toc = os.path.join(self.path, f"_{self.index.indexname}_{generation}.toc")
            info = os.stat(toc)
            stamp = (generation, info.st_ino, info.st_mtime_ns)
        except (OSError, AttributeError, TypeError):  # RAM storage has no files
            stamp = None
        if self._searcher is None or stamp is None or stamp != self._stamp:
            if self._searcher is not None:
                self._searcher.close()
            self.index = self.storage.open_index(schema=self.schema)
            self._searcher = self.index.searcher(weighting=ArchiveBM25F())
            self._stamp = stamp
            forget_segments(
                {_segment_key(r) for r, _ in self._searcher.reader().leaf_readers()}
            )
        return self._searcher

    def _filter_docs(self, searcher, narrow_queries, models):
        queries = [force_str(nq) for nq in (narrow_queries or ()) if nq]
        if models:
            queries.append(
                " OR ".join(f"{DJANGO_CT}:{m._meta.label_lower}" for m in models)
            )
        allowed = None
        for text in queries:
            parsed = self.parser.parse(text)
            docs = set(searcher.docs_for_query(parsed)) if parsed is not None else set()
            allowed = docs if allowed is None else allowed & docs
            if not allowed:
                break
        return allowed

    @staticmethod
    def _matching(searcher, q, allowed) -> list[tuple[float, int]]:
        """(score, docnum) of every match, best first; only documents in `allowed` if given.

        A selective filter drives the matcher (skip_to each allowed document), so a
        common word under a narrow facet scores only the documents that can be shown.
        """
        # needs_current keeps Whoosh from preloading (and scoring) whole posting lists of
        # common words into arrays; matchers then skip what the intersection rules out.
        context = searcher.context(needs_current=True)
        wanted = sorted(allowed) if allowed is not None else None
        found = []
        for leaf, offset in searcher.leaf_searchers():
            m = q.matcher(leaf, context)
            if not m.is_active():
                continue
            if wanted is not None:
                size = leaf.doc_count_all()
                local = wanted[
                    bisect_left(wanted, offset) : bisect_left(wanted, offset + size)
                ]
                if not local:
                    continue
                if len(local) * 4 < q.estimate_size(leaf.reader()):
                    for docnum in local:
                        docnum -= offset
                        if m.id() < docnum:
                            m.skip_to(docnum)
                            if not m.is_active():
                                break
                        if m.id() == docnum:
                            found.append((m.score(), docnum + offset))
                    continue
            while m.is_active():
                docnum = m.id() + offset
                if allowed is None or docnum in allowed:
                    found.append((m.score(), docnum))
                m.next()
        found.sort(key=lambda pair: (-pair[0], pair[1]))
        return found

    @staticmethod
    def _values(searcher, fieldname) -> list:
        values = []
        for leaf, _offset in searcher.reader().leaf_readers():
            values.extend(segment_values(leaf, fieldname))
        return values

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
        date_facets=None,
        query_facets=None,
        narrow_queries=None,
        spelling_query=None,
        within=None,
        dwithin=None,
        distance_point=None,
        models=None,
        limit_to_registered_models=None,
        result_class=None,
        **kwargs,
    ):
        if not self.setup_complete:
            self.setup()
        nothing = {"results": [], "hits": 0, "facets": {}, "spelling_suggestion": None}
        query_string = force_str(query_string or "").strip()
        if not query_string:
            return nothing
        searcher = self._fresh_searcher()
        if not searcher.doc_count():
            return nothing
        if query_string in ("*", "*:*"):
            q = query.Every()
        else:
            q = self.parser.parse(query_string)
            if q is not None:
                q = self.with_field_boosts(q)
        if q is None or q is query.NullQuery:
            return nothing
        allowed = self._filter_docs(searcher, narrow_queries, models)
        if allowed is not None and not allowed:
            return nothing
        if isinstance(q, query.Every):
            # The whole archive (an empty query): no matcher, no scores.
            docs = searcher.reader().all_doc_ids()
            matched = [(0.0, d) for d in docs if allowed is None or d in allowed]
        else:
            matched = self._matching(searcher, q, allowed)
        if sort_by:
            matched = self._sort(searcher, matched, sort_by)
        hits = len(matched)
        facet_counts = {"fields": {}, "dates": {}, "queries": {}}
        for facet in facets or ():
            values = self._values(searcher, facet)
            counts = Counter(chain.from_iterable(values[d] for _s, d in matched))
            facet_counts["fields"][facet] = sorted(
                counts.items(), key=lambda kv: (-kv[1], kv[0])
            )
        page = matched[start_offset or 0 : end_offset]
        results = []
        result_class = result_class or SearchResult
        for score, docnum in page:
            stored = searcher.stored_fields(docnum)
            app_label, model_name = stored[DJANGO_CT].split(".")
            if haystack_get_model(app_label, model_name) is None:
                hits -= 1
                continue
            results.append(
                result_class(app_label, model_name, stored[DJANGO_ID], score)
            )
        if highlight and results:
            self._highlight(results, query_string)
        return {
            "results": results,
            "hits": hits,
            "facets": facet_counts if facets else {},
            "spelling_suggestion": None,
        }

    def _sort(self, searcher, matched, sort_by):
        # Each sort field must be a column (a date, a number); later fields break ties.
        # Documents without a value (an undated page) come last in either direction.
        for order in reversed(list(sort_by)):
            field = order.lstrip("-")
            if (
                field not in searcher.schema
                or searcher.schema[field].column_type is None
            ):
                continue
            keys = []
            for leaf, _offset in searcher.reader().leaf_readers():
                keys.extend(sort_keys(leaf, field))
            if order.startswith("-"):
                matched.sort(key=lambda pair, k=keys: descending_key(k[pair[1]]))
            else:
                matched.sort(key=lambda pair, k=keys: ascending_key(k[pair[1]]))
        return matched

    def _highlight(self, results, query_string):
        """Highlights built from the database text of the page's articles (the index stores none)."""
        from haystack import connections

        terms = highlight_terms(query_string)
        pattern = search_text.highlight_pattern(terms)
        unified = connections[self.connection_alias].get_unified_index()
        by_model = {}
        for result in results:
            by_model.setdefault(result.model, []).append(result)
        for model, group in by_model.items():
            index = unified.get_index(model)
            source = getattr(index, "highlight_sources", None)
            if source is None:
                continue
            texts = source([r.pk for r in group])
            for result in group:
                text = texts.get(str(result.pk), "")
                result.highlighted = {
                    self.content_field_name: [search_text.snippet(text, pattern)]
                }

    def more_like_this(self, model_instance, *args, **kwargs):
        # The index keeps no term vectors or stored text to compare documents by.
        return {"results": [], "hits": 0}


PHRASE = re.compile(r'"([^"]+)"')
NEGATED = re.compile(r"NOT\s+(\([^)]*\)|\"[^\"]*\"|\S+)")
FIELDED = re.compile(r"\w+:(\([^)]*\)|\"[^\"]*\"|\S+)")


def highlight_terms(query_string: str) -> list[str]:
    """The positive words and phrases of a haystack query string, normalised."""
    text = NEGATED.sub(" ", FIELDED.sub(" ", query_string))
    terms = [search_text.normalize(p) for p in PHRASE.findall(text)]
    text = PHRASE.sub(" ", text)
    for chunk in re.findall(r"\w+", text):
        if chunk in ("AND", "OR", "NOT", "TO"):
            continue
        chunk = search_text.normalize(chunk)
        terms.append(chunk)
        terms.extend(w for w in search_text.words(chunk) if len(w) > 1)
    return [t for t in terms if t]


class ChineseWhooshSearchQuery(WhooshSearchQuery):
    pass


class ChineseWhooshEngine(WhooshEngine):
    backend = ChineseWhooshSearchBackend
    query = ChineseWhooshSearchQuery
