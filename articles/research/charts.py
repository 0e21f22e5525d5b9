"""Chart data as plain dicts (years by column, provinces, one author over time): the lists'
numbers, drawn."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Count
from django.db.models.functions import ExtractYear

from articles.models import Column
from articles.research.filtering import (
    FilterParams,
    filter_articles,
    parse_params,
)
from articles.research.tallies import count_by_province, without_province

NO_COLUMN = "无栏目（图解、报道等）"


def years_by_column(params: FilterParams | Mapping | None = None) -> dict:
    """Public articles per year, one series per column, every year between the first and
    the last (an empty year shows as 0, not as a gap closing up)."""
    articles = filter_articles(parse_params(params or {}))
    rows = (
        articles.filter(issue__publication_date__isnull=False)
        .annotate(year=ExtractYear("issue__publication_date"))
        .values("year", "column__name")
        .annotate(n=Count("pk"))
        .order_by("year")
    )
    counts: dict[str, dict[int, int]] = {}
    for row in rows:
        name = row["column__name"] or NO_COLUMN
        counts.setdefault(name, {})[row["year"]] = row["n"]
    found = {year for per_year in counts.values() for year in per_year}
    years = list(range(min(found), max(found) + 1)) if found else []
    order = {
        name: i for i, name in enumerate(Column.objects.values_list("name", flat=True))
    }
    names = sorted(counts, key=lambda n: (n == NO_COLUMN, order.get(n, len(order)), n))
    series = [{"name": n, "data": [counts[n].get(y, 0) for y in years]} for n in names]
    return {
        "kind": "stacked-bar",
        "unit": "篇",
        "categories": [str(y) for y in years],
        "series": series,
        "totals": [sum(s["data"][i] for s in series) for i in range(len(years))],
        "undated": articles.filter(issue__publication_date__isnull=True).count(),
    }


def by_province(params: FilterParams | Mapping | None = None) -> dict:
    """Public articles and their authors by the province of the authors' affiliations,
    most articles first. An article with authors in two provinces counts in both."""
    articles = filter_articles(parse_params(params or {}))
    rows = count_by_province(articles)
    return {
        "kind": "bar-horizontal",
        "unit": "",
        "categories": [r.short_name for r in rows],
        "series": [
            {"name": "文章（篇）", "data": [r.articles for r in rows]},
            {"name": "作者（位）", "data": [r.authors for r in rows]},
        ],
        "unplaced": without_province(articles).count(),
    }


def author_timeline(author_id: int) -> dict:
    """One author's public articles per year, by column (bylines and credits)."""
    data = years_by_column(FilterParams(author=(author_id,)))
    data["kind"] = "stacked-bar"
    return data


def table_rows(data: dict) -> list[dict]:
    """The chart as table rows (category, one value per series, total) for the data table."""
    rows = []
    for i, category in enumerate(data["categories"]):
        values = [s["data"][i] for s in data["series"]]
        rows.append({"category": category, "values": values, "total": sum(values)})
    return rows
