"""Exports of articles: CSV, RIS, BibTeX, EndNote, NoteExpress, and the bulk corpus with its checksum manifest."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models import Article, Authorship, Revision
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
        lines.append(("%K", c.column))
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
    """NoteExpress's own tagged format (`{Reference Type}: Newspaper Article`), as CNKI exports it."""
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


# ---------------------------------------------------------------- bulk corpus

MANIFEST = "MANIFEST.sha256"
JSONL = "articles.jsonl"
TEXT_DIR = "text"
README = "README.txt"


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


def corpus_queryset():
    """Every public article with all it needs, in a fixed number of queries per chunk."""
    return (
        Article.objects.public()
        .select_related("issue", "column")
        .defer("issue__raw_bytes", "issue__raw_text")
        .annotate(**revision_annotations())
        .prefetch_related(
            Prefetch(
                "authorships",
                queryset=Authorship.objects.select_related(
                    "author", "affiliation__province"
                ).order_by("contribution", "order"),
                to_attr="bylines",
            )
        )
        .order_by("pk")
    )


def iso(value) -> str | None:
    return value.isoformat() if value else None


def corpus_record(article: Article, base_url: str = "") -> dict:
    c = citation(article, base_url.rstrip("/") + article.get_absolute_url())
    return {
        "id": article.pk,
        "url": c.url,
        "title": article.title,
        "kicker": article.kicker,
        "lede": article.lede,
        "body": article.body,
        "column": c.column or None,
        "kind": article.kind,
        "status": article.status,
        "newspaper": c.newspaper,
        "date": iso(c.date),
        "issue_number": c.number,
        "page_label": c.page_label,
        "authorships": [
            {
                "name": b.author.name if b.author_id else None,
                "contribution": b.contribution,
                "role": b.role,
                "order": b.order,
                "affiliation": b.affiliation.name if b.affiliation_id else None,
                "province": b.affiliation.province.short_name
                if b.affiliation_id and b.affiliation.province_id
                else None,
            }
            for b in article.bylines
        ],
        "revision_count": getattr(article, "revision_count", None),
        "last_corrected_at": iso(getattr(article, "last_corrected_at", None)),
        "updated_at": iso(article.updated_at),
        "citation": format_gbt7714(c, index=None),
    }


def corpus_text(record: dict) -> str:
    """The plain-text file of one article: a short header, a blank line, then the text."""
    people = [
        a["name"]
        for a in record["authorships"]
        if a["name"] and a["contribution"] != "quoted"
    ]
    header = [
        f"标题：{record['title']}",
        f"引题：{record['kicker']}" if record["kicker"] else "",
        f"作者：{'、'.join(people)}" if people else "",
        f"栏目：{record['column']}" if record["column"] else "",
        f"出版日期：{record['date'] or '待定'}",
        f"版次：{record['page_label']}" if record["page_label"] else "",
        f"引文：{record['citation']}",
        f"网址：{record['url']}",
    ]
    parts = ["\n".join(line for line in header if line)]
    if record["lede"]:
        parts.append(f"【观点】{record['lede']}")
    parts.append(record["body"])
    return "\n\n".join(parts).rstrip() + "\n"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class CorpusResult:
    directory: Path
    articles: int
    files: int
    zip_path: Path | None = None


def write_corpus(
    directory: Path, *, base_url: str = "", progress: Callable | None = None
) -> CorpusResult:
    """Writes articles.jsonl, text/<id>.txt per article, README.txt and MANIFEST.sha256.

    The manifest lists every other file with its SHA-256 in `sha256sum` format, so
    `sha256sum -c MANIFEST.sha256` checks a download as well as verify_manifest() does.
    """
    directory = Path(directory)
    (directory / TEXT_DIR).mkdir(parents=True, exist_ok=True)
    articles = corpus_queryset()
    total = articles.count()
    tick = progress(total) if progress else None
    written: list[str] = []
    count = 0
    with (directory / JSONL).open("w", encoding="utf-8", newline="\n") as jsonl:
        for article in articles.iterator(chunk_size=500):
            record = corpus_record(article, base_url)
            jsonl.write(json.dumps(record, ensure_ascii=False) + "\n")
            name = f"{TEXT_DIR}/{article.pk:07d}.txt"
            (directory / name).write_text(
                corpus_text(record), encoding="utf-8", newline="\n"
            )
            written.append(name)
            count += 1
            if tick:
                tick(1)
    readme = (
        f"{settings.SITE_TITLE}：校对后全文（公开文章 {count} 篇），导出于 {timezone.now().isoformat()}。\n\n"
        f"{JSONL}：每行一篇文章（JSON），含标题、引题、观点提要、正文、栏目、体裁、校对状态、出版日期、版次、署名（作者、角色、单位、省份）、修订次数与引文。\n"
        f"{TEXT_DIR}/：每篇文章一个纯文本文件，文件名为文章编号。\n"
        f"{MANIFEST}：除本清单外每个文件的 SHA-256；用 `sha256sum -c {MANIFEST}` 校验。\n"
    )
    (directory / README).write_text(readme, encoding="utf-8", newline="\n")
    files = [README, JSONL, *written]
    lines = [f"{sha256_file(directory / name)}  {name}\n" for name in files]
    (directory / MANIFEST).write_text("".join(lines), encoding="utf-8", newline="\n")
    return CorpusResult(directory=directory, articles=count, files=len(files))


MANIFEST_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


def verify_manifest(directory: Path) -> list[str]:
    """Problems with an export directory: missing, changed or unlisted files ([] when intact)."""
    directory = Path(directory)
    manifest = directory / MANIFEST
    if not manifest.is_file():
        return [f"缺少校验清单 {MANIFEST}"]
    problems = []
    listed: set[str] = set()
    for number, line in enumerate(
        manifest.read_text(encoding="utf-8").splitlines(), start=1
    ):
        match = MANIFEST_LINE.match(line)
        if not match:
            problems.append(f"清单第 {number} 行格式不对")
            continue
        expected, name = match.groups()
        listed.add(name)
        path = directory / name
        if ".." in Path(name).parts or Path(name).is_absolute():
            problems.append(f"{name}：清单中的路径不安全")
        elif not path.is_file():
            problems.append(f"{name}：文件缺失")
        elif sha256_file(path) != expected:
            problems.append(f"{name}：SHA-256 不符（文件已被改动）")
    for path in sorted(directory.rglob("*")):
        name = path.relative_to(directory).as_posix()
        if path.is_file() and name != MANIFEST and name not in listed:
            problems.append(f"{name}：不在清单中")
    return problems


EXPORT_NAME = re.compile(r"^corpus-\d{8}T\d{6}Z\.zip$")


def zip_corpus(
    directory: Path, target_dir: Path, *, stamp: datetime | None = None
) -> Path:
    """Zips an export into target_dir as corpus-<UTC time>.zip; written aside, then renamed,
    so a download never sees a half-written file."""
    stamp = stamp or timezone.now()
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    name = f"corpus-{stamp.astimezone(UTC):%Y%m%dT%H%M%SZ}.zip"
    partial = target_dir / f".{name}.part"
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(Path(directory).rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(directory).as_posix())
    final = target_dir / name
    os.replace(partial, final)
    (target_dir / f"{name}.sha256").write_text(
        f"{sha256_file(final)}  {name}\n", encoding="utf-8"
    )
    return final


def published_exports(target_dir: Path | None = None) -> list[Path]:
    """Zips the site offers for download, newest first."""
    target_dir = Path(target_dir or settings.CORPUS_EXPORT_DIR)
    if not target_dir.is_dir():
        return []
    found = [
        p for p in target_dir.iterdir() if p.is_file() and EXPORT_NAME.match(p.name)
    ]
    return sorted(found, key=lambda p: p.name, reverse=True)


def download_listing() -> list[dict]:
    """What the download page shows of each published zip: name, size, time, SHA-256."""
    files = []
    for path in published_exports():
        checksum = Path(f"{path}.sha256")
        stat = path.stat()
        files.append(
            {
                "name": path.name,
                "size": stat.st_size,
                "modified": datetime.fromtimestamp(
                    stat.st_mtime, tz=timezone.get_current_timezone()
                ),
                "sha256": checksum.read_text(encoding="utf-8").split()[0]
                if checksum.is_file()
                else "",
            }
        )
    return files


def prune_exports(target_dir: Path, keep: int) -> list[Path]:
    removed = []
    for path in published_exports(target_dir)[max(keep, 1) :]:
        path.unlink(missing_ok=True)
        Path(f"{path}.sha256").unlink(missing_ok=True)
        removed.append(path)
    return removed


def publish_corpus(
    *, base_url: str = "", progress: Callable | None = None, keep: int | None = None
) -> CorpusResult:
    """Writes an export in a scratch directory beside the downloads, zips it there, removes
    the scratch copy and keeps the newest `keep` zips."""
    target_dir = Path(settings.CORPUS_EXPORT_DIR)
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now()
    scratch = target_dir / f".build-{stamp:%Y%m%dT%H%M%S%f}"
    try:
        result = write_corpus(scratch, base_url=base_url, progress=progress)
        result.zip_path = zip_corpus(scratch, target_dir, stamp=stamp)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    prune_exports(target_dir, settings.CORPUS_EXPORTS_KEPT if keep is None else keep)
    return result
