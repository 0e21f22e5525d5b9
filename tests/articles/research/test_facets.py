"""Facets of the filtered lists: counts under the other filters, chosen values kept and
named, and the chips that take one value away."""

from urllib.parse import parse_qs

import pytest

from articles.models import Article, Author, Column
from articles.research import facets
from articles.research.filtering import parse_params
from tests.seed import find

pytestmark = pytest.mark.django_db


def by_value(values) -> dict[str, facets.FacetValue]:
    return {v.value: v for v in values}


def test_kind_and_status_offer_only_values_that_occur_with_their_counts(seed):
    counts = facets.facet_counts({})
    kinds = by_value(counts["kind"])
    occurring = set(Article.objects.public().values_list("kind", flat=True))
    assert set(kinds) == occurring
    for value, facet in kinds.items():
        assert facet.count == Article.objects.public().filter(kind=value).count()
        assert facet.label == Article.Kind(value).label
    assert sum(v.count for v in counts["status"]) == Article.objects.public().count()


def test_a_column_chosen_by_name_is_the_column_chosen_by_slug(seed):
    column = Column.objects.get(name="观点")
    by_name = by_value(facets.facet_counts({"column": "观点"})["column"])
    by_slug = by_value(facets.facet_counts({"column": column.slug})["column"])
    assert by_name[column.slug].selected and by_slug[column.slug].selected
    assert by_name[column.slug].count == by_slug[column.slug].count


def test_a_withdrawn_authors_name_never_shows_through_a_hand_made_url(seed):
    article = find(seed, "双创")
    author = Author.objects.get(name="李长安")
    assert {b.article_id for b in author.authorships.all()} == {article.pk}
    Article.objects.filter(pk=article.pk).update(published=False)
    chosen = facets.facet_counts({"author": author.pk})["author"][0]
    assert (chosen.value, chosen.count, chosen.selected) == (str(author.pk), 0, True)
    assert chosen.label == f"#{author.pk}" and author.name not in chosen.label


def test_a_year_outside_the_archive_stays_offered_in_order(seed):
    years = facets.facet_counts({"year_from": 2021})["year"]
    assert [v.value for v in years] == sorted((v.value for v in years), key=int)
    (chosen,) = [v for v in years if v.selected]
    assert (chosen.value, chosen.label, chosen.count) == ("2021", "2021年", 0)


def test_each_chip_takes_away_just_its_value(seed):
    column = Column.objects.get(name="观点")
    params = parse_params({"column": column.slug, "kind": ["article", "digest"]})
    chips = facets.active_filters(params, facets.facet_counts(params))
    labels = [(c.label, c.value) for c in chips]
    assert ("栏目", "观点") in labels
    assert ("体裁", "文章") in labels and ("体裁", "观点撷英") in labels
    digest_chip = next(c for c in chips if c.value == "观点撷英")
    left = parse_qs(digest_chip.remove_query)
    assert left["kind"] == ["article"] and left["column"] == [column.slug]
