"""A search's selection in the filtered list's vocabulary: its date range, list and export links."""

from __future__ import annotations

from django.db.models import Max, Min
from django.urls import reverse

from articles.models import Article
from articles.research import filtering

# The date range, in the shared filter vocabulary (articles/research/filtering.py).
YEAR_RANGE = ("year_from", "year_to")
# Search orders as the filtered list names them (relevance has no list equivalent).
LIST_SORTS = {"date": "newest", "date_asc": "oldest"}


def read_years(params) -> dict[str, list[str]]:
    """The date range of a request, validated as the filtered list validates it."""
    years = filtering.parse_params({k: params.get(k) for k in YEAR_RANGE})
    return {k: [str(getattr(years, k))] for k in YEAR_RANGE if getattr(years, k)}


def years_in_range(low: int | None, high: int | None) -> list[str]:
    """The archive's publication years from `low` to `high` (either open)."""
    dated = Article.objects.public().filter(issue__publication_date__isnull=False)
    bounds = dated.aggregate(
        low=Min("issue__publication_date__year"),
        high=Max("issue__publication_date__year"),
    )
    if bounds["low"] is None:
        return []
    low = max(low or bounds["low"], bounds["low"])
    high = min(high or bounds["high"], bounds["high"])
    return [str(y) for y in range(low, high + 1)]


def narrowed(p) -> dict[str, list[str]]:
    """The facet filters the engine applies, the date range as the years it spans
    (any engine can match a year; not every one a range of dates)."""
    filters = p.facet_filters
    if any(p.years):
        span = years_in_range(*p.years)
        chosen = filters.get("year")
        years = [y for y in chosen if y in span] if chosen else span
        filters["year"] = years or ["0"]  # no such year: nothing matches
    return filters


def list_query(p, q: str, sort: str, filters: dict) -> str:
    """The filtered list's query string for this search: same words, same filters.

    Names become ids through the shared vocabulary; the list takes years as a range,
    so chosen years become the span from the first to the last of them."""
    data = {**p.facet_filters, "q": q, "sort": LIST_SORTS.get(sort, "")}
    # A year from the URL may be anything (year=abc finds nothing, as on the page).
    chosen = [int(y) for y in filters.get("year", []) if y.isascii() and y.isdigit()]
    chosen = [y for y in chosen if y]
    data.pop("year", None)
    low, high = (min(chosen), max(chosen)) if chosen else p.years
    data.update(year_from=low, year_to=high)
    return filtering.parse_params(data).querystring()


def list_links(query: str) -> tuple[str, list[tuple[str, str, str]]]:
    """The filtered list's URL for a query string, and its exports: (format, label, URL)."""
    from articles.research.exports import FORMATS, LIST_FORMATS

    tail = f"?{query}" if query else ""
    exports = [
        (key, FORMATS[key].label, reverse("research:export_list", args=[key]) + tail)
        for key in LIST_FORMATS
    ]
    return reverse("research:article_list") + tail, exports
