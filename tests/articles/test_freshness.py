"""A change to anything a record shows moves the modified time of exactly the articles showing it;
an article that stops being public leaves a tombstone."""

from datetime import UTC, date, datetime

import pytest

from articles import freshness
from articles.editing import structure
from articles.models import (
    Affiliation,
    Article,
    Author,
    Authorship,
    Column,
    Province,
    Tombstone,
)

pytestmark = pytest.mark.django_db
OLD = datetime(2020, 1, 1, tzinfo=UTC)


@pytest.fixture
def two(make_article, make_issue):
    """Two articles on two pages, each by its own person of its own institution."""
    made = []
    for name, institution, code in (
        ("甲", "甲大学", "110000"),
        ("乙", "乙大学", "310000"),
    ):
        article = make_article(
            issue=make_issue(publication_date=date(2024, 1, 1)),
            column=Column.objects.order_by("pk").first(),
        )
        affiliation = Affiliation.objects.create(
            name=institution, province=Province.objects.get(code=code)
        )
        Authorship.objects.create(
            article=article,
            author=Author.objects.create(name=name),
            affiliation=affiliation,
        )
        made.append(article)
    Article.objects.update(updated_at=OLD)
    return made


def moved() -> set[int]:
    return set(Article.objects.exclude(updated_at=OLD).values_list("pk", flat=True))


def test_editing_a_page_date_moves_its_articles_only(two):
    issue = two[0].issue
    issue.publication_date = date(2024, 2, 2)
    issue.save()
    assert moved() == {two[0].pk}


def test_saving_unchanged_rows_moves_nothing(two):
    two[0].issue.save()
    Author.objects.get(name="甲").save()
    Column.objects.order_by("pk").first().save()
    assert moved() == set()


def test_renaming_a_person_moves_their_articles(two):
    author = Author.objects.get(name="甲")
    author.name = "甲某"
    author.save(update_fields=["name"])
    assert moved() == {two[0].pk}


def test_an_institution_moved_to_another_province_moves_its_articles(two):
    affiliation = Affiliation.objects.get(name="乙大学")
    affiliation.province = Province.objects.get(code="110000")
    affiliation.save()
    assert moved() == {two[1].pk}


def test_renaming_a_province_or_a_column_moves_what_shows_it(two):
    province = Province.objects.get(code="310000")
    province.short_name = "沪市"
    province.save()
    assert moved() == {two[1].pk}
    column = Column.objects.order_by("pk").first()
    column.name = "新栏目名"
    column.save()
    assert moved() == {two[0].pk, two[1].pk}


def test_adding_or_removing_a_byline_moves_the_article(two):
    Authorship.objects.create(
        article=two[1], author=Author.objects.create(name="丙"), order=2
    )
    assert moved() == {two[1].pk}
    Article.objects.update(updated_at=OLD)
    Authorship.objects.filter(article=two[0]).delete()
    assert moved() == {two[0].pk}


def test_merging_people_moves_the_articles_that_name_them(two, django_user_model):
    editor = django_user_model.objects.create_user("bianji")
    structure.merge_authors(
        Author.objects.get(name="甲"), [Author.objects.get(name="乙")], editor=editor
    )
    assert moved() == {two[1].pk}


def test_touch_is_the_path_for_bulk_updates(two):
    assert freshness.touch([two[1].pk, None]) == 1
    assert moved() == {two[1].pk}


def test_withdrawing_leaves_a_tombstone_and_republishing_removes_it(two):
    article = two[0]
    article.published = False
    article.save()
    stone = Tombstone.objects.get(article_pk=article.pk)
    assert stone.reason == "withdrawn"
    assert stone.set_spec == article.column.slug
    article.published = True
    article.save()
    assert not Tombstone.objects.exists()
    assert Article.objects.get(pk=article.pk).public_since > OLD


def test_a_merged_article_is_buried_as_merged(two, django_user_model):
    editor = django_user_model.objects.create_user("bianji")
    first, second = two
    structure.merge_articles(
        first,
        second,
        base_versions={first.pk: first.version, second.pk: second.version},
        editor=editor,
    )
    stone = Tombstone.objects.get()
    assert (stone.article_pk, stone.reason, stone.merged_into) == (
        second.pk,
        "merged",
        first.pk,
    )


def test_a_deleted_public_article_is_buried_and_an_unpublished_one_is_not(
    two, make_article
):
    hidden = make_article(published=False)
    hidden.delete()
    pk = two[1].pk
    Article.objects.filter(column__isnull=False).update(column=None)
    Article.objects.get(pk=pk).delete()
    stone = Tombstone.objects.get()
    assert (stone.article_pk, stone.reason, stone.set_spec) == (
        pk,
        "deleted",
        freshness.NO_COLUMN_SET,
    )


def test_a_new_public_article_is_public_since_its_creation(make_article):
    article = make_article()
    assert article.public_since is not None
    assert make_article(published=False).public_since is None


def test_undoing_a_removed_byline_moves_the_article_again(two, django_user_model):
    from articles.editing import change_log

    editor = django_user_model.objects.create_user("bianji")
    change = structure.edit_article(
        two[0],
        editor=editor,
        fields={},
        removed=list(Authorship.objects.filter(article=two[0])),
    )
    Article.objects.update(updated_at=OLD)
    change_log.undo(change, editor=editor)
    assert Authorship.objects.filter(article=two[0]).exists()
    assert moved() == {two[0].pk}


def test_a_renamed_column_takes_its_deleted_records_along(two):
    article = two[0]
    article.published = False
    article.save()
    column = article.column
    column.slug = "renamed-column"
    column.save()
    stone = Tombstone.objects.get()
    assert stone.set_spec == "renamed-column"
