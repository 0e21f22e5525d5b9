"""Citation data of an article and its GB/T 7714-2015 reference string."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings

from articles.models import Article, Authorship
from articles.querysets import bylines_of, responsible_people

CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
PAGE_DIGITS = re.compile(r"([A-Za-z]?)0*(\d+)")
PAGE_CHINESE = re.compile(r"第?([零〇一二两三四五六七八九十百]+)版")
MAX_GBT_AUTHORS = 3


def responsible(article: Article) -> list[Authorship]:
    """Who is responsible for the text (articles.querysets): cited as its authors."""
    return responsible_people(bylines_of(article))


def cited_names(article: Article) -> list[str]:
    """Printed names of the responsible people, in order, once each.

    An author the page names only by office (作者为山西省总工会党组书记) has no name to
    cite; the office is not an author and is not put in its place.
    """
    return list(
        dict.fromkeys(b.author.name for b in responsible(article) if b.author_id)
    )


def page_number(label: str) -> str:
    """版次 as cited: 第7版 → 7, A07 → A7, 第十二版 → 12; "" when the label has none."""
    label = label or ""
    match = PAGE_DIGITS.search(label)
    if match:
        return f"{match.group(1).upper()}{match.group(2)}"
    match = PAGE_CHINESE.search(label)
    if match:
        value = chinese_number(match.group(1))
        return str(value) if value else ""
    return ""


def chinese_number(text: str) -> int | None:
    """十二 → 12, 二十 → 20, 一百零五 → 105; None for anything else."""
    total, current = 0, 0
    for char in text:
        if char in CHINESE_DIGITS:
            current = CHINESE_DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def clean_title(title: str) -> str:
    # A headline printed on two lines reaches us with a space where it wrapped; keep one.
    return " ".join((title or "").split())


@dataclass
class Citation:
    """Everything the export formats print about one article, machine formats included."""

    pk: int
    title: str
    kicker: str
    authors: list[str]
    affiliations: list[str]
    provinces: list[str]
    column: str
    kind: str
    status: str
    date: date | None
    number: int | None
    page_label: str
    page: str
    newspaper: str
    lede: str
    url: str
    people: list[Authorship] = field(default_factory=list, repr=False)

    @property
    def year(self) -> str:
        return str(self.date.year) if self.date else ""


def citation(article: Article, url: str = "") -> Citation:
    people = responsible(article)
    affiliations = list(
        dict.fromkeys(b.affiliation.name for b in people if b.affiliation_id)
    )
    provinces = list(
        dict.fromkeys(
            b.affiliation.province.short_name
            for b in people
            if b.affiliation_id and b.affiliation.province_id
        )
    )
    issue = article.issue
    return Citation(
        pk=article.pk,
        title=clean_title(article.title),
        kicker=clean_title(article.kicker),
        authors=cited_names(article),
        affiliations=affiliations,
        provinces=provinces,
        column=article.column.name if article.column_id else "",
        kind=article.get_kind_display(),
        status=article.get_status_display(),
        date=issue.publication_date,
        number=issue.number,
        page_label=issue.page_label,
        page=page_number(issue.page_label),
        newspaper=settings.NEWSPAPER_NAME,
        lede=" ".join(article.lede.split()),
        url=url or article.get_absolute_url(),
        people=people,
    )


def gbt7714(article: Article, index: int | None = 1) -> str:
    """The GB/T 7714-2015 reference of a newspaper article (文献类型标识 N).

    `[1] 李长安, 刘娜. 推动“双创”活动持续发展的政策建议[N]. 工人日报, 2019-12-16(7).`
    At most three authors, then “, 等”. With no printed name the author part is left
    out and the reference opens with the title, as 8.1.4 of the standard allows for
    numbered references (no “佚名”, and never the affiliation in an author's place).
    An unknown date is left out rather than guessed (and the page with it, as a page
    number locates nothing without its issue). `index=None` drops the `[n]`.
    """
    c = citation(article)
    return format_gbt7714(c, index)


def format_gbt7714(c: Citation, index: int | None = 1) -> str:
    parts = [f"[{index}] " if index else ""]
    if c.authors:
        names = ", ".join(c.authors[:MAX_GBT_AUTHORS])
        if len(c.authors) > MAX_GBT_AUTHORS:
            names += ", 等"
        parts.append(f"{names}. ")
    parts.append(f"{c.title}[N]. {c.newspaper}")
    if c.date:
        parts.append(f", {c.date.isoformat()}")
        # 版次 belongs to a dated issue; without the date it locates nothing.
        if c.page:
            parts.append(f"({c.page})")
    parts.append(".")
    return "".join(parts)


def highwire_tags(article: Article, url: str) -> list[tuple[str, str]]:
    """Highwire Press `citation_*` meta tags: what Zotero's browser button and Google
    Scholar read off an article page. One `citation_author` per person, each followed
    by that person's institution; no date or page is invented when unknown."""
    c = citation(article, url)
    tags = [("citation_title", c.title)]
    for b in c.people:
        if b.author_id:
            tags.append(("citation_author", b.author.name))
            if b.affiliation_id:
                tags.append(("citation_author_institution", b.affiliation.name))
    if c.date:
        tags.append(("citation_publication_date", c.date.strftime("%Y/%m/%d")))
        if c.page:
            tags.append(("citation_firstpage", c.page))
    tags += [
        ("citation_journal_title", c.newspaper),
        ("citation_language", "zh"),
        ("citation_public_url", url),
        ("citation_fulltext_html_url", url),
    ]
    if c.number:
        tags.append(("citation_issue", str(c.number)))
    return tags


def json_ld(article: Article, url: str) -> dict:
    """schema.org `NewsArticle` with its authors as `Person`s and their affiliations."""
    c = citation(article, url)
    authors = []
    for b in c.people:
        if not b.author_id:
            continue
        person = {"@type": "Person", "name": b.author.name}
        if b.affiliation_id:
            person["affiliation"] = {
                "@type": "Organization",
                "name": b.affiliation.name,
            }
        authors.append(person)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": c.title,
        "url": url,
        "inLanguage": "zh-CN",
        "author": authors,
        "publisher": {"@type": "Organization", "name": c.newspaper},
        "isPartOf": {"@type": "Periodical", "name": c.newspaper},
    }
    if c.kicker:
        data["alternativeHeadline"] = c.kicker
    if c.lede:
        data["description"] = c.lede
    if c.column:
        data["articleSection"] = c.column
    if c.date:
        data["datePublished"] = c.date.isoformat()
    if c.page:
        data["pageStart"] = c.page
    return data
