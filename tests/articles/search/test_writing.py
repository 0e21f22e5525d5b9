"""Bulk writing on both embedded engines: a rebuild in worker processes, then the small
commits of daily corrections (which Whoosh merges), keep every count exact."""

import os
import threading
from datetime import date

import pytest

from articles.search.whoosh.private import GroupedPostings
from articles.search.whoosh.writing import PARALLEL_THRESHOLD

ARTICLES = PARALLEL_THRESHOLD + 40
YEARS = [date(2019, 3, 4), date(2021, 6, 7), date(2024, 9, 10)]

# Every fork of this process, counted as it happens.
FORKS = []
os.register_at_fork(after_in_parent=lambda: FORKS.append(1))


def words_of(i: int) -> list[str]:
    """Article i's words: each query below matches a known share of the articles."""
    words = ["改革"]
    if i % 2 == 0:
        words.append("工会")
    if i % 3 == 0:
        words.append("职工")
    if i % 5 == 0:
        words.append("劳动关系")
    return words


def body_of(i: int) -> str:
    return "。".join(f"我们推进{w}工作" for w in words_of(i)) + f"。第{i}篇。"


@pytest.fixture
def articles(add_article, search_index):
    # Two workers even on a one-CPU machine, so the parallel path is what is tested.
    search_index.backend.workers = 2
    return [
        add_article(f"文章{i}", body_of(i), date=YEARS[i % 3]) for i in range(ARTICLES)
    ]


@pytest.fixture
def many(articles, search_index):
    forks = len(FORKS)
    search_index.rebuild()
    assert len(FORKS) - forks >= 2, f"not segmented in workers: {threading.enumerate()}"
    return articles


def expected(articles, word, year=None):
    return sum(
        1
        for i, a in enumerate(articles)
        if word in words_of(i) and (year is None or a.issue.publication_date == year)
    )


def year_counts(page) -> dict[str, int]:
    group = next(g for g in page.facets if g.facet.param == "year")
    return {v.value: v.count for v in group.values}


def assert_exact(articles, search_page):
    for word in ("工会", "职工", "劳动关系", "改革"):
        page = search_page(word)
        assert page.total == expected(articles, word), word
        assert year_counts(page) == {
            str(y.year): expected(articles, word, y)
            for y in YEARS
            if expected(articles, word, y)
        }, word


def test_a_parallel_rebuild_indexes_every_article_exactly(many, search_page):
    assert_exact(many, search_page)
    # A phrase is checked by positions written in the workers.
    assert search_page('"推进劳动关系"').total == expected(many, "劳动关系")


def test_small_commits_after_a_rebuild_keep_counts_exact(
    many, search_index, search_page
):
    backend, index = search_index.backend, search_index.index
    # Daily corrections, one commit each, which leaves Whoosh small segments to merge.
    # A correction adds a word (one it removed would still be found among the original
    # OCR's garbled forms).
    corrected = many[:12]
    for article in corrected:
        article.body += "我们推进职工工作。"
        article.save()
        backend.update(index, [article])
    withdrawn = many[12:15]
    for article in withdrawn:
        backend.remove(article)

    def has(i, word):
        return word in words_of(i) or (word == "职工" and many[i] in corrected)

    for word in ("工会", "职工", "劳动关系"):
        assert search_page(word).total == sum(
            has(i, word) for i, a in enumerate(many) if a not in withdrawn
        ), word


def test_a_batch_indexed_beside_other_threads_is_never_forked(
    articles, search_index, search_page
):
    # A web worker with threads re-indexing a batch edit: segmented in that process.
    backend, index = search_index.backend, search_index.index
    objs = list(index.index_queryset())
    backend.clear()
    forks = len(FORKS)
    thread = threading.Thread(target=backend.update, args=(index, objs))
    thread.start()
    thread.join()
    assert len(FORKS) == forks
    assert_exact(articles, search_page)


def test_grouped_postings_come_out_in_term_and_document_order():
    pool = GroupedPostings()
    for item in [
        ("text", "职工".encode(), 4, 1.0, b"b"),
        ("text", "工会".encode(), 2, 1.0, b"a"),
        ("text", "工会".encode(), 0, 2.0, b"c"),
        ("title", "工会".encode(), 1, 1.0, b"d"),
    ]:
        pool.add(item)
    assert list(pool.iter_postings()) == [
        ("text", "工会".encode(), 0, 2.0, b"c"),
        ("text", "工会".encode(), 2, 1.0, b"a"),
        ("text", "职工".encode(), 4, 1.0, b"b"),
        ("title", "工会".encode(), 1, 1.0, b"d"),
    ]
