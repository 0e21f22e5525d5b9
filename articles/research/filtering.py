"""Combined filters over public articles (people, places, column, kind, status, years, keyword) with facet counts."""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ExtractYear

from articles.models import Affiliation, Article, Author, Authorship, Column
from articles.pinyin import text_sort_key

logger = logging.getLogger(__name__)

# Whose affiliation places an article, and whose name finds it: bylines and credits
# (策划/制图, 整理), not the experts a digest quotes. The search facets use the same rule
# (articles.search.indexes.FACET_CONTRIBUTIONS), so a filter here and a facet there agree.
PEOPLE = (Authorship.Contribution.AUTHOR, Authorship.Contribution.CREDIT)

SORTS = {
    "-date": "日期（新→旧）",
    "date": "日期（旧→新）",
    "title": "标题（拼音）",
    "author": "作者（拼音）",
}
DEFAULT_SORT = "-date"
FILTERS = (
    "author",
    "affiliation",
    "province",
    "column",
    "kind",
    "status",
    "year_from",
    "year_to",
    "q",
)
PARAMS = (*FILTERS, "sort")
YEAR_RANGE = (1900, 2200)
MAX_TEXT = 200
# Author and affiliation facets offer the most frequent values (the chosen one always).
FACET_LIMIT = 60
# Title order is computed in Python; rows are then fetched this many at a time.
CHUNK = 500
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class FilterParams:
    """What a reader asked for, validated; invalid values are dropped and named in `errors`."""

    author: int | None = None
    affiliation: int | None = None
    province: str = ""
    column: str = ""
    kind: str = ""
    status: str = ""
    year_from: int | None = None
    year_to: int | None = None
    q: str = ""
    sort: str = DEFAULT_SORT
    errors: dict[str, str] = field(default_factory=dict)

    def as_query(self, **changes) -> dict[str, str]:
        """The URL parameters of these filters, with `changes` applied (None removes one)."""
        values = {name: getattr(self, name) for name in PARAMS}
        values.update(changes)
        if values.get("sort") == DEFAULT_SORT:
            values["sort"] = None
        return {k: str(v) for k, v in values.items() if v not in (None, "")}

    def querystring(self, **changes) -> str:
        return urlencode(self.as_query(**changes))

    @property
    def active(self) -> list[str]:
        return [name for name in FILTERS if getattr(self, name) not in (None, "")]

    @cached_property
    def keyword_ids(self) -> list[int] | None:
        """Ids of articles the keyword finds (best first); None when there is no keyword."""
        if not self.q:
            return None
        return keyword_article_ids(self.q, settings.RESEARCH_MAX_KEYWORD_HITS)

    @property
    def keyword_capped(self) -> bool:
        ids = self.keyword_ids
        return ids is not None and len(ids) >= settings.RESEARCH_MAX_KEYWORD_HITS


def _text(value, limit: int = MAX_TEXT) -> str:
    return CONTROL.sub("", str(value or "")).strip()[:limit]


def _positive_int(value) -> int | None:
    value = _text(value, 20)
    if not value.isascii() or not value.isdigit():
        raise ValueError
    number = int(value)
    if not 0 < number < 2**63:
        raise ValueError
    return number


def parse_params(data: Mapping) -> FilterParams:
    """Reads filters from a query dict (or any mapping); never raises on hostile input."""
    if isinstance(data, FilterParams):
        return data
    params = FilterParams()
    errors = params.errors

    def raw(name: str) -> str:
        value = data.get(name)
        if isinstance(value, list | tuple):
            value = value[-1] if value else ""
        return _text(value)

    for name, label in (("author", "作者"), ("affiliation", "单位")):
        if raw(name):
            try:
                setattr(params, name, _positive_int(raw(name)))
            except ValueError:
                errors[name] = f"{label}编号无效。"
    params.province = raw("province")[:20]
    params.column = raw("column")[:40]
    for name, choices, label in (
        ("kind", Article.Kind.values, "体裁"),
        ("status", Article.Status.values, "校对状态"),
    ):
        value = raw(name)
        if value in choices:
            setattr(params, name, value)
        elif value:
            errors[name] = f"没有这种{label}。"
    for name in ("year_from", "year_to"):
        value = raw(name)
        if not value:
            continue
        try:
            year = _positive_int(value)
        except ValueError:
            year = None
        if year is None or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            errors[name] = "年份应为四位数字。"
        else:
            setattr(params, name, year)
    if params.year_from and params.year_to and params.year_from > params.year_to:
        params.year_from, params.year_to = params.year_to, params.year_from
    params.q = " ".join(raw("q").split())
    sort = raw("sort")
    if sort in SORTS:
        params.sort = sort
    elif sort:
        errors["sort"] = "不支持这种排序。"
    return params


def keyword_article_ids(q: str, limit: int) -> list[int] | None:
    """The search index's matches for a keyword, best first, at most `limit`.

    The one place the lists talk to search: it reuses the search box's own parser and
    query builder, so the keyword means here what it means on the search page. A search
    backend that is missing or broken yields no matches rather than an error page.
    """
    try:
        from articles.search.query import build_searchqueryset, parse_query

        parsed = parse_query(q)
        if parsed.is_empty:
            return None
        hits = build_searchqueryset(parsed).values_list("pk", flat=True)[:limit]
        ids = [int(pk) for pk in hits if str(pk).isdigit()]
    except Exception:  # the index may be absent, locked or mid-rebuild
        logger.warning("keyword filter: search backend unavailable", exc_info=True)
        return []
    return list(dict.fromkeys(ids))


def _people(*conditions: Q, **lookups) -> Exists:
    return Exists(
        Authorship.objects.filter(
            *conditions, article=OuterRef("pk"), contribution__in=PEOPLE, **lookups
        )
    )


def filter_articles(
    params: FilterParams | Mapping, *, skip: Collection[str] = ()
) -> QuerySet[Article]:
    """Public articles matching every filter in `params` except those named in `skip`.

    Each filter is a property of the article: author=甲&province=广东 finds articles
    with 甲 among their people and some person placed in 广东, not necessarily the same one.
    """
    p = parse_params(params)
    articles = Article.objects.public()
    if p.author is not None and "author" not in skip:
        articles = articles.filter(_people(author_id=p.author))
    if p.affiliation is not None and "affiliation" not in skip:
        articles = articles.filter(_people(affiliation_id=p.affiliation))
    if p.province and "province" not in skip:
        articles = articles.filter(
            _people(
                Q(affiliation__province__short_name=p.province)
                | Q(affiliation__province__name=p.province)
            )
        )
    if p.column and "column" not in skip:
        articles = articles.filter(Q(column__slug=p.column) | Q(column__name=p.column))
    if p.kind and "kind" not in skip:
        articles = articles.filter(kind=p.kind)
    if p.status and "status" not in skip:
        articles = articles.filter(status=p.status)
    if p.year_from and "year_from" not in skip:
        articles = articles.filter(issue__publication_date__year__gte=p.year_from)
    if p.year_to and "year_to" not in skip:
        articles = articles.filter(issue__publication_date__year__lte=p.year_to)
    if p.keyword_ids is not None and "q" not in skip:
        articles = articles.filter(pk__in=p.keyword_ids)
    return articles


# ---------------------------------------------------------------- listing and order


def bylines_prefetch() -> Prefetch:
    """Every authorship of the listed articles, with person, affiliation and province: one query."""
    return Prefetch(
        "authorships",
        queryset=Authorship.objects.select_related(
            "author", "affiliation__province"
        ).order_by("contribution", "order"),
        to_attr="bylines",
    )


def with_listing_data(articles: QuerySet[Article]) -> QuerySet[Article]:
    """What a list, an export or the API prints per article, in a fixed number of queries."""
    return (
        articles.select_related("issue", "column")
        .defer("issue__raw_bytes", "issue__raw_text", "original_ocr")
        .prefetch_related(bylines_prefetch())
    )


NEWEST_FIRST = (
    F("issue__publication_date").desc(nulls_last=True),
    "-issue_id",
    "position",
    "id",
)
# Undated pages go last either way: their date is unknown, neither old nor new.
OLDEST_FIRST = (
    F("issue__publication_date").asc(nulls_last=True),
    "issue_id",
    "position",
    "id",
)


def first_person_key() -> Subquery:
    """Pinyin key of an article's first named author (or credited person when it has none)."""
    return Subquery(
        Authorship.objects.filter(
            article=OuterRef("pk"), contribution__in=PEOPLE, author__isnull=False
        )
        .order_by("contribution", "order")
        .values("author__sort_key")[:1]
    )


@lru_cache(maxsize=100_000)
def pinyin_key(title: str) -> str:
    # Quotes and spaces in headlines (“双创”) would otherwise decide the order.
    return text_sort_key(re.sub(r"[\W_]+", "", title))


class TitleOrdered(Sequence):
    """Articles in pinyin order of title: ids sorted in Python, rows fetched per slice.

    Databases cannot order by pinyin portably, so only (id, title) pairs are read for
    the whole result; a page of rows then costs the same queries as any other order.
    """

    def __init__(self, articles: QuerySet[Article]):
        self.articles = articles

    @cached_property
    def ids(self) -> list[int]:
        rows = self.articles.order_by().values_list("pk", "title")
        return [
            pk
            for pk, title in sorted(rows, key=lambda r: (pinyin_key(r[1]), r[1], r[0]))
        ]

    def count(self) -> int:  # Paginator calls count() when an object list has one
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            wanted = self.ids[index]
            by_pk = {
                a.pk: a for a in with_listing_data(self.articles.filter(pk__in=wanted))
            }
            return [by_pk[pk] for pk in wanted if pk in by_pk]
        return with_listing_data(self.articles.filter(pk=self.ids[index])).get()

    def __iter__(self) -> Iterator[Article]:
        for start in range(0, len(self), CHUNK):
            yield from self[start : start + CHUNK]


def sort_articles(articles: QuerySet[Article], sort: str) -> Sequence[Article]:
    if sort == "title":
        return TitleOrdered(articles)
    listed = with_listing_data(articles)
    if sort == "author":
        return listed.annotate(first_person=first_person_key()).order_by(
            F("first_person").asc(nulls_last=True), *NEWEST_FIRST
        )
    if sort == "date":
        return listed.order_by(*OLDEST_FIRST)
    return listed.order_by(*NEWEST_FIRST)


def article_results(params: FilterParams | Mapping) -> Sequence[Article]:
    """The filtered list in the requested order: what the list page, exports and API show."""
    p = parse_params(params)
    return sort_articles(filter_articles(p), p.sort)


def iterate(results: Sequence[Article]) -> Iterator[Article]:
    """Every article of a result, in chunks, with its listing data (for streamed exports)."""
    if isinstance(results, QuerySet):
        return results.iterator(chunk_size=CHUNK)
    return iter(results)


# ---------------------------------------------------------------- facets


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


def _chosen_first(field_name: str, selected) -> list:
    if selected in (None, ""):
        return []
    return [Case(When(**{field_name: selected}, then=Value(0)), default=Value(1)).asc()]


def _people_facet(
    articles, key: str, label: str, sort_key: str, selected, limit=FACET_LIMIT
):
    rows = (
        Authorship.objects.filter(
            article__in=articles, contribution__in=PEOPLE, **{f"{key}__isnull": False}
        )
        .values(key, label)
        .annotate(n=Count("article", distinct=True))
        .order_by(*_chosen_first(key, selected), "-n", sort_key, key)
    )
    return [
        FacetValue(str(r[key]), r[label], r["n"], str(r[key]) == str(selected))
        for r in rows[:limit]
    ]


def facet_counts(params: FilterParams | Mapping) -> dict[str, list[FacetValue]]:
    """For every filter, its values with the number of articles each would give, the
    other filters staying as they are (one grouped query per filter)."""
    p = parse_params(params)
    kinds, statuses = dict(Article.Kind.choices), dict(Article.Status.choices)
    facets: dict[str, list[FacetValue]] = {}
    facets["author"] = _people_facet(
        filter_articles(p, skip={"author"}),
        "author_id",
        "author__name",
        "author__sort_key",
        p.author,
    )
    facets["affiliation"] = _people_facet(
        filter_articles(p, skip={"affiliation"}),
        "affiliation_id",
        "affiliation__name",
        "affiliation__name",
        p.affiliation,
    )
    provinces = (
        Authorship.objects.filter(
            article__in=filter_articles(p, skip={"province"}),
            contribution__in=PEOPLE,
            affiliation__province__isnull=False,
        )
        .values("affiliation__province__short_name", "affiliation__province__code")
        .annotate(n=Count("article", distinct=True))
        .order_by("-n", "affiliation__province__code")
    )
    facets["province"] = [
        FacetValue(short, short, r["n"], short == p.province)
        for r in provinces
        for short in [r["affiliation__province__short_name"]]
    ]
    columns = (
        filter_articles(p, skip={"column"})
        .filter(column__isnull=False)
        .values("column__slug", "column__name", "column__order")
        .annotate(n=Count("pk"))
        .order_by("column__order", "column__name")
    )
    facets["column"] = [
        FacetValue(
            r["column__slug"],
            r["column__name"],
            r["n"],
            p.column in (r["column__slug"], r["column__name"]),
        )
        for r in columns
    ]
    for name, labels in (("kind", kinds), ("status", statuses)):
        rows = (
            filter_articles(p, skip={name})
            .values(name)
            .annotate(n=Count("pk"))
            .order_by(name)
        )
        counts = {r[name]: r["n"] for r in rows}
        facets[name] = [
            FacetValue(value, label, counts[value], value == getattr(p, name))
            for value, label in labels.items()
            if value in counts
        ]
    years = (
        filter_articles(p, skip={"year_from", "year_to"})
        .filter(issue__publication_date__isnull=False)
        .annotate(year=ExtractYear("issue__publication_date"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("year")
    )
    facets["year"] = [
        FacetValue(
            str(r["year"]),
            f"{r['year']}年",
            r["n"],
            r["year"] in (p.year_from, p.year_to),
        )
        for r in years
    ]
    keep_chosen(p, facets)
    return facets


def keep_chosen(p: FilterParams, facets: dict[str, list[FacetValue]]) -> None:
    """A chosen value that now counts nothing stays offered (with 0), so the form shows it."""
    for param in ("author", "affiliation", "province", "column", "kind", "status"):
        value = getattr(p, param)
        if value in (None, "") or any(v.selected for v in facets[param]):
            continue
        facets[param].insert(
            0, FacetValue(str(value), _label_for(param, value), 0, True)
        )
    for param in ("year_from", "year_to"):
        year = getattr(p, param)
        if year and str(year) not in {v.value for v in facets["year"]}:
            facets["year"].append(FacetValue(str(year), f"{year}年", 0, True))
            facets["year"].sort(key=lambda v: int(v.value))


@dataclass
class ActiveFilter:
    param: str
    label: str
    value: str
    remove_query: str


FILTER_LABELS = {
    "author": "作者",
    "affiliation": "单位",
    "province": "省份",
    "column": "栏目",
    "kind": "体裁",
    "status": "校对状态",
    "year_from": "起始年份",
    "year_to": "截止年份",
    "q": "关键词",
}


def active_filters(
    params: FilterParams, facets: dict[str, list[FacetValue]]
) -> list[ActiveFilter]:
    """The filters in force, named for people (作者：李长安), each with a link removing it."""
    names = {
        param: {v.value: v.label for v in facets.get(param, []) if v.selected}
        for param in ("author", "affiliation", "column", "kind", "status")
    }
    found = []
    for param in params.active:
        value = getattr(params, param)
        label = next(iter(names.get(param, {}).values()), None)
        if label is None:
            label = _label_for(param, value)
        found.append(
            ActiveFilter(
                param, FILTER_LABELS[param], label, params.querystring(**{param: None})
            )
        )
    return found


def _label_for(param: str, value) -> str:
    """A chosen value that no longer counts anything still shows by name (one query at most).

    Only people and places with public work are named: a withdrawn article's author
    must not appear through a hand-made URL.
    """
    if param == "author":
        return (
            public_authors().filter(pk=value).values_list("name", flat=True).first()
            or f"#{value}"
        )
    if param == "affiliation":
        return (
            affiliation_counts().filter(pk=value).values_list("name", flat=True).first()
            or f"#{value}"
        )
    if param == "column":
        return Column.objects.filter(Q(slug=value) | Q(name=value)).values_list(
            "name", flat=True
        ).first() or str(value)
    if param == "kind":
        return dict(Article.Kind.choices).get(value, value)
    if param == "status":
        return dict(Article.Status.choices).get(value, value)
    if param in ("year_from", "year_to"):
        return f"{value}年"
    return str(value)


# ---------------------------------------------------------------- people and institutions


def public_people_count(prefix: str = "authorships__", what: str = "article") -> Count:
    """Distinct public articles (or their authors) reached as byline or credit."""
    return Count(
        f"{prefix}{what}",
        filter=Q(
            **{
                f"{prefix}contribution__in": PEOPLE,
                f"{prefix}article__in": Article.objects.public(),
            }
        ),
        distinct=True,
    )


def public_authors() -> QuerySet[Author]:
    """Authors with at least one public article as byline or credit."""
    return Author.objects.filter(
        Exists(
            Authorship.objects.filter(
                author=OuterRef("pk"),
                contribution__in=PEOPLE,
                article__in=Article.objects.public(),
            )
        )
    )


def author_rows(sort: str = "pinyin") -> QuerySet[Author]:
    """Authors with public articles and how many, by surname reading (曾 zeng, 单 shan) or count."""
    authors = Author.objects.annotate(article_count=public_people_count()).filter(
        article_count__gt=0
    )
    if sort == "count":
        return authors.order_by("-article_count", "sort_key", "name", "pk")
    return authors.order_by("sort_key", "name", "pk")


def affiliation_counts() -> QuerySet[Affiliation]:
    """Affiliations with public articles, with article and author counts."""
    return (
        Affiliation.objects.select_related("province")
        .annotate(
            article_count=public_people_count(),
            author_count=public_people_count(what="author"),
        )
        .filter(article_count__gt=0)
    )


def affiliation_rows(sort: str = "pinyin") -> list[Affiliation]:
    affiliations = list(affiliation_counts())
    # An institution's pinyin is not stored, so both orders are finished in Python.
    affiliations.sort(key=lambda a: (pinyin_key(a.name), a.name, a.pk))
    if sort == "count":
        affiliations.sort(key=lambda a: -a.article_count)
    return affiliations
