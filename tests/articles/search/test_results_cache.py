"""Engine answers are shared through Django's cache until the index is written to."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted_rank(search_index, monkeypatch):
    """How many times the engine itself answered (not the cache)."""
    backend = search_index.backend
    calls = []
    original = backend._rank

    def rank(*args):
        calls.append(args[0])
        return original(*args)

    monkeypatch.setattr(backend, "_rank", rank)
    monkeypatch.setattr(backend, "cache_seconds", 300)
    return calls


def test_a_repeated_search_is_answered_from_the_cache(
    add_article, search_index, counted_rank, search_page
):
    """The same query, filters and page twice: the engine answers once."""
    add_article("智慧工会建设", "智慧工会服务职工。", column="观点")
    search_index.rebuild()
    first = search_page("智慧工会", column="观点")
    second = search_page("智慧工会", column="观点")
    assert first.total == second.total == 1
    assert len(counted_rank) == 1
    search_page("智慧工会")  # other filters: another answer
    assert len(counted_rank) == 2


def test_any_index_write_makes_cached_answers_stale(
    add_article, search_index, counted_rank, search_page
):
    """After an article is indexed or removed, the next search sees it."""
    add_article("智慧工会建设", "智慧工会服务职工。")
    search_index.rebuild()
    assert search_page("智慧工会").total == 1
    later = add_article("智慧工会新篇", "智慧工会")
    search_index.backend.update(search_index.index, [later])
    assert search_page("智慧工会").total == 2
    search_index.backend.remove(later)
    assert search_page("智慧工会").total == 1
    assert len(counted_rank) == 3
