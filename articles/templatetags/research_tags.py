"""Template tags for research pages and the article page: GB/T 7714 reference, citation box,
author chart."""

import json
from urllib.parse import parse_qsl, urlencode

from django import template
from django.utils.safestring import mark_safe

from archive.site import absolute_url
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


@register.inclusion_tag("research/_reference_meta.html", takes_context=True)
def reference_meta(context, article):
    """`{% reference_meta article %}` in the page head: `citation_*` meta tags and
    JSON-LD, so reference managers and scholar search engines take the article."""
    url = absolute_url(article.get_absolute_url(), context.get("request"))
    return {
        "tags": citations.highwire_tags(article, url),
        "json_ld": script_json(citations.json_ld(article, url)),
    }


def script_json(data) -> str:
    """JSON safe inside a <script> data block: <, > and & as \\u escapes, as Django's
    json_script does, so no text of an article can close the element."""
    text = json.dumps(data, ensure_ascii=False)
    escaped = (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    )
    return mark_safe(escaped)  # nosec  # noqa: S308


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
def selected_values(values):
    """The chosen ones among a facet's values."""
    return [v for v in values if v.selected]


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
