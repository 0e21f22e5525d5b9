"""Exports of articles: CSV, RIS, BibTeX, EndNote, NoteExpress, GB/T 7714 (the bulk corpus is
in bundle.py)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from articles.models import Article, Revision
from articles.pinyin import name_sort_key
from articles.research.citations import Citation, citation, format_gbt7714


@dataclass(frozen=True)
class Format:
    label: str
    content_type: str
    extension: str
    render: Callable[[Iterable[Citation]], Iterator[str]]


# ---------------------------------------------------------------- CSV

CSV_HEADER = [
    "编号",
    "标题",
    "引题",
    "作者",
    "作者单位",
    "省份",
    "栏目",
    "体裁",
    "出版日期",
    "期号",
    "版次",
    "报纸",
    "校对状态",
    "观点提要",
    "网址",
    "GB/T 7714 引文",
]
# A cell opening with one of these is a formula to Excel or LibreOffice (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str | int:
    """A cell value a spreadsheet shows as text: formulas are neutralised with a leading '."""
    if isinstance(value, int):
        return value
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def csv_row(c: Citation) -> list:
    return [
        c.pk,
        c.title,
        c.kicker,
        "；".join(c.authors),
        "；".join(c.affiliations),
        "；".join(c.provinces),
        c.column,
        c.kind,
        c.date.isoformat() if c.date else "",
        c.number or "",
        c.page_label,
        c.newspaper,
        c.status,
        c.lede,
        c.url,
        format_gbt7714(c, index=None),
    ]


def render_csv(citations: Iterable[Citation]) -> Iterator[str]:
    """UTF-8 with a byte-order mark, so Excel reads the Chinese; one article per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(CSV_HEADER)
    yield _drain(buffer)
    for c in citations:
        writer.writerow([csv_safe(v) for v in csv_row(c)])
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


# ---------------------------------------------------------------- tagged formats


def one_line(value) -> str:
    """Tagged formats hold one value per line: line breaks inside a value become spaces."""
    return " ".join(str(value or "").split())


def ris_record(c: Citation) -> str:
    lines = [("TY", "NEWS"), ("TI", c.title)]
    lines += [("AU", name) for name in c.authors]
    lines += [("AD", name) for name in c.affiliations]
    if c.date:
        lines += [("PY", str(c.date.year)), ("DA", c.date.strftime("%Y/%m/%d"))]
    lines.append(("T2", c.newspaper))
    if c.page:
        lines.append(("SP", c.page))
    if c.column:
        lines.append(("KW", c.column))
    if c.lede:
        lines.append(("AB", c.lede))
    lines += [("LA", "zh"), ("UR", c.url), ("ID", str(c.pk))]
    body = "".join(
        f"{tag}  - {one_line(value)}\r\n" for tag, value in lines if one_line(value)
    )
    return body + "ER  - \r\n\r\n"


def render_ris(citations: Iterable[Citation]) -> Iterator[str]:
    for c in citations:
        yield ris_record(c)


BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
BIBTEX_SPECIAL = re.compile("|".join(re.escape(k) for k in BIBTEX_SPECIALS))


def bibtex_escape(value) -> str:
    return BIBTEX_SPECIAL.sub(lambda m: BIBTEX_SPECIALS[m.group(0)], one_line(value))


def bibtex_key(c: Citation) -> str:
    """ASCII key from the first author's pinyin, the year and the id: lichangan2019-13."""
    who = re.sub(r"[^a-z]", "", name_sort_key(c.authors[0])) if c.authors else "anon"
    return f"{who or 'anon'}{c.year or 'nd'}-{c.pk}"


def bibtex_record(c: Citation) -> str:
    """`@article` with `entrysubtype = newspaper` (biblatex) and `journal` = the paper.

    Each Chinese name is braced so BibTeX keeps it whole instead of splitting it into
    first and last names.
    """
    fields = [
        ("author", " and ".join("{" + bibtex_escape(n) + "}" for n in c.authors)),
        ("title", "{" + bibtex_escape(c.title) + "}"),
        ("journal", bibtex_escape(c.newspaper)),
        ("entrysubtype", "newspaper"),
    ]
    if c.date:
        fields += [
            ("year", str(c.date.year)),
            ("month", str(c.date.month)),
            ("day", str(c.date.day)),
            ("date", c.date.isoformat()),
        ]
    if c.page:
        fields.append(("pages", bibtex_escape(c.page)))
    if c.column:
        fields.append(("keywords", bibtex_escape(c.column)))
    if c.lede:
        fields.append(("abstract", bibtex_escape(c.lede)))
    fields += [
        ("language", "chinese"),
        ("langid", "chinese"),
        ("url", c.url.replace("{", "%7B").replace("}", "%7D")),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@article{{{bibtex_key(c)},\n{body}\n}}\n\n"


def render_bibtex(citations: Iterable[Citation]) -> Iterator[str]:
    for c in citations:
        yield bibtex_record(c)


def endnote_record(c: Citation) -> str:
    """EndNote's tagged import format; %J holds the newspaper as CNKI's exports do."""
    lines = [("%0", "Newspaper Article"), ("%T", c.title)]
    lines += [("%A", name) for name in c.authors]
    lines += [("%+", name) for name in c.affiliations]
    lines.append(("%J", c.newspaper))
    if c.date:
        lines += [("%D", str(c.date.year)), ("%8", c.date.isoformat())]
    if c.page:
        lines.append(("%P", c.page))
    if c.column:
        # A newspaper's column is its section (%&), not a keyword (%K).
        lines.append(("%&", c.column))
    if c.lede:
        lines.append(("%X", c.lede))
    lines += [("%G", "Chinese"), ("%U", c.url), ("%~", settings.SITE_TITLE)]
    body = "".join(
        f"{tag} {one_line(value)}\n" for tag, value in lines if one_line(value)
    )
    return body + "\n"


def render_endnote(citations: Iterable[Citation]) -> Iterator[str]:
    for c in citations:
        yield endnote_record(c)


def noteexpress_record(c: Citation) -> str:
    """NoteExpress's own tagged format (`{Reference Type}: Newspaper Article`), as CNKI
    exports it."""
    lines = [
        ("Reference Type", "Newspaper Article"),
        ("Title", c.title),
        ("Author", "".join(f"{n};" for n in c.authors)),
        ("Author Address", "".join(f"{a};" for a in c.affiliations)),
        ("Secondary Title", c.newspaper),
    ]
    if c.date:
        lines += [("Year", str(c.date.year)), ("Date", c.date.isoformat())]
    lines += [
        ("Pages", c.page),
        ("Keywords", c.column),
        ("Abstract", c.lede),
        ("Language", "chinese"),
        ("URL", c.url),
        ("Database Provider", settings.SITE_TITLE),
    ]
    body = "".join(
        f"{{{tag}}}: {one_line(value)}\n" for tag, value in lines if one_line(value)
    )
    return body + "\n"


def render_noteexpress(citations: Iterable[Citation]) -> Iterator[str]:
    for c in citations:
        yield noteexpress_record(c)


def render_gbt7714(citations: Iterable[Citation]) -> Iterator[str]:
    for index, c in enumerate(citations, start=1):
        yield format_gbt7714(c, index) + "\n"


FORMATS = {
    "csv": Format("CSV（Excel）", "text/csv; charset=utf-8", "csv", render_csv),
    "ris": Format(
        "RIS", "application/x-research-info-systems; charset=utf-8", "ris", render_ris
    ),
    "bib": Format(
        "BibTeX", "application/x-bibtex; charset=utf-8", "bib", render_bibtex
    ),
    "enw": Format(
        "EndNote", "application/x-endnote-refer; charset=utf-8", "enw", render_endnote
    ),
    "noteexpress": Format(
        "NoteExpress", "text/plain; charset=utf-8", "txt", render_noteexpress
    ),
    "txt": Format("GB/T 7714", "text/plain; charset=utf-8", "txt", render_gbt7714),
}
# The list page offers these; "txt" (numbered GB/T references) is offered too.
LIST_FORMATS = ("csv", "ris", "bib", "enw", "noteexpress", "txt")


def export(
    articles: Iterable[Article], fmt: str, absolute: Callable[[str], str] = str
) -> Iterator[str]:
    """The articles in format `fmt`, as text chunks to stream; `absolute` makes URLs absolute."""
    citations = (citation(a, absolute(a.get_absolute_url())) for a in articles)
    return FORMATS[fmt].render(citations)


def revision_annotations() -> dict:
    """How often an article was revised and when it was last corrected (imports are not
    corrections), as subqueries so no GROUP BY spans the article's text."""
    revisions = Revision.objects.filter(article=OuterRef("pk"))
    return {
        "revision_count": Coalesce(
            Subquery(
                revisions.order_by()
                .values("article")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
        "last_corrected_at": Subquery(
            revisions.exclude(kind=Revision.Kind.IMPORT)
            .order_by("-created_at")
            .values("created_at")[:1]
        ),
    }
