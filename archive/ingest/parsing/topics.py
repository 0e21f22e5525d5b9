"""What a piece is about: tf-idf of character bigrams, to match loose text to pieces."""

from __future__ import annotations

import math
import re
from collections import Counter

from archive.ingest.parsing.grouping import Draft


def _grams(text: str) -> Counter[str]:
    return Counter(text[i : i + 2] for i in range(len(text) - 1))


def _bigrams(draft: Draft, body_only: bool = False) -> Counter[str]:
    units = [] if body_only else list(draft.headings)
    units += list(draft.lede) + list(draft.items)
    text = "".join(u.bare for u in units)
    if draft.header and draft.header.rest and not body_only:
        text += re.sub(r"[\W_]", "", draft.header.rest)
    return _grams(text)


class Topics:
    """Words a piece is about: tf-idf of character bigrams over the page's pieces."""

    def __init__(self, drafts: list[Draft], body_only: bool = False) -> None:
        self.body_only = body_only
        self.counts = {id(d): _bigrams(d, body_only) for d in drafts}
        df: Counter[str] = Counter()
        for counts in self.counts.values():
            df.update(counts.keys())
        n = len(drafts) + 1
        self.idf = {g: math.log(n / (1 + c)) for g, c in df.items()}

    def _vector(self, counts: Counter[str]) -> dict[str, float]:
        return {g: c * self.idf.get(g, 0.0) for g, c in counts.items()}

    def similarity(self, block: Draft, target: Draft) -> float:
        return self._cosine(_bigrams(block, self.body_only), target)

    def text_similarity(self, text: str, target: Draft) -> float:
        return self._cosine(_grams(text), target)

    def _cosine(self, counts: Counter[str], target: Draft) -> float:
        a = self._vector(counts)
        b = self._vector(
            self.counts.get(id(target)) or _bigrams(target, self.body_only)
        )
        dot = sum(v * b.get(g, 0.0) for g, v in a.items())
        norm = math.sqrt(
            sum(v * v for v in a.values()) * sum(v * v for v in b.values())
        )
        return dot / norm if norm else 0.0
