"""Template tags for research pages and the article page: GB/T 7714 reference, citation box, author chart."""

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from django import template

from articles.research import charts, citations, exports

register = template.Library()


@register.simple_tag
def gbt7714(article, index=1):
    """`{% gbt7714 article %}`: the reference as text (escaped like any variable)."""
    return citations.gbt7714(article, index=index)


@register.inclusion_tag("research/_citation_box.html")
def citation_box(article):
    """`{% citation_box article %}`: the GB/T 7714 reference with a copy button and
    download links for reference managers."""
    return {
        "article": article,
        "reference": citations.gbt7714(article, index=None),
        "formats": [
            (key, f.label) for key, f in exports.FORMATS.items() if key != "csv"
        ],
    }


@register.inclusion_tag("research/_author_chart.html")
def author_chart(author):
    """`{% author_chart author %}`: the author's articles per year, chart and data table."""
    data = charts.author_timeline(author.pk)
    return {
        "author": author,
        "data": data,
        "rows": charts.table_rows(data),
        "chart_id": f"author-chart-{author.pk}",
    }


@register.filter
def zh_date(value, missing="日期待定"):
    """2019年12月16日; an unknown date says so."""
    if not value:
        return missing
    return f"{value.year}年{value.month}月{value.day}日"


@dataclass
class Person:
    name: str
    author_id: int | None
    place: str
    province: str


@register.simple_tag
def people_of(article) -> list[Person]:
    """Who wrote (or compiled) an article, each with the affiliation printed with them.

    An author printed only by office is shown by that office, never as a made-up name.
    """
    people = []
    for b in citations.responsible(article):
        affiliation = b.affiliation.name if b.affiliation_id else ""
        province = (
            b.affiliation.province.short_name
            if b.affiliation_id and b.affiliation.province_id
            else ""
        )
        if b.author_id:
            people.append(Person(b.author.name, b.author_id, affiliation, province))
        else:
            people.append(
                Person(f"{affiliation}{b.role}" or "未署名", None, "", province)
            )
    return people


@register.simple_tag
def with_query(querystring, **changes):
    """`?<querystring>&page=2`: a link keeping the current filters."""
    values = dict(parse_qsl(querystring or "", keep_blank_values=False))
    for key, value in changes.items():
        if value in (None, ""):
            values.pop(key, None)
        else:
            values[key] = value
    return "?" + urlencode(values) if values else "?"


@register.simple_tag
def filter_query(params, **changes):
    """The list's filters with some changed: `?{% filter_query params author=3 %}`."""
    return params.querystring(**changes)
