"""The real-use archive is what it says: mixed metadata, roles, withdrawn and undone work."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_archive_has_dated_undated_and_later_dated_pages(archive_in_use):
    a = archive_in_use
    assert a.dated.publication_date and a.dated.number and a.dated.page_label
    assert a.undated.publication_date is None
    assert a.dated_later.publication_date is not None


def test_the_withdrawn_article_and_its_author_are_nowhere_public(archive_in_use):
    from articles.models import Article, Authorship

    a = archive_in_use
    assert not Article.objects.public().filter(pk=a.withdrawn.pk).exists()
    assert not Authorship.objects.filter(
        author__name=a.withdrawn_author, article__published=True
    ).exists()


def test_the_split_and_the_batch_were_undone(archive_in_use):
    assert archive_in_use.split.undone_at is not None
    assert archive_in_use.batch.undone_at is not None
