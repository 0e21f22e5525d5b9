"""Structure changes keep every character, undo exactly and refuse a stale base."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from articles.editing import change_log, corrections, structure
from articles.editing.revisions import EditConflict, OrderConflict
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


def versions(*articles) -> dict[int, int]:
    return {a.pk: a.version for a in articles}


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
        first,
        base_version=1,
        at_paragraph=2,
        title="乙文",
        editor=editor,
        copy_authors=True,
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
    change_log.undo(change, editor=editor)
    assert state(issue) == before
    assert not Article.objects.filter(pk=new.pk).exists()


def test_merge_keeps_every_character_and_undoes_exactly(page, editor):
    issue, (first, second, third) = page
    before = state(issue)
    merged = structure.merge_articles(
        second, third, base_versions=versions(second, third), editor=editor
    )
    assert merged.body == "丙一。\n\n丙二。\n\n丁一。"
    assert not Article.objects.get(pk=third.pk).published
    assert list(merged.derived_from.all()) == [Article.objects.get(pk=third.pk)]
    change_log.undo(StructureChange.objects.get(operation="merge"), editor=editor)
    assert state(issue) == before
    assert not Article.objects.get(pk=second.pk).derived_from.exists()


def test_move_paragraphs_between_articles_and_undo(page, editor):
    issue, (first, second, third) = page
    before = state(issue)
    structure.move_paragraphs(
        first,
        third,
        base_versions=versions(first, third),
        paragraphs=[2, 3],
        at=0,
        editor=editor,
    )
    assert Article.objects.get(pk=first.pk).body == "甲一。\n\n甲二。"
    assert Article.objects.get(pk=third.pk).body == "乙一。\n\n乙二。\n\n丁一。"
    change_log.undo(StructureChange.objects.get(operation="move"), editor=editor)
    assert state(issue) == before


def test_reorder_and_undo_restore_positions_only(page, editor):
    issue, (first, second, third) = page
    before = state(issue)
    base = structure.page_order(issue)
    structure.reorder_articles(
        issue, order=[third.pk, first.pk, second.pk], base_order=base, editor=editor
    )
    assert structure.page_order(issue) == [third.pk, first.pk, second.pk]
    with pytest.raises(ValidationError):
        structure.reorder_articles(
            issue,
            order=[first.pk],
            base_order=structure.page_order(issue),
            editor=editor,
        )
    change_log.undo(StructureChange.objects.get(operation="reorder"), editor=editor)
    assert state(issue) == before


@pytest.mark.parametrize("operation", ["split", "merge"])
def test_a_structure_change_from_a_stale_version_is_refused_as_a_conflict(
    page, editor, operation
):
    """Someone corrected the article after the editor opened the structure screen."""
    issue, (first, second, third) = page
    seen = versions(first, second, third)
    corrections.save_correction(
        Article.objects.get(pk=first.pk),
        editor=editor,
        base_version=1,
        changes={"body": first.body + "\n\n后加的一段。"},
        note="补段",
    )
    before = state(issue)
    with pytest.raises(EditConflict) as conflict:
        if operation == "split":
            structure.split_article(
                first,
                base_version=seen[first.pk],
                at_paragraph=1,
                title="新",
                editor=editor,
            )
        else:
            structure.merge_articles(second, first, base_versions=seen, editor=editor)
    assert conflict.value.article.version == 2
    assert state(issue) == before
    assert not StructureChange.objects.exists()


def test_a_structure_change_from_a_stale_version_is_merged_where_it_does_not_overlap(
    page, editor
):
    """The paragraph added after the editor opened the page stays; the move happens."""
    issue, (first, second, third) = page
    seen = versions(first, second, third)
    corrections.save_correction(
        Article.objects.get(pk=first.pk),
        editor=editor,
        base_version=1,
        changes={"body": first.body.replace("乙二", "乙贰")},
        note="改字",
    )
    structure.move_paragraphs(
        Article.objects.get(pk=first.pk),
        third,
        base_versions=seen,
        paragraphs=[0],
        editor=editor,
    )
    first.refresh_from_db()
    third.refresh_from_db()
    assert first.body == "甲二。\n\n乙一。\n\n乙贰。"
    assert third.body == "丁一。\n\n甲一。"
    assert "与修订 2 合并" in first.revisions.first().note


def test_a_reorder_from_a_stale_order_is_refused_as_a_conflict(page, editor):
    issue, (first, second, third) = page
    seen = structure.page_order(issue)
    structure.split_article(
        first, base_version=1, at_paragraph=1, title="新", editor=editor
    )
    after_split = structure.page_order(issue)
    with pytest.raises(OrderConflict):
        structure.reorder_articles(
            issue, order=list(reversed(seen)), base_order=seen, editor=editor
        )
    assert structure.page_order(issue) == after_split


def test_a_paragraph_moved_into_a_verified_article_puts_it_back_under_review(
    page, editor
):
    issue, (first, second, third) = page
    Article.objects.filter(pk=third.pk).update(status=Article.Status.VERIFIED)
    third.refresh_from_db()
    structure.move_paragraphs(
        first,
        third,
        base_versions=versions(first, third),
        paragraphs=[0],
        editor=editor,
    )
    assert Article.objects.get(pk=third.pk).status == Article.Status.IN_REVIEW


def test_a_split_of_a_verified_article_leaves_neither_part_verified(page, editor):
    issue, (first, *_) = page
    Article.objects.filter(pk=first.pk).update(status=Article.Status.VERIFIED)
    first.refresh_from_db()
    new = structure.split_article(
        first, base_version=1, at_paragraph=2, title="乙文", editor=editor
    )
    assert Article.objects.get(pk=first.pk).status == Article.Status.IN_REVIEW
    assert new.status == Article.Status.IN_REVIEW


def test_an_article_edit_that_changes_nothing_records_nothing(page, editor):
    issue, (first, *_) = page
    assert structure.edit_article(first, editor=editor, fields={}) is None
    assert not StructureChange.objects.exists()


def test_an_affiliation_edit_is_recorded_and_undone(editor):
    place = Affiliation.objects.create(name="某大学")
    change = structure.edit_affiliation(
        place, editor=editor, fields={"name": "某某大学", "level": "provincial"}
    )
    assert Affiliation.objects.get(pk=place.pk).name == "某某大学"
    change_log.undo(change, editor=editor)
    place.refresh_from_db()
    assert (place.name, place.level) == ("某大学", "other")


def test_merge_authors_moves_every_link_keeps_alias_and_undoes(page, editor):
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
    change_log.undo(
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
    change_log.undo(
        StructureChange.objects.get(operation="merge_affiliations"), editor=editor
    )
    assert Authorship.objects.get(pk=link.pk).affiliation_id == alias.pk
    assert Affiliation.objects.get(pk=keep.pk).province is None


def test_a_range_of_paragraphs_from_the_middle_becomes_its_own_article(page, editor):
    """An excerpt from the middle of a digest: the paragraphs around it stay."""
    issue, (first, second, third) = page
    new = structure.split_article(
        first,
        base_version=1,
        at_paragraph=1,
        until_paragraph=3,
        title="中间两段",
        editor=editor,
    )
    first.refresh_from_db()
    assert first.body == "甲一。\n\n乙二。"
    assert new.body == "甲二。\n\n乙一。" and new.position == 2
    with pytest.raises(ValidationError):
        structure.split_article(
            first,
            base_version=2,
            at_paragraph=0,
            until_paragraph=2,
            title="全文",
            editor=editor,
        )
