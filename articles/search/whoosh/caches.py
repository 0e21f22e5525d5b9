"""Arrays derived from each index segment, kept while it lives: facets, sort keys, postings.

Whoosh segments never change once written (deletions aside, which are masked), so
what is derived from one is cached under its id until a merge removes it. Searching
then works on arrays: a filter or facet is an array operation over the segment's
documents, not a Python loop over hits.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from articles.search import text
from articles.search.whoosh import private

# Decoded postings (and positions) of this many bytes at most stay cached.
POSTINGS_CACHE_BYTES = 256 * 2**20
# A sort key no document has: unset values (an undated page) sort last either way.
UNSET = np.iinfo(np.int64).max

_lock = threading.Lock()
_segments: dict[str, SegmentCache] = {}


@dataclass
class Facet:
    """One facet field of one segment: value codes per document, and the values."""

    values: list[str]
    # Single-valued: codes[doc] (-1: none). Multi-valued: (docs, codes) pairs.
    codes: np.ndarray
    docs: np.ndarray | None = None

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """How many of the documents in `mask` have each value."""
        if self.docs is None:
            chosen = self.codes[mask & (self.codes >= 0)]
        else:
            chosen = self.codes[mask[self.docs]]
        return np.bincount(chosen, minlength=len(self.values))


class SegmentCache:
    """What is derived from one segment; the reader is passed in, never kept."""

    def __init__(self, leaf):
        self.size = leaf.doc_count_all()
        self.deleted = -1
        self.live = np.ones(self.size, dtype=bool)
        self.facets: dict[str, Facet] = {}
        self.sort_keys: dict[str, np.ndarray] = {}
        self.lengths: dict[str, np.ndarray] = {}
        self.words: dict[tuple[str, str], dict[str, list[bytes]]] = {}

    def refresh_deletions(self, leaf) -> None:
        deleted = private.deleted_docs(leaf)
        if len(deleted) != self.deleted:
            live = np.ones(self.size, dtype=bool)
            live[deleted] = False
            self.live, self.deleted = live, len(deleted)

    def facet(self, leaf, fieldname: str) -> Facet:
        found = self.facets.get(fieldname)
        if found is None:
            found = self.facets[fieldname] = read_facet(leaf, fieldname, self.size)
        return found

    def sort_key(self, leaf, fieldname: str) -> np.ndarray:
        found = self.sort_keys.get(fieldname)
        if found is None:
            found = self.sort_keys[fieldname] = read_sort_key(leaf, fieldname)
        return found

    def field_lengths(self, leaf, fieldname: str) -> np.ndarray:
        found = self.lengths.get(fieldname)
        if found is None:
            found = self.lengths[fieldname] = private.field_lengths(leaf, fieldname)
        return found

    def character_words(self, leaf, fieldname: str) -> dict[str, list[bytes]]:
        """Each ideograph → the indexed words containing it."""
        key = ("chars", fieldname)
        found = self.words.get(key)
        if found is None:
            found = {}
            if fieldname in leaf.schema:
                for btext in leaf.lexicon(fieldname):
                    for char in set(text.CJK_CHAR.findall(btext.decode("utf-8"))):
                        found.setdefault(char, []).append(btext)
            self.words[key] = found
        return found

    def unknown_words(self, leaf, fieldname: str) -> dict[str, list[bytes]]:
        """Words of three or more ideographs not in jieba's dictionary, by character."""
        key = ("unknown", fieldname)
        found = self.words.get(key)
        if found is None:
            found = {}
            for char, btexts in self.character_words(leaf, fieldname).items():
                unknown = [
                    b
                    for b in btexts
                    if len(b) >= 9 and not text.is_word(b.decode("utf-8"))
                ]
                if unknown:
                    found[char] = unknown
            self.words[key] = found
        return found


def segment_cache(leaf) -> SegmentCache:
    key = leaf.segment().segment_id()
    found = _segments.get(key)
    if found is None:
        with _lock:
            found = _segments.setdefault(key, SegmentCache(leaf))
    found.refresh_deletions(leaf)
    return found


def read_facet(leaf, fieldname: str, size: int) -> Facet:
    """A facet's values per document, from the field's terms and their postings."""
    values, docs, codes = [], [], []
    if fieldname in leaf.schema:
        for code, btext in enumerate(leaf.lexicon(fieldname)):
            values.append(btext.decode("utf-8"))
            ids, _weights, _values = private.read_postings(leaf, fieldname, btext)
            docs.append(ids)
            codes.append(np.full(len(ids), code, dtype=np.int32))
    flat_docs = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int32)
    flat_codes = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32)
    if len(np.unique(flat_docs)) == len(flat_docs):
        single = np.full(size, -1, dtype=np.int32)
        single[flat_docs] = flat_codes
        return Facet(values, single)
    return Facet(values, flat_codes, flat_docs)


def read_sort_key(leaf, fieldname: str) -> np.ndarray:
    """A sort column's raw values per document; UNSET where a document has none.

    Whoosh fills a document without a value with the column's default (the largest
    number, which is no date at all), and a segment where no document has one has no
    column: both read as UNSET.
    """
    size = leaf.doc_count_all()
    if not leaf.has_column(fieldname):
        return np.full(size, UNSET, dtype=np.int64)
    field = leaf.schema[fieldname]
    column = leaf.column_reader(fieldname, translate=False)
    raw = np.fromiter(column, dtype=np.uint64, count=size)
    keys = raw.astype(np.int64)
    keys[raw == np.uint64(field.default)] = UNSET
    return keys


class PostingsCache:
    """Decoded postings of the terms searched recently, least recently used evicted."""

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0
        self.items: OrderedDict[tuple, tuple] = OrderedDict()

    def get(self, key, load):
        with _lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
                return found
        found = load()
        size = sum(a.nbytes for a in found if isinstance(a, np.ndarray))
        with _lock:
            if key not in self.items:
                self.items[key] = found
                self.used += size
                while self.used > self.limit and len(self.items) > 1:
                    _key, old = self.items.popitem(last=False)
                    self.used -= sum(a.nbytes for a in old if isinstance(a, np.ndarray))
        return found

    def forget(self, live: set[str]) -> None:
        with _lock:
            for key in [k for k in self.items if k[0] not in live]:
                old = self.items.pop(key)
                self.used -= sum(a.nbytes for a in old if isinstance(a, np.ndarray))


_postings = PostingsCache(POSTINGS_CACHE_BYTES)


def postings(leaf, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """A term's (doc ids, weights) in one segment."""
    key = (leaf.segment().segment_id(), fieldname, btext)
    ids, weights = _postings.get(
        key, lambda: private.read_postings(leaf, fieldname, btext)[:2]
    )
    return ids, weights


def position_keys(leaf, fieldname: str, btext: bytes) -> np.ndarray:
    """Every (document, position) of a term in one segment as doc << 32 | position."""
    key = (leaf.segment().segment_id(), fieldname, btext, "positions")

    def load():
        ids, _weights, raw = private.read_postings(leaf, fieldname, btext, True)
        decode = leaf.schema[fieldname].format.decode_positions
        chunks = [
            (int(doc) << 32) + np.asarray(decode(value), dtype=np.int64)
            for doc, value in zip(ids, raw, strict=True)
        ]
        keys = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)
        return (keys,)

    return _postings.get(key, load)[0]


def forget_segments(live: set[str]) -> None:
    """Drop what belongs to segments a merge or rebuild removed."""
    with _lock:
        for key in [k for k in _segments if k not in live]:
            del _segments[key]
    _postings.forget(live)
