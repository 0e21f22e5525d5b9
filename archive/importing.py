"""The import service: raw page bytes (and the page's scans) to Issue, Articles,
Authorships and Scans, one transaction per page.

Crosses into articles: it creates articles.models rows and records each text's first
revision (articles.editing.corrections.record_import), because an import is the one
writer of what a page holds.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from archive.ingest.decoding import RefusedInput, decode_page
from archive.ingest.parsing import ParsedPage, Person, Piece, parse_page
from archive.models import Issue, sha256_hex
from archive.scans.imaging import PreparedScan, ScanRefused
from archive.scans.services import prepare_scan_file, store_scans
from articles.editing.corrections import record_import
from articles.models import (
    Affiliation,
    Article,
    Author,
    Authorship,
    Column,
    Province,
)


class ImportRefused(Exception):
    """A page that must not be imported; the message says why, in Chinese."""


@dataclass
class ImportResult:
    source_name: str
    status: str  # "imported" | "unchanged"
    issue: Issue | None = None
    parsed: ParsedPage | None = None
    articles: list[Article] = field(default_factory=list)

    @property
    def flag_count(self) -> int:
        if self.parsed is None:
            return 0
        return len(self.parsed.flags) + sum(len(p.flags) for p in self.parsed.pieces)

    @property
    def author_count(self) -> int:
        if self.parsed is None:
            return 0
        return sum(1 for p in self.parsed.pieces for a in p.authors if a.name)


@dataclass(frozen=True)
class PageFile:
    """A raw page on disk to import, with what is known about it and its scan files."""

    path: Path
    publication_date: date | None = None
    number: int | None = None
    page_label: str = ""
    scans: tuple[Path, ...] = ()


@dataclass(frozen=True)
class CheckedScan:
    name: str
    pages: int
    sha256: str


@dataclass
class FileOutcome:
    """What became of one file: refused (error), parsed (dry run) or imported."""

    page: PageFile
    error: str = ""
    result: ImportResult | None = None
    parsed: ParsedPage | None = None
    checked_scans: list[CheckedScan] = field(default_factory=list)
    scans_added: int = 0
    scans_total: int = 0


def import_files(
    pages: Iterable[PageFile], *, dry_run: bool = False
) -> Iterator[FileOutcome]:
    """Imports each page with its scans, one transaction per file, yielding as it goes.

    A refused page or scan (ImportRefused, ScanRefused, an unreadable file) becomes
    an outcome with the reason, and the batch goes on. With `dry_run` each page is
    parsed and its scans checked, and nothing is written.
    """
    for page in pages:
        try:
            outcome = check_file(page) if dry_run else import_file(page)
        except (ImportRefused, ScanRefused, OSError) as exc:
            outcome = FileOutcome(page, error=str(exc))
        yield outcome


def check_file(page: PageFile) -> FileOutcome:
    _, _, parsed = parse_raw(page.path.read_bytes())
    # A dry run must work before `migrate` (a reviewer scoring the parser on a fresh
    # checkout); merged names can only be followed once the tables exist.
    if Affiliation._meta.db_table in connection.introspection.table_names():
        follow_merged_affiliations(parsed)
    checked = []
    for path in page.scans:
        prepared = prepare_scan_file(path)
        prepared.close()
        checked.append(CheckedScan(prepared.name, len(prepared.pages), prepared.sha256))
    return FileOutcome(page, parsed=parsed, checked_scans=checked)


def import_file(page: PageFile) -> FileOutcome:
    # Scans are checked and rendered (one at a time) before anything is stored: a bad
    # scan leaves neither the page nor its scans half-imported.
    prepared: list[PreparedScan] = []
    try:
        for path in page.scans:
            prepared.append(prepare_scan_file(path))
        with transaction.atomic():
            result = import_page(
                page.path.read_bytes(),
                source_name=page.path.name,
                publication_date=page.publication_date,
                number=page.number,
                page_label=page.page_label,
            )
            added = store_scans(result.issue, prepared) if prepared else []
    finally:
        for item in prepared:
            item.close()
    total = result.issue.scans.count() if prepared else 0
    return FileOutcome(page, result=result, scans_added=len(added), scans_total=total)


def parse_raw(data: bytes) -> tuple[str, str, ParsedPage]:
    """Decode and parse without touching the database; raises ImportRefused."""
    try:
        decoded = decode_page(data, max_bytes=settings.IMPORT_MAX_BYTES)
    except RefusedInput as exc:
        raise ImportRefused(str(exc)) from exc
    parsed = parse_page(decoded.text)
    if not parsed.pieces:
        raise ImportRefused("没有从文本中识别出任何文章。")
    return decoded.text, decoded.encoding, parsed


def follow_merged_affiliations(parsed: ParsedPage) -> None:
    """Names editors merged into another institution are read as that institution."""
    for piece in parsed.pieces:
        for person in (*piece.authors, *piece.credits, *piece.quoted):
            if person.affiliation:
                person.affiliation = known_affiliation_name(person.affiliation)


def import_page(
    data: bytes,
    *,
    source_name: str,
    publication_date: date | None = None,
    number: int | None = None,
    page_label: str = "",
) -> ImportResult:
    """Imports one raw page. The same bytes twice is a no-op; changed bytes are
    refused."""
    digest = sha256_hex(data)
    existing = Issue.objects.filter(raw_sha256=digest).first()
    if existing is not None:
        return ImportResult(source_name=source_name, status="unchanged", issue=existing)
    if Issue.objects.filter(source_name=source_name).exists():
        raise ImportRefused(
            f"“{source_name}”已经导入过，但内容与当时不同。为保护编辑已做的校对，"
            "不会覆盖；如确属新版面，请改用新的文件名导入。"
        )
    text, encoding, parsed = parse_raw(data)
    follow_merged_affiliations(parsed)
    with transaction.atomic():
        issue = Issue.objects.create(
            source_name=source_name,
            raw_bytes=data,
            raw_encoding=encoding,
            raw_text=text,
            raw_sha256=digest,
            publication_date=publication_date,
            number=number,
            page_label=page_label,
            import_flags=[flag_dict(f) for f in parsed.flags],
        )
        columns = {c.name: c for c in Column.objects.all()}
        articles = [
            save_piece(issue, position, piece, columns)
            for position, piece in enumerate(parsed.pieces, start=1)
        ]
    return ImportResult(
        source_name=source_name,
        status="imported",
        issue=issue,
        parsed=parsed,
        articles=articles,
    )


def save_piece(
    issue: Issue, position: int, piece: Piece, columns: dict[str, Column]
) -> Article:
    article = Article.objects.create(
        issue=issue,
        column=columns.get(piece.column) if piece.column else None,
        kind=piece.kind,
        position=position,
        kicker=piece.kicker or "",
        title=piece.title or "（无标题）",
        lede=piece.lede or "",
        body="\n\n".join(piece.body),
        original_ocr=piece.original,
        review_flags=[flag_dict(f) for f in piece.flags],
    )
    record_import(article)
    contributions = [
        (Authorship.Contribution.AUTHOR, piece.authors),
        (Authorship.Contribution.CREDIT, piece.credits),
        (Authorship.Contribution.QUOTED, piece.quoted),
    ]
    for contribution, people in contributions:
        for order, person in enumerate(people, start=1):
            if not (person.name or person.affiliation or person.role):
                continue
            Authorship.objects.create(
                article=article,
                author=find_or_create_author(person.name) if person.name else None,
                affiliation=find_or_create_affiliation(person),
                role=person.role or "",
                contribution=contribution,
                order=order,
            )
    return article


def flag_dict(flag) -> dict:
    return {"code": flag.code, "message": flag.message}


def find_or_create_author(name: str) -> Author:
    """The same name on two pages is one author, also a name merged in as an alias."""
    author = Author.objects.filter(name=name).order_by("pk").first()
    if author is None:
        # JSON text differs by backend (escaped on SQLite), so aliases are matched here;
        # only authors that were merged carry any.
        author = next(
            (a for a in Author.objects.exclude(aliases=[]) if name in a.aliases), None
        )
    return author or Author.objects.create(name=name)


def known_affiliation_name(name: str) -> str:
    """Maps an alias editors recorded (merging affiliations) to its canonical name."""
    if Affiliation.objects.filter(name=name).exists():
        return name
    for affiliation in Affiliation.objects.exclude(aliases=[]):
        if name in affiliation.aliases:
            return affiliation.name
    return name


def find_or_create_affiliation(person: Person) -> Affiliation | None:
    if not person.affiliation:
        return None
    name = known_affiliation_name(person.affiliation)
    province = (
        Province.objects.filter(short_name=person.province).first()
        if person.province
        else None
    )
    affiliation, created = Affiliation.objects.get_or_create(
        name=name, defaults={"province": province, "level": guess_level(name)}
    )
    if not created and affiliation.province is None and province is not None:
        affiliation.province = province
        affiliation.save(update_fields=["province"])
    return affiliation


def guess_level(name: str) -> str:
    """A first guess editors can correct once for everywhere."""
    level = Affiliation.Level
    if name.startswith(("全国", "中国", "中华全国", "中共中央", "国务院")):
        return level.CENTRAL
    if "县" in name or (name.count("市") >= 2) or "区总工会" in name:
        return level.COUNTY
    if "市" in name or "州" in name:
        return level.MUNICIPAL
    if "省" in name or "自治区" in name:
        return level.PROVINCIAL
    return level.OTHER
