"""The one compare-and-set on an article's version: a revision, or a conflict."""

import pytest
from django.core.exceptions import ValidationError

from articles.editing import corrections, revisions
from articles.editing.revisions import EditConflict
from articles.models import Article, Revision


@pytest.fixture
def article(make_article):
    article = make_article(title="标题", body="正文。")
    corrections.record_import(article)
    return article


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("bianji", is_staff=True)


def write(article, editor, base_version, **changes):
    return revisions.write(
        article,
        base_version=base_version,
        changes=changes,
        editor=editor,
        kind=Revision.Kind.EDIT,
        note="改",
    )


def test_a_write_from_the_current_version_is_the_next_version_with_its_revision(
    article, editor
):
    revision = write(article, editor, 1, body="新正文。")
    stored = Article.objects.get(pk=article.pk)
    assert (stored.version, stored.body) == (2, "新正文。")
    assert (revision.number, revision.body, revision.changed_fields) == (
        2,
        "新正文。",
        ["body"],
    )
    assert article.version == 2  # the caller's copy follows


def test_a_write_from_an_older_version_raises_a_conflict_carrying_the_current_one(
    article, editor
):
    write(article, editor, 1, body="甲。")
    stale = Article.objects.get(pk=article.pk)
    with pytest.raises(EditConflict) as conflict:
        write(stale, editor, 1, body="乙。")
    assert conflict.value.article.version == 2
    assert conflict.value.article.body == "甲。"
    assert [r.number for r in conflict.value.newer] == [2]
    assert Article.objects.get(pk=article.pk).body == "甲。"


def test_a_write_that_changes_nothing_writes_nothing(article, editor):
    assert write(article, editor, 1, body="正文。", title="标题") is None
    stored = Article.objects.get(pk=article.pk)
    assert stored.version == 1 and stored.revisions.count() == 1


def test_a_stale_write_of_what_is_already_there_records_nothing(article, editor):
    write(article, editor, 1, body="甲。")
    assert write(article, editor, 1, body="甲。") is None
    assert Article.objects.get(pk=article.pk).version == 2


def test_a_stale_change_of_something_else_than_text_is_refused(article, editor):
    write(article, editor, 1, body="甲。")
    with pytest.raises(EditConflict):
        write(article, editor, 1, published=False)


def test_a_text_change_sends_a_verified_article_back_under_review(article, editor):
    Article.objects.filter(pk=article.pk).update(status=Article.Status.VERIFIED)
    write(article, editor, 1, published=False)
    assert Article.objects.get(pk=article.pk).status == Article.Status.VERIFIED
    write(article, editor, 2, title="新标题")
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW


def test_the_version_and_the_original_are_never_written(article, editor):
    for field in ("version", "original_ocr"):
        with pytest.raises(ValidationError):
            write(article, editor, 1, **{field: "x"})
    assert Article.objects.get(pk=article.pk).version == 1


def test_text_editors_since_verification(article, editor, django_user_model):
    other = django_user_model.objects.create_user("yi", is_staff=True)
    write(article, editor, 1, body="甲。")
    write(article, other, 2, review_flags=[{"code": "x", "message": "提示"}])
    assert revisions.text_editors_since_verification(article) == {editor.pk}
    write(article, other, 3, status=Article.Status.VERIFIED)
    assert revisions.text_editors_since_verification(article) == set()
    write(article, other, 4, body="乙。")
    assert revisions.text_editors_since_verification(article) == {other.pk}
