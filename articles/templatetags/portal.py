"""Template helpers for the public portal: Chinese dates, bylines, body blocks, the province
chart."""

import re
from dataclasses import dataclass, field

from django import template

from articles.models import Authorship
from articles.querysets import bylines_of, responsible_people

register = template.Library()


@register.filter
def cn_date(value, missing="日期待定"):
    """2024年5月20日; pages whose date is unknown say so instead of inventing one."""
    if not value:
        return missing
    return f"{value.year}年{value.month}月{value.day}日"


@dataclass
class Person:
    author: object | None  # the Author, when the page printed a name
    text: str  # the name, or the office for an author printed only by office
    detail: str = ""  # what a credited compiler did (策划/制图)
    place: str = ""  # the institution printed with a named person
    province: str = ""


@register.simple_tag
def byline_people(article) -> list[Person]:
    """Who to name for an article: the people responsible for it (articles.querysets).

    An author the page names only by office (作者为山西省总工会党组书记) is shown by that
    office, never as a made-up name.
    """
    people = []
    for b in responsible_people(bylines_of(article)):
        place = b.affiliation.name if b.affiliation_id else ""
        province = (
            b.affiliation.province.short_name
            if b.affiliation_id and b.affiliation.province_id
            else ""
        )
        if not b.author_id:
            people.append(
                Person(None, f"{place}{b.role}" or "未署名", province=province)
            )
            continue
        credited = b.contribution == Authorship.Contribution.CREDIT
        people.append(
            Person(
                b.author,
                b.author.name,
                detail=b.role if credited else "",
                place=place,
                province=province,
            )
        )
    return people


@dataclass
class Block:
    kind: str  # "para" | "subhead" | "attribution" | "list"
    text: str = ""
    items: list[str] = field(default_factory=list)


SENTENCE_MARKS = re.compile(r"[，。！？；：、,.;:!?…]")
LIST_MARK = re.compile(r"^\s*(?:[-•·●▪]\s*)")
ATTRIBUTION = re.compile(r"^\s*(?:——|—|--|──)\s*")


@register.filter
def body_blocks(body: str) -> list[Block]:
    """Paragraphs of a body, telling apart subheads, bullet items and quote attributions.

    Only a short line with no punctuation at all counts as a subhead, so a sentence cut at
    a column break (ending in a comma) stays an ordinary paragraph.
    """
    blocks: list[Block] = []
    for raw in (p.strip() for p in (body or "").split("\n\n")):
        if not raw:
            continue
        if LIST_MARK.match(raw):
            item = LIST_MARK.sub("", raw, count=1)
            if blocks and blocks[-1].kind == "list":
                blocks[-1].items.append(item)
            else:
                blocks.append(Block("list", items=[item]))
        elif ATTRIBUTION.match(raw) and len(raw) <= 60:
            blocks.append(
                Block("attribution", "——" + ATTRIBUTION.sub("", raw, count=1))
            )
        elif len(raw) <= 20 and not SENTENCE_MARKS.search(raw):
            blocks.append(Block("subhead", raw))
        else:
            blocks.append(Block("para", raw))
    return blocks


@dataclass
class ChartRow:
    province: object
    y: int
    article_width: str
    author_width: str
    article_value_x: str
    author_value_x: str


@register.inclusion_tag("articles/_province_chart.html")
def province_chart(provinces, chart_id="province-chart"):
    """A sorted horizontal bar chart as inline SVG: bar lengths computed here, no script."""
    rows = [p for p in provinces if p.article_count or p.author_count]
    label_width, bar_area, row_height, top = 64, 300, 38, 34
    largest = max([1, *(max(p.article_count, p.author_count) for p in rows)])
    chart_rows = []
    for i, p in enumerate(rows):
        article_width = bar_area * p.article_count / largest
        author_width = bar_area * p.author_count / largest
        # Numbers go to SVG attributes as plain strings, never through localized formatting.
        chart_rows.append(
            ChartRow(
                province=p,
                y=top + i * row_height,
                article_width=f"{article_width:.1f}",
                author_width=f"{author_width:.1f}",
                article_value_x=f"{label_width + article_width + 6:.1f}",
                author_value_x=f"{label_width + author_width + 6:.1f}",
            )
        )
    return {
        "chart_id": chart_id,
        "rows": chart_rows,
        "label_width": label_width,
        "width": label_width + bar_area + 44,
        "height": top + len(rows) * row_height + 8,
        "summary": "、".join(
            f"{p.short_name}{p.article_count}篇文章、{p.author_count}位作者"
            for p in rows[:10]
        ),
    }


@register.simple_tag
def page_url(request, number):
    """The current URL with ?page= replaced, keeping other query parameters."""
    query = request.GET.copy()
    query["page"] = number
    return "?" + query.urlencode()
