"""Engine answers shared by every web worker through Django's cache, for one index state.

A key is the normalised request (query, filters, sort, facets, page) with the index's
generation and a token every index write replaces, so no worker ever reads an answer
from before a write. Off unless SEARCH_CACHE_SECONDS is set.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field

from django.core.cache import caches
from haystack.models import SearchResult
from haystack.utils.app_loading import haystack_get_model

WRITES_KEY = "search:writes"


@dataclass
class Ranked:
    """An engine's answer: a page of (content type, pk) with scores, total, facets."""

    ids: list[tuple[str, str]] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    total: int = 0
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def invalidate() -> None:
    """Every cached answer is stale: called after any write to the index."""
    caches["default"].set(WRITES_KEY, uuid.uuid4().hex, None)


def cached(backend, request: tuple, compute) -> Ranked:
    """The answer to `request`, from the shared cache or computed and stored there."""
    generation = backend.generation()
    if backend.cache_seconds <= 0 or generation is None:
        return compute()
    cache = caches["default"]
    token = cache.get(WRITES_KEY)
    if token is None:
        invalidate()
        token = cache.get(WRITES_KEY)
    raw = repr((backend.connection_alias, generation, token, request))
    key = "search:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, backend.cache_seconds)
    return found


def haystack_results(ranked: Ranked, result_class=None, highlight=None) -> dict:
    """The answer as haystack's backends return it."""
    result_class = result_class or SearchResult
    results, hits = [], ranked.total
    for (content_type, pk), score in zip(ranked.ids, ranked.scores, strict=True):
        app_label, model_name = content_type.split(".")
        if haystack_get_model(app_label, model_name) is None:
            hits -= 1
            continue
        results.append(result_class(app_label, model_name, pk, score))
    if highlight is not None and results:
        highlight(results)
    return {
        "results": results,
        "hits": hits,
        "facets": {"fields": ranked.facets, "dates": {}, "queries": {}}
        if ranked.facets
        else {},
        "spelling_suggestion": None,
    }
