"""The index follows the database: saves, corrections, imports, merges and unpublishing, on
commit."""

import logging
import threading
from datetime import date

import pytest

from articles.editing import corrections
from articles.models import Affiliation, Author, Province

pytestmark = pytest.mark.django_db


def titles(page):
    return [r.article.title for r in page.results]


def test_saved_correction_is_found_right_after(
    add_article,
    search_index,
    search_page,
    django_capture_on_commit_callbacks,
    django_user_model,
):
    article = add_article("工会工作", "职工人会积极。")
    search_index.rebuild()
    assert search_page("入会").total == 0
    corrections.record_import(article)
    editor = django_user_model.objects.create_user("editor")
    with django_capture_on_commit_callbacks(execute=True):
        corrections.save_correction(
            article,
            editor=editor,
            base_version=article.version,
            changes={"body": "职工入会积极。"},
            note="人会→入会",
        )
    assert titles(search_page("入会")) == ["工会工作"]
    # The misread form is still findable, as Trove keeps the original searchable.
    assert titles(search_page("人会")) == ["工会工作"]


def test_plain_model_save_reindexes_on_commit(
    add_article, search_index, search_page, django_capture_on_commit_callbacks
):
    article = add_article("标题", "原来的正文。")
    search_index.rebuild()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        article.body = "改正后的正文提到智慧工会。"
        article.save()
    assert callbacks, "the index is written only after the commit"
    assert search_page("智慧工会").total == 1


def test_nothing_is_written_before_the_commit(
    add_article, search_index, search_page, django_capture_on_commit_callbacks
):
    article = add_article("标题", "正文。")
    search_index.rebuild()
    with django_capture_on_commit_callbacks(execute=False):
        article.body = "智慧工会"
        article.save()


def test_many_saves_in_one_transaction_are_one_index_write(
    add_article, search_index, django_capture_on_commit_callbacks, monkeypatch
):
    articles = [add_article(f"文章{i}", "正文") for i in range(5)]
    search_index.rebuild()
    # Ids left by a rolled-back transaction (an earlier test) would ride along; drop them.
    monkeypatch.setattr("articles.search.signals._pending.ids", set(), raising=False)
    calls = []
    monkeypatch.setattr(
        "articles.search.signals.reindex_articles", lambda ids: calls.append(set(ids))
    )
    with django_capture_on_commit_callbacks(execute=True):
        for a in articles:
            a.body = "改过"
            a.save()
    assert calls == [{a.pk for a in articles}]


def test_unpublishing_removes_and_republishing_restores(
    add_article, search_index, search_page, django_capture_on_commit_callbacks
):
    article = add_article("智慧工会建设", "智慧工会")
    search_index.rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        article.published = False
        article.save()
    with django_capture_on_commit_callbacks(execute=True):
        article.published = True
        article.save()
    assert search_page("智慧工会").total == 1


def test_deleted_article_leaves_the_index(
    add_article, search_index, search_page, django_capture_on_commit_callbacks
):
    article = add_article("智慧工会建设", "智慧工会")
    search_index.rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()


def test_author_rename_and_merge_reach_the_index(
    add_article, search_index, search_page, django_capture_on_commit_callbacks
):
    a = add_article("甲文", "正文", people=[{"name": "王君伟"}])
    b = add_article("乙文", "正文", people=[{"name": "王君玮"}])
    search_index.rebuild()
    keep, dup = Author.objects.get(name="王君伟"), Author.objects.get(name="王君玮")
    with django_capture_on_commit_callbacks(execute=True):
        b.authorships.update(author=keep)  # a merge re-points authorships in bulk…
        dup.delete()
        keep.aliases = [
            "王君玮"
        ]  # …and saves the kept author, which reindexes its articles
        keep.save()
    page = search_page("", author="王君伟")
    assert set(titles(page)) == {a.title, b.title}
    assert search_page("王君玮").total == 2  # the alias stays searchable


def test_affiliation_province_change_moves_the_facet(
    add_article, search_index, search_page, django_capture_on_commit_callbacks
):
    add_article("文章", "正文", people=[{"name": "张三", "affiliation": "某市总工会"}])
    search_index.rebuild()
    assert search_page("", province="山东").total == 0
    with django_capture_on_commit_callbacks(execute=True):
        place = Affiliation.objects.get(name="某市总工会")
        place.province = Province.objects.get(short_name="山东")
        place.save()
    assert search_page("", province="山东").total == 1


def test_issue_date_change_moves_the_year(
    add_article, search_index, search_page, django_capture_on_commit_callbacks
):
    article = add_article("文章", "正文", date=date(2020, 3, 1))
    search_index.rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        article.issue.publication_date = date(2024, 3, 1)
        article.issue.save()
    assert search_page("", year="2024").total == 1
    assert search_page("", year="2020").total == 0


def test_import_is_indexed_on_commit(
    search_index, search_page, django_capture_on_commit_callbacks
):
    from archive.importing import import_page
    from tests.conftest import SEED_PAGES

    with django_capture_on_commit_callbacks(execute=True):
        result = import_page(SEED_PAGES[0].read_bytes(), source_name=SEED_PAGES[0].name)
    assert search_page("枫桥经验").total >= 1
    assert search_page("").total == len(result.articles)


def test_concurrent_writers_wait_for_the_lock(add_article, search_index, search_page):
    """Writers in other processes (here: threads with backends of their own) wait for the lock."""
    from haystack import connections

    first = add_article("第一篇", "智慧工会")
    second = add_article("第二篇", "智慧工会")
    search_index.rebuild()
    objs = list(
        search_index.index.index_queryset().filter(pk__in=[first.pk, second.pk])
    )
    for obj in objs:
        obj.body = "新就业形态"
    writer = (
        search_index.backend._writer()
    )  # hold the lock, as a slow commit elsewhere would
    errors = []

    def write(obj):
        try:
            connections["default"].get_backend().update(search_index.index, [obj])
        except Exception as exc:  # noqa: BLE001 - the assertion reports it
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(obj,)) for obj in objs]
    for t in threads:
        t.start()
    threading.Event().wait(0.5)
    assert all(t.is_alive() for t in threads), "the writers wait instead of failing"
    # Release the lock; both waiting writers get theirs in turn.
    if hasattr(writer, "cancel"):
        writer.cancel()
    else:
        writer.rollback()
    del writer
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert search_page("新就业形态").total == 2


def test_rebuild_index_command_shows_progress_and_indexes(
    add_article, search_page, capsys
):
    from django.core.management import call_command

    for i in range(3):
        add_article(f"工会文章{i}", "工会工作")
    try:
        call_command("rebuild_index", interactive=False, verbosity=2)
    finally:
        # haystack's update_index turns multiprocessing's logger up to INFO at verbosity 2.
        logging.getLogger("multiprocessing").setLevel(logging.WARNING)
    out = capsys.readouterr().out
    assert "Indexing 3" in out and "indexed 1 - 3 of 3" in out
    assert search_page("工会").total == 3
