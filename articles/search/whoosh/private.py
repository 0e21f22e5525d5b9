"""Every call into Whoosh's private API, in one place (what a Whoosh upgrade must check).

Whoosh 2.7 is no longer developed, so its internals are stable; they are used where its
public API costs a Python call per posting: reading whole posting lists and length
columns as arrays, and writing segments made in other processes.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.util.numeric import byte_to_length

# Whoosh stores a field's length per document as one byte; this table decodes them.
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


def read_postings(leaf, fieldname: str, btext: bytes, values: bool = False):
    """A term's postings in one segment: doc ids, weights and (if asked) raw values.

    Deleted documents are included (callers mask them with the segment's live docs).
    Whole blocks are decoded at once instead of one posting at a time.
    """
    fieldobj = leaf.schema[fieldname]
    m = leaf._terms.matcher(fieldname, btext, fieldobj.format)
    ids: list = []
    weights: list = []
    raw: list = []
    if isinstance(m, W3LeafMatcher):
        while m.is_active():
            m._read_ids()
            m._read_weights()
            ids.extend(m._ids)
            weights.extend(m._weights)
            if values:
                m._read_values()
                raw.extend(m._values)
            m._next_block()
    else:  # inlined postings of a rare term
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            if values:
                raw.append(m.value())
            m.next()
    return (
        np.asarray(ids, dtype=np.int32),
        np.asarray(weights, dtype=np.float64),
        raw,
    )


def field_lengths(leaf, fieldname: str) -> np.ndarray:
    """Each document's length in a field, for one segment (0 where it has none)."""
    count = leaf.doc_count_all()
    perdoc = leaf._perdoc
    reader = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if reader is None:
        return np.zeros(count, dtype=np.float64)
    codes = np.fromiter(reader, dtype=np.uint8, count=count)
    return _LENGTHS[codes]


def deleted_docs(leaf) -> list[int]:
    return list(leaf._perdoc.deleted_docs()) if leaf.has_deletions() else []


# --- writing ----------------------------------------------------------------------


def finish_segment(writer):
    """A forked worker's writer: its segment (None if it added nothing), unlocked."""
    if writer._added:
        return writer._finalize_segment()
    writer._close_segment()
    return None


def commit_with_segments(writer, segments, mergetype=None, optimize=None, merge=None):
    """Commit `writer` with segments other processes wrote (as Whoosh's MpWriter does)."""
    writer._check_state()
    final = writer._merge_segments(mergetype, optimize, merge)
    final += segments
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final)
    writer._finish()


class GroupedPostings:
    """Whoosh's posting pool, grouped by term as documents arrive instead of sorted whole.

    Whoosh's own pool keeps one tuple per posting (~600 an article), sorts them all at
    commit and, past `limitmb`, pickles runs to temporary files and merges them back:
    at 5,000 articles a writer that was 6 ms of CPU an article against 2.5 ms here.
    Only the distinct terms are sorted; a term's postings arrive in document order
    (the writer numbers documents as it adds them, merged segments' after its own) and
    are sorted again anyway, which costs nothing on a sorted list. Nothing spills, so
    it serves writers whose documents are bounded: a worker's share of one batch.
    """

    def __init__(self):
        self.terms = defaultdict(list)

    def add(self, item):
        fieldname, btext, docnum, weight, value = item
        self.terms[fieldname, btext].append((docnum, weight, value))

    def iter_postings(self):
        terms = self.terms
        for key in sorted(terms):
            fieldname, btext = key
            postings = terms[key]
            postings.sort()  # one posting per document, so only doc ids are compared
            for docnum, weight, value in postings:
                yield fieldname, btext, docnum, weight, value

    def cleanup(self):
        self.terms = defaultdict(list)


def group_postings(writer) -> None:
    """Give a segment writer the grouped pool (Whoosh ignores its `poolclass` argument)."""
    writer.pool = GroupedPostings()


def flush_postings(writer, lengths_class) -> None:
    """Whoosh's `_flush_segment`, reading field lengths through `lengths_class`."""
    writer.perdocwriter.close()
    reader = writer.per_document_reader() if writer.codec.length_stats else None
    lengths = lengths_class(reader, writer.docnum) if reader is not None else None
    writer.fieldwriter.add_postings(writer.schema, lengths, writer.pool.iter_postings())
    writer.fieldwriter.close()
    if reader is not None:
        reader.close()
