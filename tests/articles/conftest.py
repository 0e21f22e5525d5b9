"""Search fixtures: a throwaway Whoosh index for the session, emptied before each search test."""

from contextlib import contextmanager
from datetime import date

import pytest

ISSUE_DATES = [date(2024, 5, 20), date(2023, 1, 9), date(2019, 12, 16)]


@pytest.fixture(scope="session", autouse=True)
def search_index_path(tmp_path_factory):
    """Every test in this directory indexes into a temporary directory, never var/whoosh_index."""
    from django.conf import settings
    from haystack import connections

    path = tmp_path_factory.mktemp("whoosh_index")
    options = settings.HAYSTACK_CONNECTIONS["default"]
    original = options["PATH"]
    options["PATH"] = str(path)
    connections.reload("default")
    yield path
    options["PATH"] = original
    connections.reload("default")


class SearchIndex:
    """The test's index: `rebuild()` indexes every public article as rebuild_index would."""

    def __init__(self):
        from haystack import connections

        from articles.models import Article

        self.backend = connections["default"].get_backend()
        self.index = connections["default"].get_unified_index().get_index(Article)

    def clear(self):
        self.backend.clear()

    def rebuild(self):
        self.backend.clear()
        self.backend.update(self.index, list(self.index.index_queryset()))


ENGINES = {
    "whoosh": "articles.search.whoosh.backend.ChineseWhooshEngine",
    "tantivy": "articles.search.tantivy.backend.TantivyEngine",
}


@contextmanager
def engine(name: str):
    """The search connection on one of the embedded engines for a while."""
    from django.conf import settings
    from haystack import connections

    options = settings.HAYSTACK_CONNECTIONS["default"]
    original = options["ENGINE"]
    options["ENGINE"] = ENGINES[name]
    connections.reload("default")
    try:
        yield name
    finally:
        options["ENGINE"] = original
        connections.reload("default")


@pytest.fixture(params=list(ENGINES))
def search_engine(request, search_index_path):
    """Each search test runs on both embedded engines (Whoosh, the default; tantivy)."""
    with engine(request.param):
        yield request.param


@pytest.fixture
def search_index(db, search_engine):
    index = SearchIndex()
    index.clear()
    yield index
    index.clear()


@pytest.fixture
def make_person(db):
    """An authorship: author `name` at `affiliation` in `province` (short name)."""
    from articles.models import Affiliation, Author, Authorship, Province

    def make(article, name=None, affiliation=None, province=None, **fields):
        place = None
        if affiliation:
            prov = (
                Province.objects.filter(short_name=province).first()
                if province
                else None
            )
            place, _ = Affiliation.objects.get_or_create(
                name=affiliation, defaults={"province": prov}
            )
        author = Author.objects.get_or_create(name=name)[0] if name else None
        fields.setdefault("order", article.authorships.count() + 1)
        return Authorship.objects.create(
            article=article, author=author, affiliation=place, **fields
        )

    return make


@pytest.fixture
def search_page():
    """The search page's data for a query and filters, as the view builds it."""
    return _search_page


def _search_page(query="", **filters):
    from django.http import QueryDict

    from articles.search.page import build_search_page

    params = QueryDict(mutable=True)
    if query:
        params["q"] = query
    for key, value in filters.items():
        for v in value if isinstance(value, list) else [value]:
            params.appendlist(key, v)
    return build_search_page(params)


@pytest.fixture
def add_article(make_issue, make_person):
    """An article on a page of its own:
    add_article("标题", "正文", date=…, column="观点", people=[…])."""
    from articles.models import Article, Column

    counter = iter(range(1, 10_000))

    def add(
        title,
        body="",
        *,
        date=None,
        column=None,
        original_ocr=None,
        people=(),
        **fields,
    ):
        n = next(counter)
        issue = make_issue(
            raw=f"测试版面 {n} {title}".encode(),
            source_name=f"test-{n}.txt",
            publication_date=date,
        )
        article = Article.objects.create(
            issue=issue,
            title=title,
            body=body,
            original_ocr=body if original_ocr is None else original_ocr,
            column=Column.objects.get(name=column) if column else None,
            position=1,
            **fields,
        )
        for person in people:
            make_person(article, **person)
        return article

    return add
