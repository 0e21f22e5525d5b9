"""Everything the search page shows, computed from the request's parameters (views stay thin)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import SafeString

from articles.models import Article
from articles.querysets import responsible_people
from articles.search.highlight import highlight_pattern, mark, snippet
from articles.search.query import (
    MAX_FILTER_VALUES,
    SORTS,
    Facet,
    ParsedQuery,
    build_searchqueryset,
    clean_filter_value,
    facet_definitions,
    parse_query,
)
from articles.search.selection import (
    YEAR_RANGE,
    list_links,
    list_query,
    narrowed,
    read_years,
)

PAGE_SIZE = 20
MAX_SUGGESTIONS = 4


@dataclass
class Params:
    q: str = ""
    sort: str = ""
    page: int = 1
    filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def facet_filters(self) -> dict[str, list[str]]:
        """The facet values chosen (the date range has inputs of its own)."""
        return {k: v for k, v in self.filters.items() if k not in YEAR_RANGE}

    @property
    def years(self) -> tuple[int | None, int | None]:
        return tuple(
            int(self.filters[k][0]) if k in self.filters else None for k in YEAR_RANGE
        )


def read_params(params) -> Params:
    """The request's GET parameters, cleaned (never raises)."""
    definitions = facet_definitions()
    filters = {}
    for facet in definitions:
        values = [clean_filter_value(v) for v in params.getlist(facet.param)][
            :MAX_FILTER_VALUES
        ]
        values = list(dict.fromkeys(v for v in values if v))
        if values:
            filters[facet.param] = values
    filters.update(read_years(params))
    sort = params.get("sort", "")
    try:
        page = max(1, min(int(params.get("page", "1")), 10_000))
    except (TypeError, ValueError):
        page = 1
    return Params(
        q=(params.get("q") or "")[:2000],
        sort=sort if sort in SORTS else "",
        page=page,
        filters=filters,
    )


@cache
def _base_url() -> str:
    return reverse("search:search")


@cache
def _facet_params() -> tuple[str, ...]:
    return (*(f.param for f in facet_definitions()), *YEAR_RANGE)


def search_url(
    q: str = "", filters: dict | None = None, sort: str = "", page: int = 1
) -> str:
    """The canonical, shareable URL of a search (parameters in a fixed order)."""
    pairs = [("q", q)] if q else []
    if filters:
        for param in _facet_params():
            pairs.extend((param, value) for value in filters.get(param, ()))
    if sort:
        pairs.append(("sort", sort))
    if page > 1:
        pairs.append(("page", str(page)))
    return f"{_base_url()}?{urlencode(pairs)}" if pairs else _base_url()


def within_redirect(params) -> str | None:
    """“在结果中检索”: the earlier query plus the new words, as one shareable URL."""
    if not params.get("within") or not (params.get("prev") or "").strip():
        return None
    current = read_params(params)
    q = f"{params.get('prev', '')[:1000]} {current.q}".strip()
    return search_url(parse_query(q).display, current.filters, current.sort)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    url: str


@dataclass
class FacetGroup:
    facet: Facet
    values: list[FacetValue]

    @property
    def shown(self):
        return self.values[: self.facet.shown]

    @property
    def more(self):
        return self.values[self.facet.shown :]


@dataclass
class ActiveFilter:
    label: str
    value: str
    remove_url: str


@dataclass
class Result:
    article: Article
    title: SafeString
    snippet: SafeString
    people: list[str]


@dataclass
class Suggestion:
    text: str
    url: str
    count: int


@dataclass
class SearchPage:
    params: Params
    query: ParsedQuery
    sort: str
    total: int = 0
    results: list[Result] = field(default_factory=list)
    facets: list[FacetGroup] = field(default_factory=list)
    active_filters: list[ActiveFilter] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    # The same selection in the filtered list, and its exports in every format.
    list_url: str = ""
    export_links: list[tuple[str, str, str]] = field(default_factory=list)
    page: int = 1
    num_pages: int = 0
    page_links: list[tuple[int | None, str]] = field(default_factory=list)
    prev_url: str = ""
    next_url: str = ""
    clear_filters_url: str = ""
    sort_urls: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def searched(self) -> bool:
        return not self.query.is_blank

    @property
    def unsearchable(self) -> bool:
        """Something was typed but nothing in it can be searched (only `*`, `:`…)."""
        return self.searched and self.query.is_empty

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1

    @property
    def last(self) -> int:
        return self.first + len(self.results) - 1


def haystack_engine(parsed, filters, sort, facets, start, size):
    """One page of primary keys, the total and the facet counts, from the search engine."""
    sqs = build_searchqueryset(parsed, filters, sort=sort, facets=facets)
    hits = list(sqs[start : start + size])
    total = sqs.count()
    counts = sqs.facet_counts().get("fields", {}) if total else {}
    return [int(h.pk) for h in hits], total, counts


def build_search_page(params, engine=None) -> SearchPage:
    """The search page for GET parameters; `engine` replaces haystack (the benchmark's
    PostgreSQL baseline uses it to build the very same page)."""
    p = read_params(params)
    parsed = parse_query(p.q)
    sort = p.sort or ("relevance" if parsed.has_positive else "date")
    page = SearchPage(params=p, query=parsed, sort=sort, page=p.page)
    q = parsed.display
    page.sort_urls = [
        (key, label, search_url(q, p.filters, key)) for key, label in SORTS.items()
    ]
    page.clear_filters_url = search_url(q, None, p.sort)
    definitions = facet_definitions()
    labels = {f.param: f for f in definitions}
    if any(p.years):
        rest = {k: v for k, v in p.filters.items() if k not in YEAR_RANGE}
        low, high = (str(y) if y else "" for y in p.years)
        page.active_filters.append(
            ActiveFilter("年份", f"{low}–{high}", search_url(q, rest, p.sort))
        )
    for param, values in p.facet_filters.items():
        facet = labels[param]
        for value in values:
            rest = {
                k: [v for v in vs if not (k == param and v == value)]
                for k, vs in p.filters.items()
            }
            page.active_filters.append(
                ActiveFilter(
                    facet.label,
                    (facet.labels or {}).get(value, value),
                    search_url(q, rest, p.sort),
                )
            )
    if page.unsearchable:
        # Never fall back to everything: a query of nothing but syntax finds nothing.
        return page
    filters = narrowed(p)
    page.list_url, page.export_links = list_links(list_query(p, q, sort, filters))
    start = (p.page - 1) * PAGE_SIZE
    pks, page.total, counts = (engine or haystack_engine)(
        parsed, filters, sort, definitions, start, PAGE_SIZE
    )
    page.num_pages = (page.total + PAGE_SIZE - 1) // PAGE_SIZE
    page.results = load_results(pks, parsed)
    page.facets = facet_groups(definitions, counts, p, q)
    page.page_links = page_links(
        p.page, page.num_pages, lambda n: search_url(q, p.filters, p.sort, n)
    )
    if p.page > 1:
        page.prev_url = search_url(q, p.filters, p.sort, p.page - 1)
    if p.page < page.num_pages:
        page.next_url = search_url(q, p.filters, p.sort, p.page + 1)
    if page.total == 0:
        page.suggestions = suggestions(parsed, p)
    return page


def load_results(pks: list[int], parsed: ParsedQuery) -> list[Result]:
    """The page's articles from the database in two queries, in the engine's order."""
    if not pks:
        return []
    articles = (
        Article.objects.public()
        .filter(pk__in=pks)
        .select_related("issue", "column")
        .defer(
            "original_ocr",
            "review_flags",
            "dismissed_suggestions",
            "issue__raw_bytes",
            "issue__raw_text",
        )
        .with_bylines()
        .in_bulk()
    )
    pattern = highlight_pattern(parsed.highlight_terms())
    results = []
    for pk in pks:
        article = articles.get(pk)
        if article is None:  # unpublished since it was indexed
            continue
        body = f"{article.lede}\n{article.body}".strip()
        results.append(
            Result(
                article=article,
                title=mark(article.title, pattern),
                snippet=snippet(body, pattern),
                people=people(article.bylines),
            )
        )
    return results


def people(bylines) -> list[str]:
    """The names a result lists: the responsible people (querysets.responsible_people)."""
    names = []
    for b in responsible_people(bylines):
        if b.author_id:
            names.append(b.author.name)
        elif b.affiliation_id:
            names.append(f"{b.affiliation.name}{b.role}")
        elif b.role:
            names.append(b.role)
    return list(dict.fromkeys(names))


def facet_groups(definitions, counts, p: Params, q: str) -> list[FacetGroup]:
    groups = []
    for facet in definitions:
        selected = p.filters.get(facet.param, [])
        pairs = [(v, c) for v, c in counts.get(facet.field, []) if v]
        if facet.param == "year":
            pairs.sort(key=lambda vc: vc[0], reverse=True)
        pairs = pairs[: facet.limit]
        present = {v for v, _ in pairs}
        pairs = [(v, 0) for v in selected if v not in present] + pairs
        values = []
        for value, count in pairs:
            chosen = value in selected
            others = [v for v in selected if v != value]
            toggled = {
                **p.filters,
                facet.param: others if chosen else [*selected, value],
            }
            values.append(
                FacetValue(
                    value=value,
                    label=(facet.labels or {}).get(value, value),
                    count=count,
                    selected=chosen,
                    url=search_url(q, toggled, p.sort),
                )
            )
        if values:
            groups.append(FacetGroup(facet, values))
    return groups


def page_links(current: int, total: int, url) -> list[tuple[int | None, str]]:
    """Page numbers around the current one, with None where a gap is elided."""
    if total <= 1:
        return []
    wanted = {1, total, *range(max(1, current - 2), min(total, current + 2) + 1)}
    links, previous = [], 0
    for n in sorted(wanted):
        if n - previous > 1:
            links.append((None, ""))
        links.append((n, url(n)))
        previous = n
    return links


def suggestions(parsed: ParsedQuery, p: Params) -> list[Suggestion]:
    """For zero results: the same words without the filters, or with one word fewer."""
    found = []
    if p.filters and not parsed.is_empty:
        count = build_searchqueryset(parsed).count()
        if count:
            found.append(
                Suggestion(
                    f"{parsed.display}（不限筛选条件）",
                    search_url(parsed.display, None, p.sort),
                    count,
                )
            )
    for phrase in parsed.phrases:
        # Quotes ask for the words side by side; without them any order will do.
        loosened = ParsedQuery(
            raw=parsed.raw,
            words=(*parsed.words, *phrase.split()),
            phrases=tuple(x for x in parsed.phrases if x != phrase),
            excluded=parsed.excluded,
        )
        count = build_searchqueryset(loosened, p.filters).count()
        if count:
            found.append(
                Suggestion(
                    loosened.display,
                    search_url(loosened.display, p.filters, p.sort),
                    count,
                )
            )
    terms = [*parsed.words, *parsed.phrases]
    if len(terms) > 1:
        for term in terms[:MAX_SUGGESTIONS]:
            fewer = parsed.without(term)
            count = build_searchqueryset(fewer, p.filters).count()
            if count:
                found.append(
                    Suggestion(
                        fewer.display,
                        search_url(fewer.display, p.filters, p.sort),
                        count,
                    )
                )
    unique = {}
    for s in found:
        unique.setdefault(s.url, s)
    return sorted(unique.values(), key=lambda s: -s.count)[:MAX_SUGGESTIONS]
