"""Writing the Whoosh index: documents of pre-segmented terms, built in parallel processes."""

from __future__ import annotations

import gc
import multiprocessing
import sys
import threading
from contextlib import contextmanager

from haystack.constants import ID
from haystack.exceptions import SkipDocument
from haystack.utils import get_identifier
from whoosh.writing import SegmentWriter

from articles.search import text
from articles.search.definition import IndexDefinition, text_postings
from articles.search.whoosh import private
from articles.search.whoosh.analysis import encode_postings

# Below this many documents an update is segmented in-process (signal updates).
PARALLEL_THRESHOLD = 200


def prepare_document(index, obj, definition: IndexDefinition, from_python):
    """One object's document: prepared by the search index, its text fields segmented."""
    try:
        doc = index.full_prepare(obj)
    except SkipDocument:
        return None
    for key, value in doc.items():
        if not isinstance(value, str):
            doc[key] = from_python(value)
    doc.pop("boost", None)
    postings, weights = text_postings(doc, definition)
    for name, field_postings in postings.items():
        doc[name] = encode_postings(
            field_postings, weights if name == definition.content else None
        )
    return doc


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
        # A worker's postings are bounded by its share of one batch, so they are kept
        # grouped in memory; the committing writer keeps Whoosh's pool, which spills to
        # disk, for merging segments of any size.
        private.group_postings(writer)
        done = 0
        for position in range(first, last):
            doc = backend.prepare_document(index, objs[position])
            if doc is not None:
                writer.add_document(**doc)
            done += 1
            if done % 50 == 0:
                results.put(("progress", 50))
        results.put(("progress", done % 50))
        results.put(("segment", private.finish_segment(writer)))
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
        private.flush_postings(self, CachedLengths)

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
        text.tokenizer()
        text.normalize("預熱")
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
            with frozen_heap():
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
        private.commit_with_segments(
            self, self._sub_segments, mergetype, optimize, merge
        )


def segment_workers(configured: int, count: int) -> int:
    """How many processes prepare and segment `count` objects; 1 means this one.

    Never a fork where other Python threads run (a web worker with threads re-indexing a
    batch edit): a fork copies only the calling thread, and a lock another thread held,
    logging's or a connection's, would never be released in the child.
    """
    if count < PARALLEL_THRESHOLD or _other_threads():
        return 1
    return max(1, min(configured, count // 100))


def _other_threads() -> bool:
    # Threads started outside Python (a Rust library's, once it called back into
    # Python) stay listed as "dummy" threads, always alive; Python code never runs in
    # them on its own, so they hold none of its locks.
    me = threading.current_thread()
    return any(
        t is not me and not isinstance(t, threading._DummyThread)
        for t in threading.enumerate()
    )


@contextmanager
def frozen_heap():
    """Fork indexing workers with the parent's objects out of the garbage collector's
    reach: a worker's collections would otherwise walk the whole inherited heap (the
    batch's articles), copying its pages. A fifth of a worker's time (Python's `gc.freeze`
    advice for fork without exec)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def progress_bar(total: int, description: str):
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return None
    # disable=None: a bar on an interactive terminal, silence in logs and tests.
    return tqdm(total=total, desc=description, unit="篇", disable=None, file=sys.stderr)
