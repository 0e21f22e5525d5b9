"""A web worker loads jieba, the highlight table and the index's caches when it boots."""

import logging

import pytest

from articles.search import text
from articles.search.whoosh import caches

pytestmark = pytest.mark.django_db


def test_warm_up_loads_the_dictionary_and_the_index_caches(
    add_article, search_index, search_engine
):
    """After warm-up the index is open; on Whoosh every segment has its columns."""
    add_article("工会文章", "工会工作", column="观点")
    search_index.rebuild()
    caches.forget_segments(set())
    from articles.search.warm import warm_up

    assert warm_up() >= 0
    assert text._tokenizer is not None
    assert search_index.backend.setup_complete
    if search_engine == "whoosh":
        assert caches._segments
        for seg in caches._segments.values():
            assert {"column", "provinces"} <= set(seg.facets)
            assert "date" in seg.sort_keys


def test_gunicorn_workers_warm_up_before_serving(add_article, search_index, caplog):
    """gunicorn.conf.py's post_worker_init hook runs the warm-up and logs its time."""
    import runpy
    from pathlib import Path

    conf = runpy.run_path(str(Path(__file__).resolve().parents[3] / "gunicorn.conf.py"))

    class Worker:
        log = logging.getLogger("gunicorn.test")

    with caplog.at_level(logging.INFO, logger="gunicorn.test"):
        conf["post_worker_init"](Worker())
    assert "search warmed up" in caplog.text
