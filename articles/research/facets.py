"""Facet counts of the filtered lists: for each filter, what choosing a value would give."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Case, Count, Q, Value, When
from django.db.models.functions import ExtractYear

from articles.models import Affiliation, Article, Author, Authorship, Column
from articles.querysets import RESPONSIBLE
from articles.research.filtering import (
    MULTI,
    FilterParams,
    filter_articles,
    parse_params,
)
from articles.research.tallies import count_by_province

# Author and affiliation facets offer the most frequent values (the chosen one always).
FACET_LIMIT = 60


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


def _chosen_first(field_name: str, selected) -> list:
    if not selected:
        return []
    chosen = When(**{f"{field_name}__in": selected}, then=Value(0))
    return [Case(chosen, default=Value(1)).asc()]


def _people_facet(
    articles, key: str, label: str, sort_key: str, selected, limit=FACET_LIMIT
):
    rows = (
        Authorship.objects.filter(
            article__in=articles,
            contribution__in=RESPONSIBLE,
            **{f"{key}__isnull": False},
        )
        .values(key, label)
        .annotate(n=Count("article", distinct=True))
        .order_by(*_chosen_first(key, selected), "-n", sort_key, key)
    )
    return [
        FacetValue(str(r[key]), r[label], r["n"], r[key] in selected)
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
    facets["province"] = [
        FacetValue(r.short_name, r.short_name, r.articles, r.short_name in p.province)
        for r in count_by_province(filter_articles(p, skip={"province"}))
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
            bool({r["column__slug"], r["column__name"]} & set(p.column)),
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
            FacetValue(value, label, counts[value], value in getattr(p, name))
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
    for param in MULTI:
        # A column may be chosen by slug or by name; the facet shows slug and name.
        shown = {x for v in facets[param] if v.selected for x in (v.value, v.label)}
        for value in getattr(p, param):
            if str(value) in shown:
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
    """The filters in force, one per chosen value, named for people (作者：李长安),
    each with a link taking just that value away."""
    names = {
        param: {v.value: v.label for v in facets.get(param, [])} for param in MULTI
    }
    found = []
    for param in params.active:
        value = getattr(params, param)
        for one in value if isinstance(value, tuple) else (value,):
            label = names.get(param, {}).get(str(one)) or _label_for(param, one)
            found.append(
                ActiveFilter(
                    param, FILTER_LABELS[param], label, params.without(param, one)
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
            Author.objects.public()
            .filter(pk=value)
            .values_list("name", flat=True)
            .first()
            or f"#{value}"
        )
    if param == "affiliation":
        return (
            Affiliation.objects.public()
            .filter(pk=value)
            .values_list("name", flat=True)
            .first()
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
