"""What a web worker loads when it boots, so that no request pays for it."""

from __future__ import annotations

import logging
import time

log = logging.getLogger(__name__)


def warm_up() -> float:
    """Load jieba, the highlight table, the URL map and search template, and the
    engine's index readers and caches; returns the seconds it took."""
    from django.template.loader import get_template
    from django.urls import get_resolver
    from haystack import connections

    from articles.search import highlight, text

    started = time.perf_counter()
    text.tokenizer()
    text.normalize("預熱")
    highlight.highlight_pattern(["预热"])
    get_resolver().url_patterns  # noqa: B018 - imports every view module
    get_template("search/search.html")
    backend = connections["default"].get_backend()
    try:
        if hasattr(backend, "warm_up"):
            backend.warm_up()
    except Exception:
        # No index yet (a fresh install) or a search service down: searching will
        # say so when asked; a worker must still boot.
        log.warning("search index not warmed up", exc_info=True)
    return time.perf_counter() - started
