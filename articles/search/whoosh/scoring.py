"""Matching and ranking on arrays: a parsed query → matching documents, BM25F scores, a page.

Each segment's matches are a boolean mask over its documents and their scores a float
array, so an intersection, an exclusion or a filter is one array operation, the total is
a count of the mask (exact, whatever the query), facets are counted from cached columns,
and only the page's documents are ever sorted one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import log

import numpy as np
from whoosh import query

from articles.search import text
from articles.search.results_cache import Ranked
from articles.search.whoosh import caches
from articles.search.whoosh.queries import ContainsCharacter, OffsetPhrase, WordTerm

# Whoosh's BM25F defaults.
K1, B = 1.2, 0.75
# Words containing a one-character query, scored; the rest match at a token score.
MAX_SCORED_EXPANSIONS = 64
UNSCORED = 0.01
# Out-of-dictionary words containing a searched word, at most.
MAX_WORD_EXPANSIONS = 50


@dataclass
class Matches:
    mask: np.ndarray
    scores: np.ndarray


class Evaluator:
    """Evaluates parsed queries on one searcher: global statistics, per-segment arrays."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.doc_count = searcher.doc_count_all()
        self.expansions: dict[tuple, list[bytes]] = {}

    # statistics

    def idf(self, fieldname: str, btext: bytes) -> float:
        n = self.reader.doc_frequency(fieldname, btext)
        return log(self.doc_count / (n + 1)) + 1

    def bm25(self, leaf, seg, fieldname, btext, ids, weights) -> np.ndarray:
        if not self.searcher.schema[fieldname].scorable:
            return weights
        avgfl = self.searcher.avg_field_length(fieldname) or 1
        lengths = seg.field_lengths(leaf, fieldname)[ids]
        idf = self.idf(fieldname, btext)
        return (
            idf
            * (weights * (K1 + 1))
            / (weights + K1 * ((1 - B) + B * lengths / avgfl))
        )

    # evaluation

    def run(self, q, leaf, seg) -> Matches:
        size = seg.size
        if isinstance(q, query.Every):
            return Matches(seg.live.copy(), np.zeros(size))
        if isinstance(q, query.Not):
            inner = self.run(q.query, leaf, seg)
            return Matches(seg.live & ~inner.mask, np.zeros(size))
        if isinstance(q, query.AndNot):
            a, b = self.run(q.a, leaf, seg), self.run(q.b, leaf, seg)
            a.mask &= ~b.mask
            return a
        if isinstance(q, query.AndMaybe):
            a, b = self.run(q.a, leaf, seg), self.run(q.b, leaf, seg)
            a.scores += np.where(b.mask & a.mask, b.scores, 0.0)
            return a
        if isinstance(q, (query.And, query.Or)):
            return self.compound(q, leaf, seg)
        if isinstance(q, OffsetPhrase):
            found = self.phrase(q, leaf, seg)
        elif isinstance(q, WordTerm):
            found = self.terms(q.fieldname, self.word_expansions(q), leaf, seg)
        elif isinstance(q, ContainsCharacter):
            found = self.character(q, leaf, seg)
        elif isinstance(q, query.Term):
            btext = self.searcher.schema[q.fieldname].to_bytes(q.text)
            found = self.terms(q.fieldname, [btext], leaf, seg)
        else:  # NullQuery, and anything the parser never makes for the archive
            found = Matches(np.zeros(size, dtype=bool), np.zeros(size))
        return self.boosted(found, q)

    def compound(self, q, leaf, seg) -> Matches:
        parts = [self.run(child, leaf, seg) for child in q.children()]
        if not parts:
            return Matches(np.zeros(seg.size, dtype=bool), np.zeros(seg.size))
        mask = parts[0].mask.copy()
        for part in parts[1:]:
            if isinstance(q, query.And):
                mask &= part.mask
            else:
                mask |= part.mask
        scores = sum(np.where(p.mask, p.scores, 0.0) for p in parts)
        return self.boosted(Matches(mask, np.where(mask, scores, 0.0)), q)

    @staticmethod
    def boosted(found: Matches, q) -> Matches:
        boost = getattr(q, "boost", 1.0)
        if boost != 1.0:
            found.scores *= boost
        return found

    def terms(self, fieldname, btexts, leaf, seg, *, rest=()) -> Matches:
        """Documents with any of the terms, their scores summed; `rest` match unscored."""
        mask = np.zeros(seg.size, dtype=bool)
        scores = np.zeros(seg.size)
        if fieldname not in leaf.schema:
            return Matches(mask, scores)
        for btext in btexts:
            if (fieldname, btext) not in leaf:
                continue
            ids, weights = caches.postings(leaf, fieldname, btext)
            mask[ids] = True
            scores[ids] += self.bm25(leaf, seg, fieldname, btext, ids, weights)
        unscored = np.zeros(seg.size, dtype=bool)
        for btext in rest:
            if (fieldname, btext) in leaf:
                unscored[caches.postings(leaf, fieldname, btext)[0]] = True
        scores[unscored] += UNSCORED
        mask |= unscored
        mask &= seg.live
        return Matches(mask, scores)

    def word_expansions(self, q: WordTerm) -> list[bytes]:
        """The word, and the out-of-dictionary words containing it, most frequent first."""
        key = ("word", q.fieldname, q.text)
        found = self.expansions.get(key)
        if found is None:
            word = q.text
            btexts = {word.encode("utf-8")}
            if len(word) >= 2 and text.CJK_CHAR.match(word):
                for leaf, _offset in self.reader.leaf_readers():
                    seg = caches.segment_cache(leaf)
                    for btext in seg.unknown_words(leaf, q.fieldname).get(word[0], ()):
                        if word in btext.decode("utf-8"):
                            btexts.add(btext)
            found = [b for b in sorted(btexts) if (q.fieldname, b) in self.reader]
            if len(found) > MAX_WORD_EXPANSIONS:
                found.sort(key=lambda b: -self.reader.doc_frequency(q.fieldname, b))
                found = found[:MAX_WORD_EXPANSIONS]
            self.expansions[key] = found
        return found

    def character(self, q: ContainsCharacter, leaf, seg) -> Matches:
        """Every word containing the ideograph: the commonest scored, the rest not."""
        key = ("char", q.fieldname, q.text)
        ranked = self.expansions.get(key)
        if ranked is None:
            btexts = set()
            for other, _offset in self.reader.leaf_readers():
                words = caches.segment_cache(other).character_words(other, q.fieldname)
                btexts.update(words.get(q.text, ()))
            ranked = sorted(
                btexts, key=lambda b: (-self.reader.doc_frequency(q.fieldname, b), b)
            )
            self.expansions[key] = ranked
        scored = self.terms(q.fieldname, ranked[:MAX_SCORED_EXPANSIONS], leaf, seg)
        if len(ranked) <= MAX_SCORED_EXPANSIONS:
            return scored
        # A common character (党, 工) is in hundreds of words: their documents still
        # match, at a token score, and the query stays fast.
        rest = self.terms(
            q.fieldname, (), leaf, seg, rest=ranked[MAX_SCORED_EXPANSIONS:]
        )
        scored.scores += rest.scores
        scored.mask |= rest.mask
        return scored

    def phrase(self, q: OffsetPhrase, leaf, seg) -> Matches:
        """Documents where the words sit at the phrase's offsets, scored as the words.

        Documents having every word are found first; positions are compared only for
        those, as sorted (document << 32 | position) keys shifted by each word's offset.
        """
        fieldname = q.fieldname
        btexts = [w.encode("utf-8") for w in q.words]
        if fieldname not in leaf.schema or any(
            (fieldname, b) not in leaf for b in btexts
        ):
            return Matches(np.zeros(seg.size, dtype=bool), np.zeros(seg.size))
        mask = seg.live.copy()
        scores = np.zeros(seg.size)
        for btext in btexts:
            ids, weights = caches.postings(leaf, fieldname, btext)
            has = np.zeros(seg.size, dtype=bool)
            has[ids] = True
            mask &= has
            scores[ids] += self.bm25(leaf, seg, fieldname, btext, ids, weights)
        if not mask.any():
            return Matches(mask, scores)
        base = q.offsets[0]
        starts = caches.position_keys(leaf, fieldname, btexts[0])
        starts = starts[mask[starts >> 32]]
        for btext, offset in zip(btexts[1:], q.offsets[1:], strict=True):
            others = caches.position_keys(leaf, fieldname, btext) - (offset - base)
            where = np.minimum(np.searchsorted(others, starts), len(others) - 1)
            starts = starts[others[where] == starts]
            if not len(starts):
                break
        found = np.zeros(seg.size, dtype=bool)
        found[(starts >> 32).astype(np.int64)] = True
        mask &= found
        return Matches(mask, np.where(mask, scores, 0.0))


def rank(
    searcher,
    q,
    filters=(),
    *,
    sort_by=(),
    facets=(),
    start: int = 0,
    end: int | None = None,
) -> tuple[Ranked, list[int]]:
    """One page of matches of `q` within every filter, sorted, with exact facet counts,
    and the page's (global) document numbers."""
    evaluator = Evaluator(searcher)
    docnums, scores, keys = [], [], {name.lstrip("-"): [] for name in sort_by}
    counts: dict[str, dict[str, int]] = {name: {} for name in facets}
    total = 0
    for leaf, offset in searcher.reader().leaf_readers():
        seg = caches.segment_cache(leaf)
        found = evaluator.run(q, leaf, seg)
        mask = found.mask & seg.live
        for f in filters:
            mask &= evaluator.run(f, leaf, seg).mask
        local = np.flatnonzero(mask)
        if not len(local):
            continue
        total += len(local)
        docnums.append(local + offset)
        scores.append(found.scores[local])
        for name, values in keys.items():
            values.append(seg.sort_key(leaf, name)[local])
        for name in facets:
            facet = seg.facet(leaf, name)
            tally = counts[name]
            per_value = facet.counts(mask)
            for code in np.flatnonzero(per_value):
                value = facet.values[code]
                tally[value] = tally.get(value, 0) + int(per_value[code])
    ranked = Ranked(total=total)
    ranked.facets = {
        name: sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))
        for name, tally in counts.items()
    }
    if not total:
        return ranked, []
    all_docs = np.concatenate(docnums)
    all_scores = np.concatenate(scores)
    order = page_order(
        all_docs,
        all_scores,
        [(np.concatenate(keys[n.lstrip("-")]), n.startswith("-")) for n in sort_by],
        end,
    )
    chosen = order[start:end]
    ranked.scores = [float(s) for s in all_scores[chosen]]
    return ranked, [int(d) for d in all_docs[chosen]]


def page_order(docs, scores, sort_keys, end) -> np.ndarray:
    """Indexes of the matches in page order, at least the first `end` of them.

    By relevance (ties by document number), or by each sort key in turn with unset
    values last in either direction. Without sort keys only the documents scoring at
    least the end-th best score are sorted: nothing else can reach the page.
    """
    if sort_keys:
        columns = [docs, -scores]
        for key, descending in reversed(sort_keys):
            if descending:
                # Negate set values only, so UNSET stays the largest.
                key = np.where(key == caches.UNSET, key, -key)
            columns.append(key)
        return np.lexsort(columns)
    candidates = np.arange(len(docs))
    if end is not None and end < len(docs):
        threshold = np.partition(scores, len(scores) - end)[len(scores) - end]
        candidates = np.flatnonzero(scores >= threshold)
    return candidates[np.lexsort((docs[candidates], -scores[candidates]))]
