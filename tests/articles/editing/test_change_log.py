"""Structure changes on record: undo puts back what a change touched, or refuses."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from articles.editing import change_log, corrections, structure
from articles.models import Article, Author, Authorship, StructureChange


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("bianji", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    return user


def test_undo_is_refused_after_a_later_edit(page, editor):
    issue, (first, *_) = page
    structure.split_article(
        first, base_version=1, at_paragraph=1, title="新", editor=editor
    )
    first.refresh_from_db()
    corrections.save_correction(
        first,
        editor=editor,
        base_version=first.version,
        changes={"body": "后来改了。"},
        note="改",
    )
    with pytest.raises(ValidationError):
        change_log.undo(StructureChange.objects.get(operation="split"), editor=editor)


def test_an_article_edit_is_recorded_and_its_undo_restores_publication(page, editor):
    """Undoing an edit that withdrew an article publishes it again (the whole state)."""
    issue, (first, *_) = page
    change = structure.edit_article(
        first, editor=editor, fields={"published": False, "kind": "digest"}
    )
    assert (change.operation, change.note) == ("placement", "《甲文》：公开、体裁")
    stored = Article.objects.get(pk=first.pk)
    assert (stored.published, stored.kind) == (False, "digest")
    change_log.undo(change, editor=editor)
    stored = Article.objects.get(pk=first.pk)
    assert (stored.published, stored.kind) == (True, "article")
    assert stored.version == 1  # placement is not text: no new version


def test_a_byline_edit_is_undone_with_the_removed_and_added_bylines(page, editor):
    issue, (first, *_) = page
    old = first.authorships.get()
    old_pk = old.pk
    new = Authorship(author=Author.objects.create(name="李四"), order=1)
    change = structure.edit_article(
        first, editor=editor, fields={}, authorships=[new], removed=[old]
    )
    assert change.operation == "authorships"
    assert [a.author.name for a in first.authorships.all()] == ["李四"]
    change_log.undo(change, editor=editor)
    assert [
        (a.pk, a.author.name)
        for a in Article.objects.get(pk=first.pk).authorships.all()
    ] == [(old_pk, "张三")]


def test_undo_restores_only_what_the_change_touched(page, editor):
    """A neighbour withdrawn after a split stays withdrawn when the split is undone."""
    issue, (first, second, third) = page
    structure.split_article(
        first, base_version=1, at_paragraph=2, title="乙文", editor=editor
    )
    structure.edit_article(second, editor=editor, fields={"published": False})
    change_log.undo(StructureChange.objects.get(operation="split"), editor=editor)
    second.refresh_from_db()
    assert (second.position, second.published) == (2, False)


def test_undo_is_refused_when_a_touched_field_changed_since(page, editor):
    issue, (first, *_) = page
    withdrawal = structure.edit_article(
        first, editor=editor, fields={"published": False}
    )
    structure.edit_article(first, editor=editor, fields={"published": True})
    with pytest.raises(ValidationError) as refused:
        change_log.undo(withdrawal, editor=editor)
    assert "《甲文》" in " ".join(refused.value.messages)


def test_a_change_is_undone_once_and_an_undo_is_not_undone(page, editor):
    issue, (first, *_) = page
    change = structure.edit_article(first, editor=editor, fields={"position": 9})
    record = change_log.undo(change, editor=editor)
    assert record.operation == "undo"
    for again in (change, record):
        again.refresh_from_db()
        with pytest.raises(ValidationError):
            change_log.undo(again, editor=editor)
    assert Article.objects.get(pk=first.pk).position == 1


def test_undo_refuses_a_byline_put_where_the_restored_one_belongs(page, editor):
    """Someone gave the article a new first byline after the old one was removed."""
    issue, (first, *_) = page
    removal = structure.edit_article(
        first, editor=editor, fields={}, removed=[first.authorships.get()]
    )
    Authorship.objects.create(
        article=first, author=Author.objects.create(name="王五"), order=1
    )
    with pytest.raises(ValidationError):
        change_log.undo(removal, editor=editor)
    assert [a.author.name for a in first.authorships.all()] == ["王五"]
    assert StructureChange.objects.get(pk=removal.pk).undone_at is None


def test_an_undone_text_change_is_a_new_version_with_its_revision(page, editor):
    issue, (first, *_) = page
    structure.split_article(
        first, base_version=1, at_paragraph=2, title="乙文", editor=editor
    )
    change_log.undo(StructureChange.objects.get(operation="split"), editor=editor)
    stored = Article.objects.get(pk=first.pk)
    assert stored.version == 3
    assert stored.revisions.first().note == "撤销：拆分文章"
    assert stored.revisions.first().body == stored.body
