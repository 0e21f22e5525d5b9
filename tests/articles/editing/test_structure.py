"""Split, merge, move, reorder and merges of people and places keep every character and undo exactly."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from articles.editing import corrections, structure
from articles.models import (
    Affiliation,
    Article,
    Author,
    Authorship,
    Province,
    StructureChange,
)


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("bianji", is_staff=True)
    user.groups.add(Group.objects.get(name="审校"))
    return user


@pytest.fixture
def page(make_issue, make_article):
    issue = make_issue()
    articles = [
        make_article(
            issue=issue,
            position=1,
            title="甲文",
            body="甲一。\n\n甲二。\n\n乙一。\n\n乙二。",
        ),
        make_article(issue=issue, position=2, title="丙文", body="丙一。\n\n丙二。"),
        make_article(issue=issue, position=3, title="丁文", body="丁一。"),
    ]
    for a in articles:
        corrections.record_import(a)
    author = Author.objects.create(name="张三")
    Authorship.objects.create(article=articles[0], author=author, order=1)
    return issue, articles


def state(issue):
    """Everything a structure change may touch, for exact before/after comparison."""
    return [
        (
            a.pk,
            a.position,
            a.title,
            a.body,
            a.column_id,
            a.kind,
            a.published,
            a.original_ocr,
            sorted(
                a.authorships.values_list(
                    "author_id", "affiliation_id", "role", "order"
                )
            ),
        )
        for a in Article.objects.filter(issue=issue).order_by("pk")
    ]


def test_split_keeps_every_character_and_undoes_exactly(page, editor):
    issue, (first, second, third) = page
    before = state(issue)
    whole = first.body
    new = structure.split_article(
        first, at_paragraph=2, title="乙文", editor=editor, copy_authors=True
    )
    first.refresh_from_db()
    assert first.body + "\n\n" + new.body == whole
    assert (
        first.position,
        new.position,
        Article.objects.get(pk=second.pk).position,
    ) == (1, 2, 3)
    assert list(new.derived_from.all()) == [first]
    assert new.authorships.get().author.name == "张三"
    assert first.original_ocr == before[0][7]
    change = StructureChange.objects.get(operation="split")
    structure.undo(change, editor=editor)
    assert state(issue) == before
    assert not Article.objects.filter(pk=new.pk).exists()


def test_merge_keeps_every_character_and_undoes_exactly(page, editor):
    issue, (first, second, third) = page
    before = state(issue)
    merged = structure.merge_articles(second, third, editor=editor)
    assert merged.body == "丙一。\n\n丙二。\n\n丁一。"
    assert not Article.objects.get(pk=third.pk).published
    assert list(merged.derived_from.all()) == [Article.objects.get(pk=third.pk)]
    structure.undo(StructureChange.objects.get(operation="merge"), editor=editor)
    assert state(issue) == before
    assert not Article.objects.get(pk=second.pk).derived_from.exists()


def test_move_paragraphs_between_articles_and_undo(page, editor):
    issue, (first, second, third) = page
    before = state(issue)
    structure.move_paragraphs(first, third, paragraphs=[2, 3], at=0, editor=editor)
    assert Article.objects.get(pk=first.pk).body == "甲一。\n\n甲二。"
    assert Article.objects.get(pk=third.pk).body == "乙一。\n\n乙二。\n\n丁一。"
    structure.undo(StructureChange.objects.get(operation="move"), editor=editor)
    assert state(issue) == before


def test_reorder_and_undo_restore_positions_only(page, editor):
    issue, (first, second, third) = page
    before = state(issue)
    structure.reorder_articles(
        issue, order=[third.pk, first.pk, second.pk], editor=editor
    )
    assert list(
        Article.objects.filter(issue=issue)
        .order_by("position")
        .values_list("pk", flat=True)
    ) == [
        third.pk,
        first.pk,
        second.pk,
    ]
    with pytest.raises(ValidationError):
        structure.reorder_articles(issue, order=[first.pk], editor=editor)
    structure.undo(StructureChange.objects.get(operation="reorder"), editor=editor)
    assert state(issue) == before


def test_undo_is_refused_after_a_later_edit(page, editor):
    issue, (first, *_) = page
    structure.split_article(first, at_paragraph=1, title="新", editor=editor)
    first.refresh_from_db()
    corrections.save_correction(
        first,
        editor=editor,
        base_version=first.version,
        changes={"body": "后来改了。"},
        note="改",
    )
    with pytest.raises(ValidationError):
        structure.undo(StructureChange.objects.get(operation="split"), editor=editor)


def test_merge_authors_moves_every_link_keeps_alias_and_undoes(
    page, editor, make_article
):
    issue, (first, second, third) = page
    keep = Author.objects.get(name="张三")
    alias = Author.objects.create(name="张 三")
    Authorship.objects.create(article=second, author=alias, order=1)
    Authorship.objects.create(article=third, author=alias, order=1)
    structure.merge_authors(keep, [alias], editor=editor)
    assert Authorship.objects.filter(author=keep).count() == 3
    assert Author.objects.get(pk=keep.pk).aliases == ["张 三"]
    assert not Author.objects.filter(pk=alias.pk).exists()
    # The alias is remembered: a future import of that spelling finds the same author.
    from archive.importing import find_or_create_author

    assert find_or_create_author("张 三") == keep
    structure.undo(
        StructureChange.objects.get(operation="merge_authors"), editor=editor
    )
    assert Author.objects.get(pk=alias.pk).name == "张 三"
    assert Authorship.objects.filter(author_id=alias.pk).count() == 2
    assert Author.objects.get(pk=keep.pk).aliases == []


def test_merge_affiliations_keeps_alias_and_province(page, editor):
    issue, (first, second, third) = page
    shandong = Province.objects.get(short_name="山东")
    keep = Affiliation.objects.create(name="中国劳动关系学院")
    alias = Affiliation.objects.create(name="劳动关系学院", province=shandong)
    link = Authorship.objects.create(article=second, affiliation=alias, order=1)
    structure.merge_affiliations(keep, [alias], editor=editor)
    keep.refresh_from_db()
    assert keep.aliases == ["劳动关系学院"] and keep.province == shandong
    assert Authorship.objects.get(pk=link.pk).affiliation == keep
    from archive.importing import known_affiliation_name

    assert known_affiliation_name("劳动关系学院") == "中国劳动关系学院"
    structure.undo(
        StructureChange.objects.get(operation="merge_affiliations"), editor=editor
    )
    assert Authorship.objects.get(pk=link.pk).affiliation_id == alias.pk
