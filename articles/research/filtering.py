"""Combined filters over public articles (people, places, column, kind, status, years, keyword)
with facet counts."""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from articles.models import Affiliation, Article, Author, Authorship
from articles.pinyin import text_sort_key
from articles.querysets import RESPONSIBLE, newest_first

logger = logging.getLogger(__name__)

# The one filter vocabulary of the lists, the search page, the API and the exports:
# repeat a parameter to accept any of its values (column=guandian&column=gongzuo-yanjiu).
SORTS = {
    "newest": "日期（新→旧）",
    "oldest": "日期（旧→新）",
    "title": "标题（拼音）",
    "author": "作者（拼音）",
}
DEFAULT_SORT = "newest"
# Sort names the lists, API and exports used before the shared vocabulary.
LEGACY_SORTS = {"-date": "newest", "date": "oldest"}
MULTI = ("author", "affiliation", "province", "column", "kind", "status")
FILTERS = (*MULTI, "year_from", "year_to", "q")
PARAMS = (*FILTERS, "sort")
YEAR_RANGE = (1900, 2200)
MAX_VALUES = 10
MAX_TEXT = 200
# Title order is computed in Python; rows are then fetched this many at a time.
CHUNK = 500
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
LABELS = {"author": "作者", "affiliation": "单位"}


@dataclass
class FilterParams:
    """What a reader asked for, validated; invalid values are dropped and named in `errors`.

    `outdated` is set when the request used an older spelling (a legacy sort name, a
    year instead of a range, a name instead of an id); views redirect to `querystring()`.
    """

    author: tuple[int, ...] = ()
    affiliation: tuple[int, ...] = ()
    province: tuple[str, ...] = ()
    column: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    q: str = ""
    sort: str = DEFAULT_SORT
    errors: dict[str, str] = field(default_factory=dict)
    outdated: bool = False

    def as_pairs(self, **changes) -> list[tuple[str, str]]:
        """The URL parameters, with `changes` applied (None removes, a value replaces)."""
        values = {name: getattr(self, name) for name in PARAMS}
        values.update(changes)
        if values.get("sort") == DEFAULT_SORT:
            values["sort"] = None
        pairs = []
        for name in (*PARAMS, *(k for k in changes if k not in PARAMS)):
            value = values.get(name)
            items = value if isinstance(value, list | tuple) else [value]
            pairs += [(name, str(v)) for v in items if v not in (None, "")]
        return pairs

    def querystring(self, **changes) -> str:
        return urlencode(self.as_pairs(**changes))

    def without(self, name: str, value) -> str:
        """The query string with one chosen value of `name` taken away."""
        current = getattr(self, name)
        if isinstance(current, tuple):
            return self.querystring(**{name: [v for v in current if v != value]})
        return self.querystring(**{name: None})

    @property
    def active(self) -> list[str]:
        return [name for name in FILTERS if getattr(self, name) not in (None, "", ())]

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


def _values(data: Mapping, name: str) -> list[str]:
    """Every value of a parameter, cleaned, once each, at most MAX_VALUES."""
    if hasattr(data, "getlist"):
        raw = data.getlist(name)
    else:
        value = data.get(name)
        raw = value if isinstance(value, list | tuple) else [value]
    cleaned = (_text(v) for v in raw if v not in (None, ""))
    return list(dict.fromkeys(v for v in cleaned if v))[:MAX_VALUES]


def parse_params(
    data: Mapping, *, legacy_sorts: Mapping[str, str] = LEGACY_SORTS
) -> FilterParams:
    """Reads filters from a query dict (or any mapping); never raises on hostile input."""
    if isinstance(data, FilterParams):
        return data
    params = FilterParams()
    errors = params.errors
    for name in ("author", "affiliation"):
        ids = []
        for value in _values(data, name):
            try:
                ids.append(_positive_int(value))
            except ValueError:
                # An older search URL named people and places; look the name up.
                found = _ids_named(name, value)
                params.outdated = params.outdated or bool(found)
                ids += found
                if not found:
                    errors[name] = f"{LABELS[name]}编号无效。"
        setattr(params, name, tuple(dict.fromkeys(ids)))
    params.province = tuple(v[:20] for v in _values(data, "province"))
    params.column = tuple(v[:40] for v in _values(data, "column"))
    for name, choices, label in (
        ("kind", Article.Kind.values, "体裁"),
        ("status", Article.Status.values, "校对状态"),
    ):
        chosen = _values(data, name)
        setattr(params, name, tuple(v for v in chosen if v in choices))
        if len(getattr(params, name)) < len(chosen):
            errors[name] = f"没有这种{label}。"
    years = {}
    for name in ("year_from", "year_to", "year"):
        for value in _values(data, name):
            try:
                year = _positive_int(value)
            except ValueError:
                year = None
            if year is None or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
                errors["year_to" if name == "year_to" else "year_from"] = (
                    "年份应为四位数字。"
                )
            else:
                years.setdefault(name, []).append(year)
    if "year" in years:  # the search page's older single years: now a range
        params.outdated = True
        years.setdefault("year_from", []).append(min(years["year"]))
        years.setdefault("year_to", []).append(max(years["year"]))
    params.year_from = min(years["year_from"]) if "year_from" in years else None
    params.year_to = max(years["year_to"]) if "year_to" in years else None
    if params.year_from and params.year_to and params.year_from > params.year_to:
        params.year_from, params.year_to = params.year_to, params.year_from
    q = (
        data.get("q")
        if not hasattr(data, "getlist")
        else (data.getlist("q") or [""])[-1]
    )
    params.q = " ".join(_text(q).split())
    sort = (_values(data, "sort") or [""])[-1]
    if sort in legacy_sorts:
        params.sort, params.outdated = legacy_sorts[sort], True
    elif sort in SORTS:
        params.sort = sort
    elif sort:
        errors["sort"] = "不支持这种排序。"
    return params


def _ids_named(name: str, value: str) -> list[int]:
    """Ids of public people (or institutions) called `value`."""
    model = Author if name == "author" else Affiliation
    return list(
        model.objects.public()
        .filter(name=value)
        .order_by("pk")
        .values_list("pk", flat=True)[:MAX_VALUES]
    )


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
            *conditions, article=OuterRef("pk"), contribution__in=RESPONSIBLE, **lookups
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
    if p.author and "author" not in skip:
        articles = articles.filter(_people(author_id__in=p.author))
    if p.affiliation and "affiliation" not in skip:
        articles = articles.filter(_people(affiliation_id__in=p.affiliation))
    if p.province and "province" not in skip:
        articles = articles.filter(
            _people(
                Q(affiliation__province__short_name__in=p.province)
                | Q(affiliation__province__name__in=p.province)
            )
        )
    if p.column and "column" not in skip:
        articles = articles.filter(
            Q(column__slug__in=p.column) | Q(column__name__in=p.column)
        )
    if p.kind and "kind" not in skip:
        articles = articles.filter(kind__in=p.kind)
    if p.status and "status" not in skip:
        articles = articles.filter(status__in=p.status)
    if p.year_from and "year_from" not in skip:
        articles = articles.filter(issue__publication_date__year__gte=p.year_from)
    if p.year_to and "year_to" not in skip:
        articles = articles.filter(issue__publication_date__year__lte=p.year_to)
    if p.keyword_ids is not None and "q" not in skip:
        articles = articles.filter(pk__in=p.keyword_ids)
    return articles


# ---------------------------------------------------------------- listing and order


def first_person_key() -> Subquery:
    """Pinyin key of an article's first named author (or credited person when it has none)."""
    return Subquery(
        Authorship.objects.filter(
            article=OuterRef("pk"), contribution__in=RESPONSIBLE, author__isnull=False
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
            by_pk = {a.pk: a for a in self.articles.filter(pk__in=wanted).for_listing()}
            return [by_pk[pk] for pk in wanted if pk in by_pk]
        return self.articles.filter(pk=self.ids[index]).for_listing().get()

    def __iter__(self) -> Iterator[Article]:
        for start in range(0, len(self), CHUNK):
            yield from self[start : start + CHUNK]


def sort_articles(articles: QuerySet[Article], sort: str) -> Sequence[Article]:
    if sort == "title":
        return TitleOrdered(articles)
    listed = articles.for_listing()
    if sort == "author":
        return listed.annotate(first_person=first_person_key()).order_by(
            F("first_person").asc(nulls_last=True), *newest_first()
        )
    if sort == "oldest":
        return listed.oldest_first()
    return listed.newest_first()


def article_results(params: FilterParams | Mapping) -> Sequence[Article]:
    """The filtered list in the requested order: what the list page, exports and API show."""
    p = parse_params(params)
    return sort_articles(filter_articles(p), p.sort)


def iterate(results: Sequence[Article]) -> Iterator[Article]:
    """Every article of a result, in chunks, with its listing data (for streamed exports)."""
    if isinstance(results, QuerySet):
        return results.iterator(chunk_size=CHUNK)
    return iter(results)
