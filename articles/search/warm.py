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
        render_once()
    except Exception:
        # No index yet (a fresh install) or a search service down: searching will
        # say so when asked; a worker must still boot.
        log.warning("search index not warmed up", exc_info=True)
    return time.perf_counter() - started


def render_once() -> None:
    """Build and render one search page, as a request would: the templates it extends
    and includes, the translations, the page's database queries."""
    from django.conf import settings
    from django.http import QueryDict
    from django.template.loader import render_to_string
    from django.utils import translation

    from articles.search.page import build_search_page

    with translation.override(settings.LANGUAGE_CODE):
        page = build_search_page(QueryDict("q=工会"))
        render_to_string("search/search.html", {"page": page})
