"""On the archive in real use, the count and facets the page shows are the true numbers of
public articles."""

from collections import Counter

import pytest

from tests.articles.conftest import ENGINES, SearchIndex, engine

pytestmark = pytest.mark.django_db


@pytest.fixture(params=list(ENGINES))
def indexed(request, archive_in_use):
    """The real-use archive indexed by each embedded engine."""
    with engine(request.param):
        SearchIndex().rebuild()
        yield archive_in_use


@pytest.fixture
def documents(indexed):
    """Every public article with the terms its document field is indexed under."""
    from haystack import connections

    from articles.models import Article
    from articles.search.definition import index_definition, text_postings

    unified = connections["default"].get_unified_index()
    index = unified.get_index(Article)
    definition = index_definition(unified.all_searchfields())
    found = []
    for article in index.index_queryset():
        postings, _weights = text_postings(index.full_prepare(article), definition)
        found.append((article, set(postings[definition.content])))
    assert len(found) >= 4
    return found


def truth(documents, matches):
    """Total and column and year facets of the public articles that match."""
    chosen = [article for article, terms in documents if matches(article, terms)]
    columns = Counter(a.column.name for a in chosen if a.column_id)
    years = Counter(
        str(a.issue.publication_date.year) for a in chosen if a.issue.publication_date
    )
    return len(chosen), columns, years


def shown(page):
    groups = {g.facet.param: {v.value: v.count for v in g.values} for g in page.facets}
    return (
        page.total,
        Counter(groups.get("column", {})),
        Counter(groups.get("year", {})),
    )


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        ("工会", lambda a, terms: "工会" in terms),
        ("劳动 职工", lambda a, terms: {"劳动", "职工"} <= terms),
        ("-工会", lambda a, terms: "工会" not in terms),
        ("王", lambda a, terms: any("王" in t for t in terms)),
        ("", lambda a, terms: True),
    ],
)
def test_counts_and_facets_are_the_true_numbers(documents, search_page, query, matches):
    """Words, exclusions, one character and the whole archive count exactly."""
    expected = truth(documents, matches)
    assert expected[0] > 0
    assert shown(search_page(query)) == expected


def test_a_facet_alone_counts_its_public_articles(documents, search_page):
    """Browsing a column counts every public article in it, dated or not."""
    from articles.models import Article

    column = next(a.column.name for a, _terms in documents if a.column_id)
    page = search_page("", column=column)
    assert page.total == Article.objects.public().filter(column__name=column).count()
